import { describe, expect, it } from 'vitest';
import { openAlertRecorder, recordAlerts } from '../../src/alerts/record-alerts.js';
import { AlertStore } from '../../src/storage/alert-store.js';
import { makeAlert, testRule } from '../helpers/alerts.js';
import { tempDbPath } from '../helpers/store.js';

describe('recording alerts (scan --db)', () => {
  it('stores a stream of alerts with throttling and reports what it did', async () => {
    const dbPath = tempDbPath();
    const rule = testRule({ max_signals: 2 });
    async function* found() {
      yield { alert: makeAlert({ rule, args: ['a'] }), rule };
      yield { alert: makeAlert({ rule, args: ['a'] }), rule };
      yield { alert: makeAlert({ rule, args: ['b'] }), rule };
      yield { alert: makeAlert({ rule, args: ['c'] }), rule };
    }
    const summary = await recordAlerts(found(), { dbPath });
    expect(summary).toEqual({ dbPath, kept: 2, merged: 1, suppressed: 1, firstId: 1, lastId: 2, quarantinedTo: null });
    const store = AlertStore.open(dbPath, { readonly: true });
    expect(store.list({ order: 'oldest' }).map((a) => [a.process.args, a.count])).toEqual([[['a'], 2], [['b'], 1]]);
    expect(store.get(1)?.rule_context.note).toContain('Triage');
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
