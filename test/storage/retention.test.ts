import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AlertStore } from '../../src/storage/alert-store.js';
import { makeAlert } from '../helpers/alerts.js';
import { tempDbPath } from '../helpers/store.js';

const DAY = 24 * 60 * 60 * 1000;
const NOW = Date.parse('2025-09-01T00:00:00Z');

/** One alert per day for `days` days back from NOW, oldest first. */
function storeWithHistory(days: number, perDay = 1): AlertStore {
  const store = AlertStore.open(tempDbPath(), { now: () => NOW });
  const alerts = [];
  for (let d = days; d >= 1; d--) {
    for (let i = 0; i < perDay; i++) {
      const time = new Date(NOW - d * DAY + i * 1000).toISOString();
      alerts.push({ document: makeAlert({ time, pid: d * 1000 + i, args: ['sh', '-c', `echo ${'x'.repeat(400)} ${d}-${i}`] }) });
    }
  }
  store.insertAlerts(alerts);
  return store;
}

describe('retention', () => {
  it('removes alerts, summaries and agent events older than the retention, and records it', () => {
    const store = storeWithHistory(10);
    store.commit({
      suppressions: [
        { ruleId: 'r', ruleName: 'R', windowStart: NOW - 9 * DAY, windowEnd: NOW - 9 * DAY + 300_000, emitted: 1, merged: 0, suppressed: 4 },
        { ruleId: 'r', ruleName: 'R', windowStart: NOW - DAY, windowEnd: NOW - DAY + 300_000, emitted: 1, merged: 0, suppressed: 2 },
      ],
      events: [{ kind: 'start', message: 'old start', time: NOW - 8 * DAY }],
    });
    const result = store.prune({ maxAgeDays: 5 });
    expect(result.removedByAge).toBe(5);
    expect(result.removedBySize).toBe(0);
    expect(result.removedOther).toBe(2);
    expect(store.list({ order: 'oldest' }).map((a) => a.timestamp.slice(0, 10))).toEqual([
      '2025-08-27', '2025-08-28', '2025-08-29', '2025-08-30', '2025-08-31',
    ]);
    expect(store.suppressions().map((s) => s.suppressed)).toEqual([2]);
    const [event] = store.agentEvents({ kinds: ['prune'] });
    expect(event).toMatchObject({ kind: 'prune', count: 5 });
    expect(event?.message).toMatch(/5 past retention, 0 over the size cap/);
    store.close();
  });

  it('records nothing when there is nothing to prune', () => {
    const store = storeWithHistory(3);
    expect(store.prune({ maxAgeDays: 30 })).toMatchObject({ removedByAge: 0, removedBySize: 0, removedOther: 0 });
    expect(store.agentEvents({ kinds: ['prune'] })).toEqual([]);
    store.close();
  });

  it('removes the oldest alerts until the data fits the size cap, and the file shrinks', () => {
    const store = storeWithHistory(40, 50); // 2,000 alerts
    const before = store.usedBytes();
    const cap = Math.floor(before / 4);
    store.close();
    const fileBefore = fs.statSync(store.file).size;

    const again = AlertStore.open(store.file, { now: () => NOW });
    const result = again.prune({ maxBytes: cap });
    expect(result.removedBySize).toBeGreaterThan(1000);
    expect(again.usedBytes()).toBeLessThanOrEqual(cap);
    const left = again.list({ order: 'oldest' });
    // Oldest first: what is left is the most recent, contiguous up to now.
    expect(left.length).toBe(2000 - result.removedBySize);
    expect(left.at(-1)?.timestamp).toBe(new Date(NOW - DAY + 49 * 1000).toISOString());
    expect(again.count({ until: Date.parse(left[0]?.timestamp as string) })).toBe(0);
    again.close();
    // Incremental auto-vacuum hands the pages back once the WAL is checkpointed at close.
    expect(fs.statSync(store.file).size).toBeLessThan(fileBefore / 2);
  });
});
