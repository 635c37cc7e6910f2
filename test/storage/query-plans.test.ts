import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { AlertStore, countQuery, listQuery } from '../../src/storage/alert-store.js';
import type { AlertFilter } from '../../src/storage/alert-filter.js';
import { makeAlert, testRule } from '../helpers/alerts.js';
import { tempDbPath } from '../helpers/store.js';

/**
 * Schema version 4 keeps two indexes on alerts (time with rule and status, and triaged alerts
 * only); every filter the CLI offers must still be answered through one of them, never by
 * reading every row of a million-alert table.
 */
const FILTERS: Record<string, AlertFilter> = {
  'no filter': {},
  'since': { since: Date.parse('2025-08-07T00:00:00Z') },
  'since and until': { since: Date.parse('2025-08-06T00:00:00Z'), until: Date.parse('2025-08-07T00:00:00Z') },
  'rule id or name': { rules: ['rule-high', 'Suspicious Emond Child Process'] },
  'severity': { severities: ['high', 'critical'] },
  'triaged statuses': { statuses: ['acknowledged', 'resolved'] },
  'open': { statuses: ['open'] },
  'everything at once': { since: 0, until: Date.now(), rules: ['rule-high'], severities: ['high'], statuses: ['open', 'resolved'] },
};

function planOf(file: string, query: { sql: string; params: unknown[] }): string[] {
  const db = new Database(file, { readonly: true });
  const plan = (db.prepare(`EXPLAIN QUERY PLAN ${query.sql}`).all(...query.params) as Array<{ detail: string }>).map((r) => r.detail);
  db.close();
  return plan;
}

/** The plan's steps over the alerts table (alias a). */
const alertSteps = (plan: string[]): string[] => plan.filter((step) => /^(SCAN|SEARCH) (a|alerts)\b/.test(step));

/** A store with two rules and a resolved alert (SQLite plans without statistics: size does not matter). */
function seededFile(): string {
  const store = AlertStore.open(tempDbPath());
  const high = testRule({ id: 'rule-high', name: 'High Rule', severity: 'high', risk_score: 73 });
  const [id] = store.insertAlerts([
    { document: makeAlert({ time: '2025-08-06T10:00:00Z', pid: 1 }) },
    { document: makeAlert({ time: '2025-08-07T10:00:00Z', pid: 2, rule: high }) },
  ]);
  store.setStatus(id as number, 'resolved', { by: 'alice' });
  store.close();
  return store.file;
}

describe('query plans', () => {
  for (const [name, filter] of Object.entries(FILTERS)) {
    it(`read alerts through an index for ${name}`, () => {
      const file = seededFile();
      for (const query of [listQuery({ ...filter, order: 'newest', limit: 100 }), countQuery(filter)]) {
        const steps = alertSteps(planOf(file, query));
        expect(steps.length).toBeGreaterThan(0);
        for (const step of steps) expect(step).toMatch(/USING (COVERING )?INDEX alerts_(by_time|triaged)/);
      }
    });
  }

  it('count without reading rows, and find triaged alerts in their own small index', () => {
    const file = seededFile();
    for (const filter of Object.values(FILTERS)) {
      for (const step of alertSteps(planOf(file, countQuery(filter)))) expect(step).toContain('COVERING INDEX');
    }
    expect(alertSteps(planOf(file, listQuery({ statuses: ['acknowledged'] })))).toEqual([
      expect.stringContaining('USING INDEX alerts_triaged'),
    ]);
    expect(alertSteps(planOf(file, listQuery({ since: 0, limit: 100 })))).toEqual([
      expect.stringContaining('USING INDEX alerts_by_time (timestamp>?)'),
    ]);
  });
});
