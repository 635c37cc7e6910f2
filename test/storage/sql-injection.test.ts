import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AlertStore } from '../../src/storage/alert-store.js';
import type { Severity } from '../../src/rules/rule.js';
import type { AlertStatus } from '../../src/storage/alert-rows.js';
import { runCli } from '../helpers/cli.js';
import { makeAlert, testRule } from '../helpers/alerts.js';
import { tempDbPath } from '../helpers/store.js';

/** Classic payloads: quote breaking, comments, stacked statements, UNION, boolean tautologies, JSON. */
const PAYLOADS = [
  "' OR '1'='1",
  "x'); DROP TABLE alerts; --",
  '" OR ""="',
  "1; DELETE FROM alerts",
  "' UNION SELECT id, document FROM alerts --",
  '%',
  '*',
  "') OR 1=1 --",
  '["medium"]',
  '"]) OR 1=1 --',
  '\\',
  "Robert'); DROP TABLE rules;--",
];

function storeWithHostileData(): AlertStore {
  const store = AlertStore.open(tempDbPath());
  // Hostile strings also arrive as data (an attacker chooses argv and rule files can be edited).
  store.insertAlerts([
    { document: makeAlert({ pid: 1 }) },
    { document: makeAlert({ pid: 2, args: PAYLOADS, rule: testRule({ id: "'; DROP TABLE alerts; --", name: "name' OR 1=1" }) }) },
  ]);
  return store;
}

function intact(store: AlertStore): void {
  expect(store.count()).toBe(2);
  expect(store.list({ order: 'oldest' }).map((a) => a.process.pid)).toEqual([1, 2]);
}

describe('SQL injection', () => {
  it('finds nothing, changes nothing, and fails nothing for hostile values in every filter', () => {
    const store = storeWithHostileData();
    for (const payload of PAYLOADS) {
      expect(store.list({ rules: [payload] })).toEqual([]);
      expect(store.list({ severities: [payload as Severity] })).toEqual([]);
      expect(store.list({ statuses: [payload as AlertStatus] })).toEqual([]);
      expect(store.count({ rules: [payload], severities: [payload as Severity], statuses: [payload as AlertStatus] })).toBe(0);
      expect(store.agentEvents({ kinds: [payload] })).toEqual([]);
      expect(store.suppressions({ ruleId: payload })).toEqual([]);
      intact(store);
    }
    store.close();
  });

  it('matches hostile strings exactly, as data, where they are the stored values', () => {
    const store = storeWithHostileData();
    expect(store.list({ rules: ["'; DROP TABLE alerts; --"] }).map((a) => a.process.pid)).toEqual([2]);
    expect(store.list({ rules: ["name' OR 1=1"] }).map((a) => a.process.pid)).toEqual([2]);
    expect(store.get(2)?.process.args).toEqual(PAYLOADS);
    store.setStatus(2, 'resolved', { by: "admin'--", note: "'); DROP TABLE alerts; --" });
    expect(store.get(2)).toMatchObject({ status_by: "admin'--", status_note: "'); DROP TABLE alerts; --" });
    intact(store);
    store.close();
  });

  it('through the CLI: every filter option takes the payload as a value', () => {
    const store = storeWithHostileData();
    store.close();
    const before = fs.readFileSync(store.file);
    // Each CLI run is a process start, so a representative subset: quote break, stacked
    // statement, UNION, and JSON-array injection into the json_each parameter.
    for (const payload of [PAYLOADS[1], PAYLOADS[3], PAYLOADS[4], PAYLOADS[9]] as string[]) {
      const listed = runCli(['alerts', 'list', '--format', 'ndjson', '--rule', payload, '--db', store.file]);
      expect(listed.status).toBe(0);
      expect(listed.stdout).toBe('');
      // Severity, status, time and id options validate their values before any SQL runs.
      for (const option of ['--severity', '--status', '--since', '--limit']) {
        const rejected = runCli(['alerts', 'list', option, payload, '--db', store.file]);
        expect(rejected.status, `${option} ${payload}`).toBe(2);
      }
      expect(runCli(['alerts', 'show', payload, '--db', store.file]).status).toBe(2);
    }
    const exported = runCli(['alerts', 'export', '--rule', "'; DROP TABLE alerts; --", '--db', store.file]);
    expect(exported.stdout.trim().split('\n')).toHaveLength(1);
    // Read-only commands left the file byte for byte as it was.
    expect(fs.readFileSync(store.file).equals(before)).toBe(true);
    const after = AlertStore.open(store.file, { readonly: true });
    intact(after);
    after.close();
  }, 60_000);
});
