import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { AlertFilter } from '../../src/storage/alert-filter.js';
import { AlertReader } from '../../src/storage/alert-reader.js';
import type { AgentStatus } from '../../src/agent/health/status-file.js';
import { CLI_PATH, runCli } from '../helpers/cli.js';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

interface Daemon {
  child: ChildProcess;
  dir: string;
  configPath: string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

function writeConfig(dir: string, values: Record<string, unknown> = {}): string {
  const configPath = path.join(dir, 'config.json');
  writeFileSync(
    configPath,
    JSON.stringify({
      databasePath: path.join(dir, 'alerts.db'),
      statusPath: path.join(dir, 'status.json'),
      agentLogPath: path.join(dir, 'agent.log'),
      alertsNdjsonPath: path.join(dir, 'alerts.ndjson'),
      statusIntervalSeconds: 1,
      ...values,
    }),
  );
  return configPath;
}

function startDaemon(args: string[], values: Record<string, unknown> = {}): Daemon {
  const dir = mkdtempSync(path.join(tmpdir(), 'emondguard-run-'));
  const configPath = writeConfig(dir, values);
  const child = spawn(process.execPath, [CLI_PATH, 'run', '--config', configPath, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  children.push(child);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  return { child, dir, configPath, stderr: () => stderr, exited };
}

function status(dir: string): AgentStatus | undefined {
  const file = path.join(dir, 'status.json');
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined;
}

async function until(condition: () => boolean, timeoutMs = 15_000, pollMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

/** An eslogger that starts, says so through a marker file, and prints nothing: the agent waits out its start grace. */
function slowEslogger(dir: string): { esloggerPath: string; started: string } {
  const esloggerPath = path.join(dir, 'eslogger');
  const started = path.join(dir, 'eslogger-started');
  writeFileSync(esloggerPath, `#!/bin/sh\ntouch '${started}'\nexec sleep 60\n`, { mode: 0o755 });
  return { esloggerPath, started };
}

/** Through the store's own reader, as `emondguard alerts` reads: the schema is the store's business. */
function countAlerts(dbPath: string, filter: AlertFilter = {}): number {
  const reader = AlertReader.open(dbPath);
  try {
    return reader.count(filter);
  } finally {
    reader.close();
  }
}

function agentEventKinds(dbPath: string): string[] {
  const reader = AlertReader.open(dbPath);
  try {
    return reader.agentEvents().map((event) => event.kind);
  } finally {
    reader.close();
  }
}

// Each test waits on a real daemon (up to 15 s per step): more than the default per-test budget.
describe('emondguard run', { timeout: 60_000 }, () => {
  it('SIGTERM during a flood: exits 0 within 2 s, every alert it counted is committed, the file is intact', async () => {
    const daemon = startDaemon(['--source', 'simulator', '--load', '5000', '--emond-every', '0.1'], { mergeIntervalSeconds: 0 });
    await until(() => (status(daemon.dir)?.alerts.total ?? 0) >= 20);
    const sent = Date.now();
    daemon.child.kill('SIGTERM');
    const { code, at } = await daemon.exited;
    expect(code).toBe(0);
    expect(at - sent).toBeLessThan(2000);

    const final = status(daemon.dir);
    expect(final?.state).toBe('stopped');
    // Every message the ES handler took reached the pipeline: nothing in flight was thrown away.
    expect(final?.drops).toMatchObject({ kernel: 0, queue: 0, queueByteBudget: 0 });
    expect(final?.events.total).toBe(final?.esThread?.messages);
    const dbPath = path.join(daemon.dir, 'alerts.db');
    expect(countAlerts(dbPath)).toBe(final?.alerts.total);
    const db = new Database(dbPath, { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
    expect(agentEventKinds(dbPath).filter((kind) => kind === 'stop')).toHaveLength(1);
    // The log file has the agent's last line: it was on disk before the process exited.
    const lastLogged = JSON.parse(readFileSync(path.join(daemon.dir, 'agent.log'), 'utf8').trim().split('\n').at(-1) as string);
    expect(lastLogged).toMatchObject({ level: 'info', message: 'emondguard stopped (SIGTERM received)', complete: true });
  });

  it('SIGHUP reloads the configuration and the rules without a restart; a bad file keeps the old configuration', async () => {
    const daemon = startDaemon(['--source', 'simulator', '--load', '200', '--emond-every', '1000']);
    await until(() => status(daemon.dir)?.state === 'running');
    expect(countAlerts(path.join(daemon.dir, 'alerts.db'))).toBe(0);

    // A new rule that matches the ordinary load (git run by zsh).
    const rule = path.join(daemon.dir, 'git.toml');
    writeFileSync(
      rule,
      "[rule]\nrule_id = \"7b0c3f1e-0000-4000-8000-000000000001\"\nname = \"git seen\"\ndescription = \"t\"\nseverity = \"low\"\nrisk_score = 21\ntype = \"eql\"\nlanguage = \"eql\"\nquery = '''process where process.name == \"git\"'''\n",
    );
    writeConfig(daemon.dir, { rulePaths: [rule], logLevel: 'debug' });
    daemon.child.kill('SIGHUP');
    await until(() => countAlerts(path.join(daemon.dir, 'alerts.db'), { rules: ['7b0c3f1e-0000-4000-8000-000000000001'] }) > 0);

    writeFileSync(daemon.configPath, '{ "retentionDays": ');
    daemon.child.kill('SIGHUP');
    await until(() => daemon.stderr().includes('the new configuration was not applied, the current one keeps running'));
    expect(daemon.stderr()).toContain('is not valid JSON');
    const before = status(daemon.dir)?.events.total ?? 0;
    await until(() => (status(daemon.dir)?.events.total ?? 0) > before);
    expect(status(daemon.dir)?.state).toBe('running');

    daemon.child.kill('SIGTERM');
    expect((await daemon.exited).code).toBe(0);
  });

  it('handles SIGHUP and SIGTERM from the moment the status file says it is running', async () => {
    const daemon = startDaemon(['--source', 'simulator', '--load', '200']);
    // Polled closely: the status file is written while the agent is still starting.
    await until(() => status(daemon.dir)?.state === 'running', 15_000, 1);
    daemon.child.kill('SIGHUP');
    await until(() => daemon.stderr().includes('configuration and rules reloaded'));
    daemon.child.kill('SIGTERM');
    const { code, signal } = await daemon.exited;
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(status(daemon.dir)?.state).toBe('stopped');
  });

  it('applies a SIGHUP that came during start-up once running, and stops for a SIGTERM that came then', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'emondguard-run-'));
    const eslogger = slowEslogger(dir);
    const reloading = startDaemon(['--source', 'eslogger'], { esloggerPath: eslogger.esloggerPath });
    await until(() => existsSync(eslogger.started));
    expect(status(reloading.dir)).toBeUndefined(); // still starting: waiting out eslogger's start grace
    reloading.child.kill('SIGHUP');
    await until(() => reloading.stderr().includes('configuration and rules reloaded'));
    expect(status(reloading.dir)?.state).toBe('running');
    reloading.child.kill('SIGTERM');
    expect(await reloading.exited).toMatchObject({ code: 0, signal: null });

    const other = slowEslogger(mkdtempSync(path.join(tmpdir(), 'emondguard-run-')));
    const stopping = startDaemon(['--source', 'eslogger'], { esloggerPath: other.esloggerPath });
    await until(() => existsSync(other.started));
    // Into the start grace, so that what remains of it plus the shutdown fits the 2 s comfortably.
    await new Promise((r) => setTimeout(r, 500));
    expect(status(stopping.dir)).toBeUndefined();
    const sent = Date.now();
    stopping.child.kill('SIGTERM');
    const { code, signal, at } = await stopping.exited;
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(at - sent).toBeLessThan(2000);
    expect(stopping.stderr()).toContain('emondguard stopped (SIGTERM received)');
  });

  it('refuses --load without the simulator source', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'emondguard-run-'));
    const result = runCli(['run', '--config', writeConfig(dir), '--source', 'file:/dev/null', '--load', '10']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--replay and --load drive the ES simulator');
  });

  it('explains an eslogger that cannot be run, and exits 1 without restarting it', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'emondguard-run-'));
    const result = runCli(['run', '--config', writeConfig(dir, { esloggerPath: path.join(dir, 'no-eslogger') }), '--source', 'eslogger']);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('eslogger ships with macOS 13 Ventura and later');
    expect(result.stderr).not.toMatch(/write after end|restarting eslogger/);
  });

  it('exits 2 naming the key when the configuration is invalid', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'emondguard-run-'));
    const result = runCli(['run', '--config', writeConfig(dir, { retentionDays: 'ninety' })]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('"retentionDays": expected a whole number');
  });

  it('runs a recorded file to the end and exits 0', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'emondguard-run-'));
    const demo = runCli(['demo', '--db', path.join(dir, 'demo.db')]);
    const trace = /emondguard scan (\S+demo-trace\.ndjson)/.exec(demo.stdout)?.[1];
    expect(trace).toBeDefined();
    const result = runCli(['run', '--config', writeConfig(dir), '--source', `file:${trace}`]);
    expect(result.status).toBe(0);
    expect(countAlerts(path.join(dir, 'alerts.db'))).toBe(4);
  });
});

