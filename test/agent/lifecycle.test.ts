import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AgentDocument, AlertSink } from '../../src/alerts/sinks/alert-sink.js';
import { NdjsonFileSink } from '../../src/alerts/sinks/ndjson-file-sink.js';
import { UnifiedLogAlertSink } from '../../src/alerts/sinks/unified-log-sink.js';
import { agentStatePath, readAgentState, writeAgentState } from '../../src/agent/health/agent-state.js';
import { AgentLifecycle } from '../../src/agent/health/lifecycle.js';
import { AgentMetrics } from '../../src/agent/health/metrics.js';
import { procStatIdentity, type ProcessIdentity } from '../../src/agent/health/process-identity.js';
import type { AgentStatus } from '../../src/agent/health/status-file.js';
import { agentLiveness } from '../../src/cli/status-run.js';
import { tempDir } from '../helpers/store.js';
import { RecordingUnifiedLog } from '../helpers/unified-log.js';

const silent = { error: () => undefined, warn: () => undefined, info: () => undefined, debug: () => undefined };

class RecordingSink implements AlertSink {
  readonly name = 'recording';
  readonly documents: AgentDocument[] = [];
  failuresLeft = 0;
  write(): void {}
  writeDocuments(documents: readonly AgentDocument[]): void {
    if (this.failuresLeft > 0) {
      this.failuresLeft -= 1;
      throw new Error('disk full');
    }
    this.documents.push(...documents);
  }
}

function lifecycle(options: { sinks: AlertSink[]; metrics?: AgentMetrics; clock?: { now: number }; dir?: string }) {
  const dir = options.dir ?? tempDir();
  const clock = options.clock ?? { now: Date.parse('2026-12-04T10:00:00Z') };
  const metrics = options.metrics ?? new AgentMetrics();
  const life = new AgentLifecycle({
    sinks: options.sinks,
    log: silent,
    databasePath: path.join(dir, 'alerts.db'),
    metrics,
    heartbeatSeconds: 60,
    refresh: () => ({ events: 3, bytes: null }),
    now: () => new Date(clock.now),
  });
  return { life, metrics, clock, dir };
}

