import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { AgentStatus } from '../../src/agent/health/status-file.js';
import { CLI_PATH, runCli } from '../helpers/cli.js';

/**
 * Silence is visible (issue 11 §5), against real daemons: lifecycle documents in the NDJSON file,
 * `status` after a SIGKILL, the unclean-shutdown report at the next start, and the stall watchdog.
 */

const STALL_PRELOAD = pathToFileURL(fileURLToPath(new URL('../fixtures/liveness/stall-preload.mjs', import.meta.url))).href;
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

interface Daemon {
  child: ChildProcess;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

interface LifecycleDocument {
  '@timestamp': string;
  event: { kind: string; dataset: string; action: string };
  agent: { id: string; name: string; type: string; version: string };
  host: { name: string };
  emondguard: Record<string, unknown>;
}

function workspace(values: Record<string, unknown> = {}): { dir: string; configPath: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'emondguard-live-'));
  const configPath = path.join(dir, 'config.json');
  writeFileSync(
    configPath,
    JSON.stringify({
      databasePath: path.join(dir, 'alerts.db'),
      statusPath: path.join(dir, 'status.json'),
      agentLogPath: path.join(dir, 'agent.log'),
      alertsNdjsonPath: path.join(dir, 'alerts.ndjson'),
      statusIntervalSeconds: 1,
      heartbeatSeconds: 1,
      ...values,
    }),
  );
  return { dir, configPath };
}

