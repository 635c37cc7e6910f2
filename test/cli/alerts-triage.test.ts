import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { AlertStore } from '../../src/storage/alert-store.js';
import { runCli } from '../helpers/cli.js';
import { makeAlert } from '../helpers/alerts.js';
import { seedCliStore } from '../helpers/store.js';

let db: string;

beforeEach(async () => {
  db = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'emondguard-cli-')), 'alerts.db');
  await seedCliStore(db);
});

describe('emondguard alerts: triage and maintenance', () => {
  it('ack and resolve record status, who (the sudo user) and the note', () => {
    const ack = runCli(['alerts', 'ack', '6', '--note', 'looking into it', '--db', db], { env: { SUDO_USER: 'carol' } });
    expect(ack.status).toBe(0);
    expect(ack.stdout).toBe('Alert 6 acknowledged by carol: looking into it\n');
    const resolve = runCli(['alerts', 'resolve', '6', '--by', 'dave', '--db', db]);
    expect(resolve.stdout).toBe('Alert 6 resolved by dave\n');
    const store = AlertStore.open(db, { readonly: true });
    expect(store.get(6)).toMatchObject({ status: 'resolved', status_by: 'dave', status_note: null });
    // The latest change is the alert's status; none of the earlier ones is lost.
    expect(store.get(6)?.status_history.map(({ status, by, note }) => ({ status, by, note }))).toEqual([
      { status: 'acknowledged', by: 'carol', note: 'looking into it' },
      { status: 'resolved', by: 'dave', note: null },
    ]);
    store.close();
    const shown = runCli(['alerts', 'show', '6', '--db', db]).stdout;
    expect(shown).toMatch(/Status {8}resolved by dave at \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC\n/);
    expect(shown).toMatch(/Triage history\n {2}\S+ \S+ UTC {2}acknowledged by carol — looking into it\n {2}\S+ \S+ UTC {2}resolved by dave\n/);
  });

  it('says so when an ack reopens a resolved alert', () => {
    runCli(['alerts', 'resolve', '6', '--by', 'dave', '--note', 'benign', '--db', db]);
    const ack = runCli(['alerts', 'ack', '6', '--by', 'erin', '--db', db]);
    expect(ack.status).toBe(0);
    expect(ack.stdout).toMatch(/^Alert 6 acknowledged by erin\nIt had been resolved by dave at \S+; it is open for investigation again\.\n$/);
    const store = AlertStore.open(db, { readonly: true });
    expect(store.get(6)?.status_history.map((change) => change.note)).toEqual(['benign', null]);
    store.close();
  });

  it('prune applies retention and the size cap and reports it', () => {
    const result = runCli(['alerts', 'prune', '--older-than', '1', '--db', db]);
    expect(result.status).toBe(0);
    // The seeded alerts are from August 2025, long past a day of retention.
    expect(result.stdout).toMatch(/^Pruned 6 alert\(s\) older than 1 day\(s\) and 0 over the 1\.0 GiB cap/);
    const stats = JSON.parse(runCli(['alerts', 'stats', '--format', 'json', '--db', db]).stdout) as { totals: { alerts: number }; agentEvents: Record<string, number> };
    expect(stats.totals.alerts).toBe(0);
    expect(stats.agentEvents.prune).toBe(1);
    // The triage history goes with its alerts.
    const file = new Database(db, { readonly: true });
    expect(file.prepare('SELECT count(*) FROM status_changes').pluck().get()).toBe(0);
    file.close();
  });

  it('says so when the size cap cannot be met even with every alert gone', () => {
    // The seeded alerts are from August 2025: a long retention keeps them, so the cap is what removes them.
    const result = runCli(['alerts', 'prune', '--older-than', '36500', '--max-size', '1KiB', '--db', db]);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^Pruned 0 alert\(s\) older than 36500 day\(s\) and 6 over the 1\.0 KiB cap/);
    expect(result.stderr).toMatch(/the data still takes \S+ KiB, over the 1\.0 KiB cap, with every alert gone.*Give a larger --max-size/);
    const roomy = runCli(['alerts', 'prune', '--max-size', '500MB', '--db', db]);
    expect(roomy.stderr).toBe('');
  });

  it('lists recent alerts with --since 24h', () => {
    const store = AlertStore.open(db);
    store.insertAlerts([{ document: makeAlert({ time: new Date(Date.now() - 3_600_000).toISOString(), pid: 9 }) }]);
    store.close();
    const out = runCli(['alerts', 'list', '--since', '24h', '--format', 'ndjson', '--db', db]).stdout;
    expect(out.trim().split('\n').map((l) => (JSON.parse(l) as { process: { pid: number } }).process.pid)).toEqual([9]);
  });
});
