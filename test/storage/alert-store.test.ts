import { describe, expect, it } from 'vitest';
import { setAlertId } from '../../src/alerts/alert-id.js';
import { AlertStore } from '../../src/storage/alert-store.js';
import { EmondguardError } from '../../src/errors.js';
import { makeAlert, testRule } from '../helpers/alerts.js';
import { tempDbPath } from '../helpers/store.js';

const NOW = Date.parse('2025-08-08T00:00:00Z');

function seeded() {
  const store = AlertStore.open(tempDbPath(), { now: () => NOW });
  const high = testRule({ id: 'rule-high', name: 'High Rule', severity: 'high', risk_score: 73 });
  const ids = store.insertAlerts([
    { document: makeAlert({ time: '2025-08-07T10:00:00Z', pid: 1 }), context: { note: 'guide text', references: ['https://ref'] } },
    { document: makeAlert({ time: '2025-08-07T11:00:00Z', pid: 2, rule: high }) },
    { document: makeAlert({ time: '2025-08-06T09:00:00Z', pid: 3, executable: '/bin/sh', args: ['sh', '-c', 'id'] }) },
  ]);
  return { store, ids };
}

describe('AlertStore', () => {
  it('stores alerts and gives back the full ECS document, rule and MITRE mapping included', () => {
    const { store, ids } = seeded();
    const original = makeAlert({ time: '2025-08-07T10:00:00Z', pid: 1 });
    const detail = store.get(ids[0] as number);
    // The store gave it an id (kibana.alert.uuid and event.id), the same as its row's.
    expect(detail?.uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    setAlertId(original, detail?.uuid as string);
    expect(detail?.document).toEqual(original);
    expect(detail?.rule_context).toEqual({ note: 'guide text', references: ['https://ref'] });
    expect(detail?.status).toBe('open');
    expect(detail?.process.args).toEqual(original.process.args);
    expect(store.get(999)).toBeUndefined();
    store.close();
  });

  it('lists newest first and filters by time, rule (id or name), severity, status and limit', () => {
    const { store, ids } = seeded();
    const pids = (filter: Parameters<AlertStore['list']>[0]): Array<number | null> => store.list(filter).map((a) => a.process.pid);
    expect(pids({})).toEqual([2, 1, 3]);
    expect(pids({ order: 'oldest' })).toEqual([3, 1, 2]);
    expect(pids({ since: Date.parse('2025-08-07T00:00:00Z') })).toEqual([2, 1]);
    expect(pids({ until: Date.parse('2025-08-07T11:00:00Z') })).toEqual([1, 3]);
    expect(pids({ rules: ['rule-high'] })).toEqual([2]);
    expect(pids({ rules: ['Suspicious Emond Child Process'] })).toEqual([1, 3]);
    expect(pids({ severities: ['high', 'critical'] })).toEqual([2]);
    expect(pids({ limit: 1 })).toEqual([2]);
    store.setStatus(ids[2] as number, 'resolved', { by: 'alice', note: 'benign admin script' });
    expect(pids({ statuses: ['resolved'] })).toEqual([3]);
    expect(pids({ statuses: ['open', 'acknowledged'] })).toEqual([2, 1]);
    expect(store.count({ statuses: ['open'] })).toBe(2);
    store.close();
  });

  it('records who acknowledged or resolved an alert, when, and why', () => {
    const { store, ids } = seeded();
    const acked = store.setStatus(ids[0] as number, 'acknowledged', { by: 'alice', note: 'looking' });
    expect(acked).toMatchObject({ status: 'acknowledged', status_by: 'alice', status_note: 'looking', status_at: new Date(NOW).toISOString() });
    expect(() => store.setStatus(12345, 'resolved', { by: 'bob' })).toThrow(/no alert with id 12345/);
    try {
      store.setStatus(12345, 'resolved', { by: 'bob' });
    } catch (error) {
      expect((error as EmondguardError).code).toBe('E_ALERT_NOT_FOUND');
    }
    store.close();
  });

  it('keeps one rules row per distinct rule block and fills in a guide learnt later', () => {
    const store = AlertStore.open(tempDbPath());
    const [first] = store.insertAlerts([{ document: makeAlert({ pid: 1 }) }]);
    store.close();
    const again = AlertStore.open(store.file);
    const [second] = again.insertAlerts([{ document: makeAlert({ pid: 2 }), context: { note: 'late guide' } }]);
    expect(again.get(first as number)?.rule_context.note).toBe('late guide');
    expect(again.get(second as number)?.rule_context.note).toBe('late guide');
    again.close();
  });

  it('streams documents for export in time order with the merge count applied', () => {
    const { store, ids } = seeded();
    store.commit({ merges: [{ id: ids[0] as number, add: 4, lastSeen: Date.parse('2025-08-07T10:00:30Z') }] });
    const docs = [...store.documents({ order: 'oldest' })];
    expect(docs.map((d) => d.document.process.pid)).toEqual([3, 1, 2]);
    expect(docs[1]?.document.emondguard.count).toBe(5);
    expect(store.get(ids[0] as number)?.last_seen).toBe('2025-08-07T10:00:30.000Z');
    store.close();
  });

  it('records agent events and reports them in stats with drops per day', () => {
    const { store } = seeded();
    store.recordAgentEvent({ kind: 'start', message: 'agent started', time: Date.parse('2025-08-07T08:00:00Z') });
    store.recordAgentEvent({ kind: 'drops', message: 'kernel dropped events', count: 17, time: Date.parse('2025-08-07T09:00:00Z') });
    store.recordAgentEvent({ kind: 'drops', message: 'queue full', count: 3, time: Date.parse('2025-08-07T09:30:00Z') });
    expect(store.agentEvents({ kinds: ['drops'] }).map((e) => e.count)).toEqual([3, 17]);
    const stats = store.stats();
    expect(stats.drops).toEqual([{ day: '2025-08-07', count: 20 }]);
    expect(stats.agentEvents).toEqual({ start: 1 });
    expect(stats.totals).toMatchObject({ alerts: 3, open: 3 });
    expect(stats.byRuleAndDay.map((r) => [r.day, r.rule_name, r.alerts])).toEqual([
      ['2025-08-07', 'High Rule', 1],
      ['2025-08-07', 'Suspicious Emond Child Process', 1],
      ['2025-08-06', 'Suspicious Emond Child Process', 1],
    ]);
    store.close();
  });

  it('adds suppression deltas to one summary row per rule and window', () => {
    const store = AlertStore.open(tempDbPath());
    const window = { ruleId: 'r', ruleName: 'R', windowStart: 0, windowEnd: 300_000 };
    store.commit({ suppressions: [{ ...window, emitted: 100, merged: 2, suppressed: 5 }] });
    store.commit({ suppressions: [{ ...window, emitted: 0, merged: 1, suppressed: 7 }] });
    expect(store.suppressions()).toEqual([
      { rule_id: 'r', rule_name: 'R', window_start: '1970-01-01T00:00:00.000Z', window_end: '1970-01-01T00:05:00.000Z', emitted: 100, merged: 3, suppressed: 12 },
    ]);
    expect(store.stats().totals).toMatchObject({ merged: 3, suppressed: 12 });
    store.close();
  });

  it('returns the id of every alert of a large batch, in order, across rules', () => {
    const store = AlertStore.open(tempDbPath());
    const other = testRule({ id: 'rule-other', name: 'Other Rule', severity: 'low', risk_score: 21 });
    // Several multi-row statements plus a remainder inserted one by one, two rules interleaved.
    const documents = Array.from({ length: 257 }, (_, i) => makeAlert({ pid: 1000 + i, rule: i % 3 === 0 ? other : testRule() }));
    const first = store.insertAlerts([{ document: makeAlert({ pid: 1 }) }]);
    const ids = store.insertAlerts(documents.map((document, i) => ({ document, count: 1 + (i % 4) })));
    expect(ids).toHaveLength(257);
    expect(new Set([...first, ...ids]).size).toBe(258);
    ids.forEach((id, i) => {
      const stored = store.get(id);
      expect(stored?.document).toEqual({ ...documents[i], emondguard: { count: 1 + (i % 4) } });
      expect(stored?.rule.severity).toBe(i % 3 === 0 ? 'low' : 'medium');
    });
    expect(store.count({ rules: ['Other Rule'] })).toBe(86);
    store.close();
  });

  it('rolls back a whole batch when one part fails, and says what to do', () => {
    const store = AlertStore.open(tempDbPath());
    const bad = makeAlert();
    (bad.rule as { name: unknown }).name = null; // NOT NULL column: the insert fails mid-batch
    expect(() => store.commit({ alerts: [{ document: makeAlert() }, { document: bad }] })).toThrow(/check free disk space/);
    expect(store.count()).toBe(0);
    expect(store.insertAlerts([{ document: makeAlert() }])).toHaveLength(1);
    store.close();
  });
});