function startDaemon(configPath: string, args: string[], nodeOptions: string[] = []): Daemon {
  const child = spawn(process.execPath, [...nodeOptions, CLI_PATH, 'run', '--config', configPath, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  children.push(child);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { child, stderr: () => stderr, exited };
}

function status(dir: string): AgentStatus | undefined {
  try {
    return JSON.parse(readFileSync(path.join(dir, 'status.json'), 'utf8')) as AgentStatus;
  } catch {
    return undefined;
  }
}

function lifecycle(dir: string): LifecycleDocument[] {
  const file = path.join(dir, 'alerts.ndjson');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as LifecycleDocument)
    .filter((doc) => doc.event?.dataset === 'emondguard.agent');
}

const actions = (dir: string): string[] => lifecycle(dir).map((doc) => doc.event.action);

async function until(condition: () => boolean, timeoutMs = 20_000, pollMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

describe('silence is visible', { timeout: 90_000 }, () => {
  it('writes agent-started, heartbeats with counters since the previous one, and agent-stopped to the NDJSON file', async () => {
    const { dir, configPath } = workspace({ mergeIntervalSeconds: 0 });
    const daemon = startDaemon(configPath, ['--source', 'simulator', '--load', '200', '--emond-every', '1']);
    await until(() => actions(dir).filter((a) => a === 'heartbeat').length >= 3);
    daemon.child.kill('SIGTERM');
    expect((await daemon.exited).code).toBe(0);

    const docs = lifecycle(dir);
    expect(docs[0]?.event.action).toBe('agent-started');
    expect(docs[0]).toMatchObject({
      event: { kind: 'event', dataset: 'emondguard.agent' },
      agent: { name: 'emondguard', type: 'emondguard' },
      emondguard: { source: 'simulator', rules_loaded: 1, heartbeat_seconds: 1 },
    });
    expect(docs.at(-1)).toMatchObject({ event: { action: 'agent-stopped' }, emondguard: { reason: 'SIGTERM received' } });
    // One agent id on every document, stable across restarts.
    const ids = new Set(docs.map((d) => d.agent.id));
    expect(ids.size).toBe(1);
    const heartbeats = docs.filter((d) => d.event.action === 'heartbeat');
    for (const beat of heartbeats) {
      expect(beat.event.kind).toBe('metric');
      expect(beat.emondguard).toMatchObject({ interval_seconds: 1, events_dropped: 0 });
      expect(beat.emondguard.rss_bytes).toBeGreaterThan(0);
      expect(typeof beat.emondguard.cpu_percent).toBe('number');
      expect(typeof beat.emondguard.queue_events).toBe('number');
      // The native source knows its queue's bytes (the queueMaxMB budget): never null here.
      expect(typeof beat.emondguard.queue_bytes).toBe('number');
      expect(typeof beat.emondguard.alerts_held_back).toBe('number');
    }
    // Counters are deltas: they add up to the run's totals, not to a multiple of them.
    const final = status(dir);
    const seen = heartbeats.reduce((sum, b) => sum + Number(b.emondguard.events_seen), 0);
    expect(seen).toBeGreaterThan(0);
    expect(seen).toBeLessThanOrEqual(final?.events.total ?? 0);
    expect(heartbeats.some((b) => Number(b.emondguard.alerts) > 0)).toBe(true);

    // A clean stop is not reported as a crash at the next start.
    const again = startDaemon(configPath, ['--source', 'simulator', '--load', '50']);
    await until(() => actions(dir).filter((a) => a === 'agent-started').length === 2);
    again.child.kill('SIGTERM');
    expect((await again.exited).code).toBe(0);
    expect(actions(dir)).not.toContain('unclean-shutdown');
    expect(new Set(lifecycle(dir).map((d) => d.agent.id)).size).toBe(1);
  });

  it('after a SIGKILL, status says "not running (died at …)" and exits 1 at once; the next start reports the unclean shutdown', async () => {
    const { dir, configPath } = workspace();
    const daemon = startDaemon(configPath, ['--source', 'simulator', '--load', '100']);
    await until(() => actions(dir).includes('heartbeat') && status(dir)?.state === 'running');
    expect(runCli(['status', '--config', configPath]).status).toBe(0);

    daemon.child.kill('SIGKILL');
    expect((await daemon.exited).signal).toBe('SIGKILL');
    const lastHeartbeat = lifecycle(dir).filter((d) => d.event.action === 'heartbeat').at(-1)?.['@timestamp'];
    const before = status(dir);
    expect(before?.state).toBe('running'); // the file cannot know: only the pid check can

    const result = runCli(['status', '--config', configPath]);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain(`not running (died at ${before?.updatedAt}`);
    expect(result.stdout).toContain(`pid ${before?.pid} no longer exists`);
    const json = JSON.parse(runCli(['status', '--config', configPath, '--json']).stdout) as { running: boolean; died: boolean };
    expect(json).toMatchObject({ running: false, died: true });

    const again = startDaemon(configPath, ['--source', 'simulator', '--load', '50']);
    await until(() => actions(dir).includes('unclean-shutdown') && actions(dir).filter((a) => a === 'agent-started').length === 2);
    const report = lifecycle(dir).find((d) => d.event.action === 'unclean-shutdown');
    expect(report?.emondguard).toMatchObject({ previous_pid: before?.pid, last_heartbeat_at: lastHeartbeat, blind_since: lastHeartbeat });
    expect(report?.emondguard.blind_seconds).toBeGreaterThanOrEqual(0);
    expect(actions(dir).indexOf('unclean-shutdown')).toBeLessThan(actions(dir).lastIndexOf('agent-started'));
    again.child.kill('SIGTERM');
    expect((await again.exited).code).toBe(0);
  });

  it('the stall watchdog ends an agent whose pipeline is stuck, says why, and the next start reports it', async () => {
    const { dir, configPath } = workspace({ watchdogStallSeconds: 2 });
    const daemon = startDaemon(configPath, ['--source', 'simulator', '--load', '100', '--emond-every', '2'], ['--import', STALL_PRELOAD]);
    // The JavaScript thread is blocked for good: only the watchdog's thread can end the process.
    const { code, signal } = await daemon.exited;
    expect(code === 70 || signal === 'SIGKILL').toBe(true);
    expect(daemon.stderr()).toMatch(/stall watchdog: one batch of events has been in the pipeline for \d+ s/);
    const logged = readFileSync(path.join(dir, 'agent.log'), 'utf8');
    expect(logged).toContain('"message":"stall watchdog: one batch of events has been in the pipeline');
    expect(runCli(['status', '--config', configPath]).status).toBe(1);

    const again = startDaemon(configPath, ['--source', 'simulator', '--load', '50']);
    await until(() => actions(dir).includes('unclean-shutdown'));
    expect(lifecycle(dir).find((d) => d.event.action === 'unclean-shutdown')?.emondguard.end_reason).toMatch(/^stall watchdog: one batch/);
    again.child.kill('SIGTERM');
    expect((await again.exited).code).toBe(0);
  });

  it('the stall watchdog exits with code 70 when events wait and nothing is processed', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'emondguard-stall-'));
    const script = path.join(dir, 'stall.mjs');
    const module = pathToFileURL(path.resolve(path.dirname(CLI_PATH), '../agent/health/stall-watchdog.js')).href;
    writeFileSync(
      script,
      `import { StallWatchdog, STALL_EXIT_CODE } from '${module}';
const watchdog = new StallWatchdog({ stallSeconds: 1, agentLogPath: null, statePath: ${JSON.stringify(path.join(dir, 'none.json'))},
  onStall: (reason) => { process.stdout.write(reason); process.exit(STALL_EXIT_CODE); } });
watchdog.start();
watchdog.enter(); watchdog.leave(); watchdog.observeReceived(100); watchdog.observeReceived(105);
setInterval(() => undefined, 1000);
`,
    );
    const started = Date.now();
    const result = spawnSync(process.execPath, [script], { encoding: 'utf8', timeout: 30_000 });
    expect(result.status).toBe(70);
    expect(result.stdout).toMatch(/^5 event\(s\) are queued and no batch has been processed for \d+ s/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
  });
});

describe('the stall watchdog in process', () => {
  it('an idle source is no stall; messages that come in while no batch finishes are', async () => {
    const { StallWatchdog } = await import('../../src/agent/health/stall-watchdog.js');
    const dir = mkdtempSync(path.join(tmpdir(), 'emondguard-stall-'));
    const stalls: string[] = [];
    const watchdog = new StallWatchdog({ stallSeconds: 1, agentLogPath: null, statePath: path.join(dir, 'none.json'), onStall: (reason) => stalls.push(reason), killAfterMs: null });
    watchdog.start();
    try {
      // A message the source took in and discarded (never delivered): then batches finish, then quiet.
      watchdog.observeReceived(100);
      watchdog.enter();
      watchdog.leave();
      watchdog.observeReceived(101);
      await new Promise((r) => setTimeout(r, 2500));
      watchdog.observeReceived(101);
      expect(stalls).toEqual([]);
      // Now messages arrive and no batch finishes.
      watchdog.observeReceived(104);
      await until(() => stalls.length > 0, 10_000);
      expect(stalls[0]).toMatch(/^3 event\(s\) are queued and no batch has been processed for \d+ s/);
    } finally {
      await watchdog.stop();
    }
  });
});
