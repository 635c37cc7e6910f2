import { describe, expect, it } from 'vitest';
import { Throttle, mergeKey, throttleKey, type ThrottleDecision } from '../../src/alerts/throttle.js';
import { makeAlert, testRule, type AlertSpec } from '../helpers/alerts.js';

const T0 = Date.parse('2025-08-07T13:00:00Z'); // a 5-minute boundary
const at = (ms: number): string => new Date(T0 + ms).toISOString();
/** A masquerading emond in a user's home: matched by name, not the real one. */
const FAKE = '/Users/x/.cache/emond';

/** Numbers kept alerts 1, 2, 3… so a merge can say which one it went into. */
function counter(): () => number {
  let n = 0;
  return () => ++n;
}

/** What happened to an alert: notified (stored and sent), held (stored, not sent), merged. */
function verdict(decision: ThrottleDecision<number>): 'notify' | 'hold' | 'merge' {
  if (decision.action === 'merge') return 'merge';
  return decision.notify ? 'notify' : 'hold';
}

function fake(spec: AlertSpec): ReturnType<typeof makeAlert> {
  return makeAlert({ parentExecutable: FAKE, ...spec });
}

describe('Throttle', () => {
  it('notifies at most max_signals alerts per key and window; the rest are kept (stored) with their notification held back', () => {
    const throttle = new Throttle<number>({ mergeIntervalMs: 1000 });
    const rule = testRule({ max_signals: 3, interval: '5m' });
    const next = counter();
    const verdicts = Array.from({ length: 5 }, (_, i) =>
      verdict(throttle.decide(fake({ rule, time: at(i * 10_000), pid: 100 + i, args: ['sh', String(i)] }), rule, next)),
    );
    expect(verdicts).toEqual(['notify', 'notify', 'notify', 'hold', 'hold']);
    // Every one of them got a row of its own.
    expect(next()).toBe(6);
    // The next window starts afresh.
    expect(verdict(throttle.decide(fake({ rule, time: at(300_000), args: ['sh', 'new'] }), rule, next))).toBe('notify');
    expect(throttle.counts()).toEqual({ kept: 6, merged: 0, heldBack: 2, keysAggregated: 0, keys: 1 });
    expect(throttle.takeSummaries()).toEqual([
      { ruleId: rule.id, ruleName: rule.name, windowStart: T0, windowEnd: T0 + 300_000, emitted: 3, merged: 0, suppressed: 2 },
    ]);
    // Counts are handed out once.
    expect(throttle.takeSummaries()).toEqual([]);
  });

  it('never holds back the genuine emond: 100 alerts from a fake parent, then the real one is notified', () => {
    const throttle = new Throttle<number>();
    const rule = testRule({ max_signals: 100 });
    const next = counter();
    const fakes = Array.from({ length: 150 }, (_, i) => verdict(throttle.decide(fake({ rule, time: at(i), args: ['sh', String(i)] }), rule, next)));
    expect(fakes.filter((v) => v === 'notify')).toHaveLength(100);
    expect(fakes.filter((v) => v === 'hold')).toHaveLength(50);
    const real = throttle.decide(makeAlert({ rule, time: at(200), parentExecutable: '/sbin/emond', args: ['sh', 'real'] }), rule, next);
    expect(real).toMatchObject({ action: 'keep', notify: true, trustedParent: true });
  });

  it('trusts the parents it is given (config emondPaths) instead of /sbin/emond', () => {
    const throttle = new Throttle<number>({ trustedParents: ['/usr/local/libexec/emond'] });
    const rule = testRule({ max_signals: 1 });
    const next = counter();
    const alert = (parent: string, arg: string) => throttle.decide(makeAlert({ rule, time: at(0), parentExecutable: parent, args: [arg] }), rule, next);
    expect([alert('/sbin/emond', '1'), alert('/sbin/emond', '2')].map(verdict)).toEqual(['notify', 'hold']);
    expect([alert('/usr/local/libexec/emond', '3'), alert('/usr/local/libexec/emond', '4')].map(verdict)).toEqual(['notify', 'notify']);
  });

  it('keys the budget on rule, parent executable and child executable: one process tree cannot use up another\'s', () => {
    const throttle = new Throttle<number>({ trustedParents: [] });
    const rule = testRule({ max_signals: 2 });
    const next = counter();
    for (let i = 0; i < 50; i++) throttle.decide(fake({ rule, time: at(i), args: [String(i)] }), rule, next);
    const other = (spec: AlertSpec) => verdict(throttle.decide(makeAlert({ rule, time: at(100), ...spec }), rule, next));
    expect(other({ parentExecutable: '/tmp/emond', args: ['a'] })).toBe('notify');
    expect(other({ parentExecutable: FAKE, executable: '/bin/zsh', args: ['b'] })).toBe('notify');
    expect(other({ parentExecutable: FAKE, args: ['c'] })).toBe('hold');
    expect(throttleKey(fake({}))).not.toBe(throttleKey(fake({ executable: '/bin/zsh' })));
    expect(throttleKey(fake({}))).not.toBe(throttleKey(makeAlert({ parentExecutable: '/tmp/emond' })));
    expect(throttleKey(fake({ rule }))).not.toBe(throttleKey(fake({ rule: testRule({ id: 'other' }) })));
  });

  it('bounds its keys: a flood of distinct keys is aggregated into an overflow key and never evicts a known one', () => {
    const throttle = new Throttle<number>({ maxKeys: 3, trustedParents: [] });
    const rule = testRule({ max_signals: 2 });
    const next = counter();
    const quiet = (arg: string) => verdict(throttle.decide(makeAlert({ rule, time: at(1), parentExecutable: '/opt/quiet/emond', args: [arg] }), rule, next));
    expect(quiet('1')).toBe('notify');
    // 1000 fake parents, each a key of its own: two fit the table, the rest share one budget.
    const flood = Array.from({ length: 1000 }, (_, i) =>
      verdict(throttle.decide(makeAlert({ rule, time: at(2), parentExecutable: `/Users/x/${i}/emond`, args: [`flood ${i}`] }), rule, next)),
    );
    expect(flood.filter((v) => v === 'notify')).toHaveLength(2 + 2);
    expect(throttle.counts()).toMatchObject({ keys: 3, keysAggregated: 998, heldBack: 996 });
    // The quiet key kept its state: it has one notification left in this window.
    expect([quiet('2'), quiet('3')]).toEqual(['notify', 'hold']);
  });

  it('frees the keys of ended windows when the table is full', () => {
    const throttle = new Throttle<number>({ maxKeys: 2, trustedParents: [] });
    const rule = testRule({ max_signals: 1, interval: '5m' });
    const next = counter();
    const alert = (ms: number, parent: string) => verdict(throttle.decide(makeAlert({ rule, time: at(ms), parentExecutable: parent, args: [parent] }), rule, next));
    expect([alert(0, '/a/emond'), alert(0, '/b/emond')]).toEqual(['notify', 'notify']);
    expect(alert(300_000, '/c/emond')).toBe('notify');
    expect(throttle.counts()).toMatchObject({ keys: 1, keysAggregated: 0 });
  });

  it('reports alerts kept after a window\'s first summary, so its row counts every kept alert', () => {
    const throttle = new Throttle<number>({ mergeIntervalMs: 60_000 });
    const rule = testRule({ max_signals: 100, interval: '5m' });
    const next = counter();
    const alert = (ms: number, args: string[]) => fake({ rule, time: at(ms), args });
    expect(throttle.decide(alert(0, ['sh', 'a']), rule, next).action).toBe('keep');
    expect(throttle.decide(alert(1000, ['sh', 'a']), rule, next).action).toBe('merge');
    expect(throttle.takeSummaries()).toEqual([expect.objectContaining({ windowStart: T0, emitted: 1, merged: 1 })]);
    throttle.decide(alert(2000, ['sh', 'b']), rule, next);
    throttle.decide(alert(3000, ['sh', 'c']), rule, next);
    // The store adds deltas to the window's row: 1 + 2 kept, as counts() says.
    expect(throttle.takeSummaries()).toEqual([expect.objectContaining({ windowStart: T0, emitted: 2, merged: 0, suppressed: 0 })]);
    expect(throttle.counts()).toMatchObject({ kept: 3, merged: 1, heldBack: 0 });
  });

  it('windows each rule separately, sized by its own interval', () => {
    const throttle = new Throttle<number>();
    const a = testRule({ id: 'a', name: 'A', max_signals: 1, interval: '1m' });
    const b = testRule({ id: 'b', name: 'B', max_signals: 1, interval: '10m' });
    const next = counter();
    const decide = (rule: typeof a, ms: number, arg: string): string => verdict(throttle.decide(fake({ rule, time: at(ms), args: [arg] }), rule, next));
    expect([decide(a, 0, '1'), decide(b, 0, '1'), decide(a, 61_000, '2'), decide(b, 61_000, '2')]).toEqual([
      'notify', 'notify', 'notify', 'hold',
    ]);
  });

  it('merges identical alerts (same parent execution, executable and args) within the merge interval', () => {
    const throttle = new Throttle<number>({ mergeIntervalMs: 60_000 });
    const rule = testRule({ max_signals: 100 });
    const next = counter();
    const first = throttle.decide(makeAlert({ rule, time: at(0), pid: 1 }), rule, next);
    // A different pid is a different execution of the same command from the same emond: merged.
    const same = throttle.decide(makeAlert({ rule, time: at(30_000), pid: 2 }), rule, next);
    expect(first).toEqual({ action: 'keep', handle: 1, notify: true, trustedParent: true });
    expect(same).toEqual({ action: 'merge', handle: 1 });
    // Each difference makes a new alert.
    const handle = (d: ThrottleDecision<number>) => (d.action === 'keep' ? d.handle : -d.handle);
    expect(handle(throttle.decide(makeAlert({ rule, time: at(31_000), args: ['curl', 'other'] }), rule, next))).toBe(2);
    expect(handle(throttle.decide(makeAlert({ rule, time: at(32_000), executable: '/tmp/curl' }), rule, next))).toBe(3);
    expect(handle(throttle.decide(makeAlert({ rule, time: at(33_000), parentEntity: 'another-emond' }), rule, next))).toBe(4);
    // Past the interval since the kept one, it is a new alert again.
    expect(handle(throttle.decide(makeAlert({ rule, time: at(61_000) }), rule, next))).toBe(5);
    expect(throttle.decide(makeAlert({ rule, time: at(62_000) }), rule, next)).toEqual({ action: 'merge', handle: 5 });
    expect(throttle.counts()).toMatchObject({ kept: 5, merged: 2, heldBack: 0 });
  });

  it('merges before it holds back: a duplicate of a kept alert is merged even when the key is over budget', () => {
    const throttle = new Throttle<number>({ mergeIntervalMs: 60_000 });
    const rule = testRule({ max_signals: 1 });
    const next = counter();
    throttle.decide(fake({ rule, time: at(0) }), rule, next);
    expect(verdict(throttle.decide(fake({ rule, time: at(1000) }), rule, next))).toBe('merge');
    expect(verdict(throttle.decide(fake({ rule, time: at(2000), args: ['x'] }), rule, next))).toBe('hold');
    expect(throttle.takeSummaries()).toEqual([expect.objectContaining({ emitted: 1, merged: 1, suppressed: 1 })]);
  });

  it('reports counts of a window that has closed, and only the new counts afterwards', () => {
    const throttle = new Throttle<number>({ mergeIntervalMs: 10 });
    const rule = testRule({ max_signals: 1, interval: '5m' });
    const next = counter();
    throttle.decide(fake({ rule, time: at(0), args: ['1'] }), rule, next);
    throttle.decide(fake({ rule, time: at(1000), args: ['2'] }), rule, next); // held back, window 1
    throttle.decide(fake({ rule, time: at(300_000), args: ['3'] }), rule, next); // window 2 notified
    throttle.decide(fake({ rule, time: at(301_000), args: ['4'] }), rule, next); // held back, window 2
    const summaries = throttle.takeSummaries();
    expect(summaries.map((s) => [s.windowStart - T0, s.emitted, s.suppressed])).toEqual([
      [0, 1, 1],
      [300_000, 1, 1],
    ]);
    throttle.decide(fake({ rule, time: at(302_000), args: ['5'] }), rule, next);
    expect(throttle.takeSummaries().map((s) => [s.windowStart - T0, s.emitted, s.suppressed])).toEqual([[300_000, 0, 1]]);
  });

  it('falls back to a 5-minute window when a rule interval is unreadable', () => {
    const throttle = new Throttle<number>();
    const rule = testRule({ max_signals: 1, interval: 'every now and then' });
    const next = counter();
    throttle.decide(fake({ rule, time: at(0), args: ['1'] }), rule, next);
    expect(verdict(throttle.decide(fake({ rule, time: at(299_000), args: ['2'] }), rule, next))).toBe('hold');
    expect(verdict(throttle.decide(fake({ rule, time: at(300_000), args: ['3'] }), rule, next))).toBe('notify');
  });

  it('forgets the oldest tracked alerts past its cap, so memory stays bounded', () => {
    const throttle = new Throttle<number>({ mergeIntervalMs: 3_600_000, maxTrackedAlerts: 2 });
    const rule = testRule({ max_signals: 1000 });
    const next = counter();
    for (const arg of ['a', 'b', 'c']) throttle.decide(makeAlert({ rule, time: at(0), args: [arg] }), rule, next);
    expect(throttle.decide(makeAlert({ rule, time: at(1), args: ['c'] }), rule, next).action).toBe('merge');
    expect(throttle.decide(makeAlert({ rule, time: at(1), args: ['a'] }), rule, next).action).toBe('keep');
  });

  it('keys merges on rule, parent entity, executable and args', () => {
    const key = mergeKey(makeAlert({ pid: 1 }));
    expect(mergeKey(makeAlert({ pid: 2, time: '2030-01-01T00:00:00Z' }))).toBe(key);
    expect(mergeKey(makeAlert({ rule: testRule({ id: 'other' }) }))).not.toBe(key);
  });
});
