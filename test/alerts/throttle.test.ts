import { describe, expect, it } from 'vitest';
import { Throttle, mergeKey } from '../../src/alerts/throttle.js';
import { makeAlert, testRule } from '../helpers/alerts.js';

const T0 = Date.parse('2025-08-07T13:00:00Z'); // a 5-minute boundary
const at = (ms: number): string => new Date(T0 + ms).toISOString();

/** Numbers kept alerts 1, 2, 3… so a merge can say which one it went into. */
function counter(): () => number {
  let n = 0;
  return () => ++n;
}

describe('Throttle', () => {
  it('keeps at most max_signals alerts per rule per interval window and counts the rest as suppressed', () => {
    const throttle = new Throttle<number>({ mergeIntervalMs: 1000 });
    const rule = testRule({ max_signals: 3, interval: '5m' });
    const next = counter();
    const actions = Array.from({ length: 5 }, (_, i) =>
      throttle.decide(makeAlert({ rule, time: at(i * 10_000), pid: 100 + i, args: ['sh', String(i)] }), rule, next).action,
    );
    expect(actions).toEqual(['keep', 'keep', 'keep', 'suppress', 'suppress']);
    // The next window starts afresh.
    expect(throttle.decide(makeAlert({ rule, time: at(300_000), args: ['sh', 'new'] }), rule, next).action).toBe('keep');
    expect(throttle.counts()).toEqual({ kept: 4, merged: 0, suppressed: 2 });
    expect(throttle.takeSummaries()).toEqual([
      { ruleId: rule.id, ruleName: rule.name, windowStart: T0, windowEnd: T0 + 300_000, emitted: 3, merged: 0, suppressed: 2 },
    ]);
    // Counts are handed out once.
    expect(throttle.takeSummaries()).toEqual([]);
  });

  it('reports alerts kept after a window\'s first summary, so its row counts every kept alert', () => {
    const throttle = new Throttle<number>({ mergeIntervalMs: 60_000 });
    const rule = testRule({ max_signals: 100, interval: '5m' });
    const next = counter();
    const alert = (ms: number, args: string[]) => makeAlert({ rule, time: at(ms), args });
    expect(throttle.decide(alert(0, ['sh', 'a']), rule, next).action).toBe('keep');
    expect(throttle.decide(alert(1000, ['sh', 'a']), rule, next).action).toBe('merge');
    expect(throttle.takeSummaries()).toEqual([expect.objectContaining({ windowStart: T0, emitted: 1, merged: 1 })]);
    throttle.decide(alert(2000, ['sh', 'b']), rule, next);
    throttle.decide(alert(3000, ['sh', 'c']), rule, next);
    // The store adds deltas to the window's row: 1 + 2 kept, as counts() says.
    expect(throttle.takeSummaries()).toEqual([expect.objectContaining({ windowStart: T0, emitted: 2, merged: 0, suppressed: 0 })]);
    expect(throttle.counts()).toEqual({ kept: 3, merged: 1, suppressed: 0 });
  });

  it('windows each rule separately, sized by its own interval', () => {
    const throttle = new Throttle<number>();
    const a = testRule({ id: 'a', name: 'A', max_signals: 1, interval: '1m' });
    const b = testRule({ id: 'b', name: 'B', max_signals: 1, interval: '10m' });
    const next = counter();
    const decide = (rule: typeof a, ms: number, arg: string): string =>
      throttle.decide(makeAlert({ rule, time: at(ms), args: [arg] }), rule, next).action;
    expect([decide(a, 0, '1'), decide(b, 0, '1'), decide(a, 61_000, '2'), decide(b, 61_000, '2')]).toEqual([
      'keep', 'keep', 'keep', 'suppress',
    ]);
  });

  it('merges identical alerts (same parent execution, executable and args) within the merge interval', () => {
    const throttle = new Throttle<number>({ mergeIntervalMs: 60_000 });
    const rule = testRule({ max_signals: 100 });
    const next = counter();
    const first = throttle.decide(makeAlert({ rule, time: at(0), pid: 1 }), rule, next);
    // A different pid is a different execution of the same command from the same emond: merged.
    const same = throttle.decide(makeAlert({ rule, time: at(30_000), pid: 2 }), rule, next);
    expect(first).toEqual({ action: 'keep', handle: 1 });
    expect(same).toEqual({ action: 'merge', handle: 1 });
    // Each difference makes a new alert.
    expect(throttle.decide(makeAlert({ rule, time: at(31_000), args: ['curl', 'other'] }), rule, next)).toEqual({ action: 'keep', handle: 2 });
    expect(throttle.decide(makeAlert({ rule, time: at(32_000), executable: '/tmp/curl' }), rule, next)).toEqual({ action: 'keep', handle: 3 });
    expect(throttle.decide(makeAlert({ rule, time: at(33_000), parentEntity: 'another-emond' }), rule, next)).toEqual({ action: 'keep', handle: 4 });
    // Past the interval since the kept one, it is a new alert again.
    expect(throttle.decide(makeAlert({ rule, time: at(61_000) }), rule, next)).toEqual({ action: 'keep', handle: 5 });
    expect(throttle.decide(makeAlert({ rule, time: at(62_000) }), rule, next)).toEqual({ action: 'merge', handle: 5 });
    expect(throttle.counts()).toEqual({ kept: 5, merged: 2, suppressed: 0 });
  });

  it('merges before it suppresses: a duplicate of a kept alert is merged even when the window is full', () => {
    const throttle = new Throttle<number>({ mergeIntervalMs: 60_000 });
    const rule = testRule({ max_signals: 1 });
    const next = counter();
    throttle.decide(makeAlert({ rule, time: at(0) }), rule, next);
    expect(throttle.decide(makeAlert({ rule, time: at(1000) }), rule, next).action).toBe('merge');
    expect(throttle.decide(makeAlert({ rule, time: at(2000), args: ['x'] }), rule, next).action).toBe('suppress');
    expect(throttle.takeSummaries()).toEqual([expect.objectContaining({ emitted: 1, merged: 1, suppressed: 1 })]);
  });

  it('reports counts of a window that has closed, and only the new counts afterwards', () => {
    const throttle = new Throttle<number>({ mergeIntervalMs: 10 });
    const rule = testRule({ max_signals: 1, interval: '5m' });
    const next = counter();
    throttle.decide(makeAlert({ rule, time: at(0), args: ['1'] }), rule, next);
    throttle.decide(makeAlert({ rule, time: at(1000), args: ['2'] }), rule, next); // suppressed, window 1
    throttle.decide(makeAlert({ rule, time: at(300_000), args: ['3'] }), rule, next); // window 2 kept
    throttle.decide(makeAlert({ rule, time: at(301_000), args: ['4'] }), rule, next); // suppressed, window 2
    const summaries = throttle.takeSummaries();
    expect(summaries.map((s) => [s.windowStart - T0, s.emitted, s.suppressed])).toEqual([
      [0, 1, 1],
      [300_000, 1, 1],
    ]);
    throttle.decide(makeAlert({ rule, time: at(302_000), args: ['5'] }), rule, next);
    expect(throttle.takeSummaries().map((s) => [s.windowStart - T0, s.emitted, s.suppressed])).toEqual([[300_000, 0, 1]]);
  });

  it('falls back to a 5-minute window when a rule interval is unreadable', () => {
    const throttle = new Throttle<number>();
    const rule = testRule({ max_signals: 1, interval: 'every now and then' });
    const next = counter();
    throttle.decide(makeAlert({ rule, time: at(0), args: ['1'] }), rule, next);
    expect(throttle.decide(makeAlert({ rule, time: at(299_000), args: ['2'] }), rule, next).action).toBe('suppress');
    expect(throttle.decide(makeAlert({ rule, time: at(300_000), args: ['3'] }), rule, next).action).toBe('keep');
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
