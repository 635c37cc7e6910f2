import { describe, expect, it } from 'vitest';
import { openAlertRecorder, recordAlerts } from '../../src/alerts/record-alerts.js';
import { AlertStore } from '../../src/storage/alert-store.js';
import { makeAlert, testRule } from '../helpers/alerts.js';
import { tempDbPath } from '../helpers/store.js';

describe('recording alerts (scan --db)', () => {
  it('stores every alert of a stream, merging repeats, and reports what it held back', async () => {
    const dbPath = tempDbPath();
    const rule = testRule({ max_signals: 2 });
    const alert = (arg: string) => makeAlert({ rule, args: [arg], parentExecutable: '/tmp/emond' });
    async function* found() {
      yield { alert: alert('a'), rule };
      yield { alert: alert('a'), rule };
      yield { alert: alert('b'), rule };
      yield { alert: alert('c'), rule };
    }
    const summary = await recordAlerts(found(), { dbPath });
    expect(summary).toEqual({ dbPath, kept: 3, merged: 1, heldBack: 1, firstId: 1, lastId: 3, quarantinedTo: null });
    const store = AlertStore.open(dbPath, { readonly: true });
    expect(store.list({ order: 'oldest' }).map((a) => [a.process.args, a.count, a.notifications_held_back])).toEqual([
      [['a'], 2, 0],
      [['b'], 1, 0],
      [['c'], 1, 1],
    ]);
    expect(store.get(1)?.rule_context.note).toContain('Triage');
    store.close();
  });

  it('a retro-hunt of 254 distinct emond children stores all 254 (it used to keep max_signals and drop the rest)', async () => {
    const dbPath = tempDbPath();
    const rule = testRule({ max_signals: 100 });
    const found = Array.from({ length: 254 }, (_, i) => ({ alert: makeAlert({ rule, pid: 1000 + i, args: ['sh', '-c', `job ${i}`] }), rule }));
    const summary = await recordAlerts(found, { dbPath });
    expect(summary).toMatchObject({ kept: 254, merged: 0, heldBack: 0 });
    const store = AlertStore.open(dbPath, { readonly: true });
    expect(store.count()).toBe(254);
    store.close();
  });

  it('appends to an existing store and can keep every alert when throttling is off', async () => {
    const dbPath = tempDbPath();
    const rule = testRule({ max_signals: 1 });
    await recordAlerts([{ alert: makeAlert({ rule }), rule }], { dbPath });
    const recorder = openAlertRecorder({ dbPath, throttle: false });
    expect(recorder.dbPath).toBe(dbPath);
    recorder.record(makeAlert({ rule }), rule);
    recorder.record(makeAlert({ rule }), rule);
    expect(await recorder.close()).toMatchObject({ kept: 2, firstId: 2, lastId: 3 });
  });

  it('takes the database from EMONDGUARD_DB when no path is given', async () => {
    const dbPath = tempDbPath();
    const previous = process.env.EMONDGUARD_DB;
    process.env.EMONDGUARD_DB = dbPath;
    try {
      const summary = await recordAlerts([{ alert: makeAlert(), rule: testRule() }]);
      expect(summary.dbPath).toBe(dbPath);
    } finally {
      if (previous === undefined) delete process.env.EMONDGUARD_DB;
      else process.env.EMONDGUARD_DB = previous;
    }
  });
});
