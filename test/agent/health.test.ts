import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AgentMetrics } from '../../src/agent/health/metrics.js';
import { isStale, readStatusFile, type AgentStatus } from '../../src/agent/health/status-file.js';
import { StatusReporter } from '../../src/agent/health/status-reporter.js';
import { Watchdog } from '../../src/agent/health/watchdog.js';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(path.join(tmpdir(), 'emondguard-health-'));
const MB = 2 ** 20;

describe('watchdog', () => {
  it('warns once a budget has been exceeded for the whole window, and once on recovery', () => {
    const dog = new Watchdog({ maxRssMB: 100, maxCpuPercent: 10, windowSeconds: 30 });
    const high = { rssBytes: 150 * MB, cpuPercent: 1 };
    expect(dog.observe(high, 0).raised).toEqual([]);
    expect(dog.observe(high, 29_000).raised).toEqual([]);
    const raised = dog.observe(high, 30_000).raised;
    expect(raised).toHaveLength(1);
    expect(raised[0]?.budget).toBe('memory');
    expect(raised[0]?.message).toContain('watchdogMaxRssMB');
    expect(dog.observe(high, 60_000).raised).toEqual([]);
    expect(dog.active()).toEqual(['memory']);
    expect(dog.observe({ rssBytes: 50 * MB, cpuPercent: 1 }, 61_000).cleared).toEqual(['memory']);
    expect(dog.active()).toEqual([]);
  });

  it('restarts the window when usage dips below the budget', () => {
    const dog = new Watchdog({ maxRssMB: 1000, maxCpuPercent: 10, windowSeconds: 10 });
    dog.observe({ rssBytes: 0, cpuPercent: 50 }, 0);
    dog.observe({ rssBytes: 0, cpuPercent: 5 }, 5_000);
    expect(dog.observe({ rssBytes: 0, cpuPercent: 50 }, 12_000).raised).toEqual([]);
    expect(dog.observe({ rssBytes: 0, cpuPercent: 50 }, 22_000).raised.map((w) => w.budget)).toEqual(['cpu']);
  });
});

function reporter(file: string, metrics: AgentMetrics, events: { drops: unknown[]; errors: unknown[] }, clock: { t: number }) {
  return new StatusReporter({
    file,
    intervalSeconds: 5,
    budgets: { maxRssMB: 65_536, maxCpuPercent: 400, windowSeconds: 60 },
    metrics,
    databasePath: path.join(dir, 'none.db'),
    source: () => ({ kind: 'simulator', mode: 'full' }),
    onWarning: () => {},
    onRecovered: () => {},
    onDrops: (d) => events.drops.push(d),
    onWriteError: (e) => events.errors.push(e),
    now: () => new Date(clock.t),
  });
}

describe('status reporter', () => {
  it('writes a snapshot with rates, drops and resources, then a stopped one', () => {
    const file = path.join(dir, 'a', 'status.json');
    const metrics = new AgentMetrics();
    const seen = { drops: [] as unknown[], errors: [] as unknown[] };
    const clock = { t: Date.parse('2026-11-29T10:00:00Z') };
    const r = reporter(file, metrics, seen, clock);
    r.start();
    metrics.countEvents(500, '2026-11-29T10:00:04Z');
    metrics.kernelDrops = 3;
    for (const outcome of ['keep', 'keep', 'merge', 'held-back'] as const) metrics.countAlert(outcome, '2026-11-29T10:00:04Z');
    clock.t += 5000;
    const status = r.tick();
    expect(status.events).toEqual({ total: 500, perSecond: 100, lastEventAt: '2026-11-29T10:00:04Z', skipped: 0 });
    // A held-back alert is stored like the others: it counts in total, and says it was not notified.
    expect(status.alerts).toEqual({ total: 3, merged: 1, heldBack: 1, lastAlertAt: '2026-11-29T10:00:04Z' });
    expect(status.uptimeSeconds).toBe(5);
    expect(status.database.sizeBytes).toBeNull();
    expect(status.resources.rssBytes).toBeGreaterThan(0);
    expect(seen.drops).toEqual([{ kernel: 3, queue: 0 }]);
    expect(readStatusFile(file)).toMatchObject({ state: 'running', events: { total: 500 } });
    r.stop();
    expect(readStatusFile(file).state).toBe('stopped');
  });

  it('reports a write failure instead of throwing', () => {
    const blocker = path.join(dir, 'blocker');
    writeFileSync(blocker, 'a file where a folder should be');
    const seen = { drops: [] as unknown[], errors: [] as unknown[] };
    const r = reporter(path.join(blocker, 'status.json'), new AgentMetrics(), seen, { t: Date.now() });
    expect(() => r.tick()).not.toThrow();
    expect(seen.errors).toHaveLength(1);
  });
});

function statusAt(updatedAt: Date, state: AgentStatus['state'] = 'running'): AgentStatus {
  return {
    schema: 1, state, pid: 42, agentVersion: '0.1.0', startedAt: updatedAt.toISOString(), updatedAt: updatedAt.toISOString(),
    uptimeSeconds: 3725, intervalSeconds: 5, source: { kind: 'endpoint-security', mode: 'full' },
    events: { total: 1234567, perSecond: 812.5, lastEventAt: updatedAt.toISOString(), skipped: 0 },
    drops: { kernel: 0, queue: 0 }, alerts: { total: 3, merged: 1, heldBack: 0, lastAlertAt: null },
    database: { path: '/db', sizeBytes: 3 * MB }, resources: { rssBytes: 52 * MB, cpuPercent: 1.25 }, warnings: [],
  };
}

describe('emondguard status', () => {
  it('calls a snapshot stale after three missed updates', () => {
    const now = new Date('2026-11-29T10:00:30Z');
    expect(isStale(statusAt(new Date('2026-11-29T10:00:20Z')), now)).toBe(false);
    expect(isStale(statusAt(new Date('2026-11-29T10:00:00Z')), now)).toBe(true);
  });

  it('prints a running agent and exits 0', () => {
    const file = path.join(dir, 'running.json');
    writeFileSync(file, JSON.stringify(statusAt(new Date())));
    const result = runCli(['status', '--status-file', file]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('running (pid 42), up 1h 2m');
    expect(result.stdout).toContain('1,234,567 total, 812.5/s');
    expect(result.stdout).toContain('RSS 52.0 MB, CPU 1.3% of a core');
    expect(result.stdout).toContain('3 stored (0 not notified: over max_signals for their parent and program), 1 merged into them');
  });

  it('exits 1 for a stale or stopped agent, and says so', () => {
    const stale = path.join(dir, 'stale.json');
    writeFileSync(stale, JSON.stringify(statusAt(new Date(Date.now() - 60_000))));
    const result = runCli(['status', '--status-file', stale]);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('NOT RESPONDING');
    const stopped = path.join(dir, 'stopped.json');
    writeFileSync(stopped, JSON.stringify(statusAt(new Date(), 'stopped')));
    const json = runCli(['status', '--json', '--status-file', stopped]);
    expect(json.status).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ state: 'stopped', running: false });
  });

  it('explains a missing status file', () => {
    const result = runCli(['status', '--status-file', path.join(dir, 'absent.json')]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('the agent is not running');
    const json = runCli(['status', '--json', '--status-file', path.join(dir, 'absent.json')]);
    expect(JSON.parse(json.stdout)).toMatchObject({ running: false, error: 'E_STATUS_MISSING' });
  });
});