describe('emondguard demo', () => {
  it('shows the four alerts of the story and how to explore them, which then works', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'emondguard-demo-test-'));
    const db = path.join(dir, 'demo.db');
    const result = runCli(['demo', '--db', db]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('through the simulated Endpoint Security client');
    const rows = result.stdout.split('\n').filter((line) => /emond → /.test(line));
    expect(rows.map((row) => /emond → (\S+)/.exec(row)?.[1])).toEqual(['sh', 'curl', 'python3', 'launchctl']);
    expect(result.stdout).toContain('4 alert(s) stored in');
    expect(result.stdout).toContain('process.name=sh');
    expect(result.stdout).toContain(`emondguard alerts show 1 --db ${db}`);

    const show = runCli(['alerts', 'show', '1', '--db', db]);
    expect(show.status).toBe(0);
    expect(show.stdout).toContain('Suspicious Emond Child Process');
    const scan = /emondguard scan (\S+)/.exec(result.stdout)?.[1] ?? '';
    const rescan = runCli(['scan', '--format', 'ndjson', scan]);
    expect(rescan.stdout.trim().split('\n')).toHaveLength(4);
  });

  it('points its hints at the alerts it stored, in a database that already had some', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'emondguard-demo-test-'));
    const db = path.join(dir, 'shared.db');
    expect(runCli(['demo', '--db', db]).status).toBe(0);
    const second = runCli(['demo', '--db', db]);
    expect(second.status).toBe(0);
    expect(second.stdout).toContain(`alerts show 5 --db ${db}`);
    expect(second.stdout).toContain(`alerts ack 5 --note "demo" --db ${db}`);
    expect(second.stdout).not.toContain('alerts show 1 ');
  });

  it('finishes its work quietly when the reader of its output goes away (| head -1)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'emondguard-demo-test-'));
    const db = path.join(dir, 'piped.db');
    const child = spawn(process.execPath, [CLI_PATH, 'demo', '--db', db], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // Like `head -1`: read the first chunk, then close the pipe.
    child.stdout?.once('data', () => child.stdout?.destroy());
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(stderr).not.toMatch(/EPIPE|Error|at /);
    expect(code).toBe(0);
    expect(countAlerts(db)).toBe(4);
  });

  it('says to run the follow-up commands through npx when it was run through npx', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'emondguard-demo-test-'));
    const viaNpx = runCli(['demo', '--db', path.join(dir, 'npx.db')], { env: { npm_command: 'exec' } });
    expect(viaNpx.stdout).toContain(`npx emondguard alerts list --db ${path.join(dir, 'npx.db')}`);
    const installed = runCli(['demo', '--db', path.join(dir, 'installed.db')], { env: { npm_command: undefined } });
    expect(installed.stdout).toContain(`\n  emondguard alerts list --db ${path.join(dir, 'installed.db')}`);
  });

  it('reads the story as a recorded trace where the addon is not available', () => {
    const result = runCli(['demo'], { env: { EMONDGUARD_NATIVE_ADDON: '/nonexistent/addon.node' } });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('read as a recorded eslogger trace');
    expect(result.stdout).toContain('4 alert(s) stored in');
  });
});