describe('lifecycle documents', () => {
  it('heartbeats carry counters since the previous heartbeat, not totals', () => {
    const sink = new RecordingSink();
    const { life, metrics, clock } = lifecycle({ sinks: [sink] });
    life.start({ source: { kind: 'simulator' }, rules: 1, pid: 42 });
    metrics.countEvents(100, undefined);
    metrics.countAlert('keep', 'x');
    metrics.countAlert('held-back', 'x');
    metrics.countAlert('merge', 'x');
    clock.now += 60_000;
    life.heartbeat();
    metrics.countEvents(5, undefined);
    clock.now += 60_000;
    life.heartbeat();
    const beats = sink.documents.filter((d) => d.event.action === 'heartbeat').map((d) => d.emondguard);
    // A held-back alert is stored: it is one of `alerts`, and `alerts_held_back` says it was not notified.
    expect(beats.map((b) => [b.events_seen, b.alerts, b.alerts_held_back, b.alerts_merged, b.queue_events, b.period_seconds])).toEqual([
      [100, 2, 1, 1, 3, 60],
      [5, 0, 0, 0, 3, 60],
    ]);
    life.stop('test');
  });

  it('reports drops at most once per 10 s, summing the ones in between, and the rest at the stop', () => {
    const sink = new RecordingSink();
    const { life, metrics, clock } = lifecycle({ sinks: [sink] });
    life.start({ source: { kind: 'simulator' }, rules: 1, pid: 42 });
    const drops = () => sink.documents.filter((d) => d.event.action === 'events-dropped').map((d) => d.emondguard);
    metrics.queueDrops = 10;
    life.checkDrops();
    for (let tick = 1; tick <= 5; tick++) {
      clock.now += 1000;
      metrics.queueDrops += 1;
      metrics.kernelDrops += 2;
      life.checkDrops();
    }
    expect(drops()).toHaveLength(1);
    clock.now += 10_000;
    life.checkDrops();
    metrics.queueDrops += 7;
    life.stop('test');
    expect(drops().map((d) => [d.dropped, d.kernel, d.queue])).toEqual([
      [10, 0, 10],
      [15, 10, 5],
      [7, 0, 7],
    ]);
  });

  it('a failing sink keeps a bounded backlog, counts what it dropped, and gets the backlog when it recovers', () => {
    const sink = new RecordingSink();
    const healthy = new RecordingSink();
    const { life, clock } = lifecycle({ sinks: [sink, healthy] });
    sink.failuresLeft = 200;
    life.start({ source: { kind: 'simulator' }, rules: 1, pid: 42 });
    for (let n = 0; n < 99; n++) {
      clock.now += 1000;
      life.heartbeat();
    }
    // The healthy sink got every document while the other failed.
    expect(healthy.documents).toHaveLength(100);
    sink.failuresLeft = 0;
    clock.now += 1000;
    const last = life.heartbeat();
    expect(sink.documents).toHaveLength(64);
    expect(sink.documents.at(-1)).toBe(last);
    // 101 documents, 64 kept: 37 lost, each counted in a later heartbeat (one written while the
    // sink fails cannot count the drop its own write causes).
    clock.now += 1000;
    const next = life.heartbeat();
    expect(healthy.documents.at(-1)).toBe(next);
    const counted = healthy.documents.reduce((sum, d) => sum + Number(d.emondguard.documents_dropped ?? 0), 0);
    expect(counted).toBe(37);
  });

  it('the heartbeat document and the state record carry the same instant, even when the clock moves in between', () => {
    const sink = new RecordingSink();
    const dir = tempDir();
    // A clock that moves 1 ms on every read, as a real one may between two calls.
    const ticking = { value: Date.parse('2026-12-04T10:00:00Z') };
    const clock = {
      get now(): number {
        return (ticking.value += 1);
      },
      set now(value: number) {
        ticking.value = value;
      },
    };
    const { life } = lifecycle({ sinks: [sink], dir, clock });
    life.start({ source: { kind: 'simulator' }, rules: 1, pid: 41 });
    const beat = life.heartbeat();
    const second = lifecycle({ sinks: [sink], dir });
    second.life.start({ source: { kind: 'simulator' }, rules: 1, pid: 42 });
    const report = sink.documents.find((d) => d.event.action === 'unclean-shutdown');
    expect(report?.emondguard.last_heartbeat_at).toBe(beat?.['@timestamp']);
  });

  it('the next start after a run that did not stop reports the unclean shutdown with the last heartbeat; a clean stop does not', () => {
    const sink = new RecordingSink();
    const dir = tempDir();
    const first = lifecycle({ sinks: [sink], dir });
    first.life.start({ source: { kind: 'simulator' }, rules: 1, pid: 41 });
    first.clock.now += 60_000;
    first.life.heartbeat();
    const lastBeat = new Date(first.clock.now).toISOString();
    // Killed: no stop.
    const clock = { now: first.clock.now + 300_000 };
    const second = lifecycle({ sinks: [sink], dir, clock });
    second.life.start({ source: { kind: 'simulator' }, rules: 1, pid: 42 });
    const report = sink.documents.find((d) => d.event.action === 'unclean-shutdown');
    expect(report?.emondguard).toMatchObject({ previous_pid: 41, last_heartbeat_at: lastBeat, blind_since: lastBeat, blind_seconds: 300 });
    expect(report?.event.severity).toBe(3);
    expect(second.life.agentId).toBe(first.life.agentId);
    second.life.stop('SIGTERM received');

    const third = lifecycle({ sinks: [sink], dir });
    third.life.start({ source: { kind: 'simulator' }, rules: 1, pid: 43 });
    expect(sink.documents.filter((d) => d.event.action === 'unclean-shutdown')).toHaveLength(1);
  });

  it('the NDJSON sink appends the documents beside the alerts; the unified log gets one public line, category agent', () => {
    const dir = tempDir();
    const file = path.join(dir, 'alerts.ndjson');
    const ndjson = new NdjsonFileSink({ path: file });
    const os = new RecordingUnifiedLog();
    const { life } = lifecycle({ sinks: [ndjson, new UnifiedLogAlertSink(os)], dir });
    life.start({ source: { kind: 'endpoint-security', mode: 'full' }, rules: 2, pid: 42 });
    ndjson.close();
    const doc = JSON.parse(fs.readFileSync(file, 'utf8').trim()) as AgentDocument;
    expect(doc).toMatchObject({
      event: { kind: 'event', dataset: 'emondguard.agent', action: 'agent-started' },
      agent: { name: 'emondguard', type: 'emondguard', id: life.agentId },
      emondguard: { source: 'endpoint-security', source_mode: 'full', rules_loaded: 2 },
    });
    expect(os.records).toEqual([
      {
        subsystem: 'com.emondguard.agent',
        category: 'agent',
        level: 'default',
        message: `emondguard agent-started agent.id=${life.agentId} source=endpoint-security source_mode=full rules_loaded=2 pid=42 heartbeat_seconds=60`,
        public: true,
        detail: undefined,
      },
    ]);
  });
});

describe('the agent state record', () => {
  it('ignores a symlink, an oversized file and a foreign schema instead of following or trusting them', () => {
    const dir = tempDir();
    const file = agentStatePath(path.join(dir, 'alerts.db'));
    const target = path.join(dir, 'elsewhere.json');
    const record = { schema: 1 as const, agentId: 'a-1', pid: 1, startedAt: '', lastHeartbeatAt: null, cleanStop: false, stoppedAt: null, endReason: null };
    fs.writeFileSync(target, JSON.stringify(record));
    fs.symlinkSync(target, file);
    expect(readAgentState(file)).toBeNull();
    // Writing replaces the link; the file it pointed to is untouched.
    writeAgentState(file, { ...record, agentId: 'a-2' });
    expect(fs.lstatSync(file).isSymbolicLink()).toBe(false);
    expect(JSON.parse(fs.readFileSync(target, 'utf8')).agentId).toBe('a-1');
    expect(readAgentState(file)?.agentId).toBe('a-2');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    fs.writeFileSync(file, JSON.stringify({ ...record, padding: 'x'.repeat(20_000) }));
    expect(readAgentState(file)).toBeNull();
    fs.writeFileSync(file, JSON.stringify({ ...record, agentId: '../../etc' }));
    expect(readAgentState(file)).toBeNull();
  });
});

describe('status: is the recorded agent alive and ours', () => {
  const status = (pid: number, processStart: string | null | undefined) => ({ pid, processStart }) as AgentStatus;
  const fake = (tokens: Record<number, string>): ProcessIdentity => ({ startToken: (pid) => tokens[pid] ?? null });

  it('alive only with the same pid and start time; gone without the pid; reused with another start time', () => {
    expect(agentLiveness(status(10, 'T1'), fake({ 10: 'T1' }))).toBe('alive');
    expect(agentLiveness(status(10, 'T1'), fake({}))).toBe('gone');
    expect(agentLiveness(status(10, 'T1'), fake({ 10: 'T2' }))).toBe('reused');
    // A file written before start times were recorded: the pid alone decides.
    expect(agentLiveness(status(10, undefined), fake({ 10: 'T2' }))).toBe('alive');
  });

  it.runIf(process.platform === 'linux')('reads start times from /proc: this process has one, a pid that cannot exist has none', () => {
    const token = procStatIdentity.startToken(process.pid);
    expect(token).toMatch(/^\d+$/);
    expect(procStatIdentity.startToken(process.pid)).toBe(token);
    expect(procStatIdentity.startToken(2 ** 22 + 1)).toBeNull();
  });
});
