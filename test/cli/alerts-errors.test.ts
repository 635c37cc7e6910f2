import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { seedCliStore } from '../helpers/store.js';

let db: string;
let dir: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'emondguard-cli-'));
  db = path.join(dir, 'alerts.db');
  await seedCliStore(db);
});

function fails(args: string[], pattern: RegExp, env: NodeJS.ProcessEnv = {}): void {
  const result = runCli(['alerts', ...args], { env });
  expect(result.status, result.stderr).toBe(2);
  expect(result.stdout).toBe('');
  expect(result.stderr).toMatch(/^emondguard: /);
  expect(result.stderr).toMatch(pattern);
}

describe('emondguard alerts: errors', () => {
  it('exits 2 with a clear message for a missing database, naming the ways to point at one', () => {
    const missing = path.join(dir, 'nope', 'alerts.db');
    for (const sub of [['list'], ['show', '1'], ['stats'], ['export'], ['ack', '1'], ['resolve', '1'], ['prune']]) {
      fails([...sub, '--db', missing], /no alert database at .*nope\/alerts\.db.*--db PATH or set EMONDGUARD_DB/);
    }
    // Reads never create the file, and neither do the writing subcommands.
    expect(fs.existsSync(missing)).toBe(false);
    expect(fs.existsSync(path.dirname(missing))).toBe(false);
    fails(['list'], /no alert database at .*env-missing\.db/, { EMONDGUARD_DB: path.join(dir, 'env-missing.db') });
  });

  it('exits 2 and says what to type for bad option values', () => {
    fails(['list', '--db', db, '--since', 'yesterday'], /--since.*expected a duration before now \(30m, 24h, 7d, 2w\) or an ISO 8601/);
    fails(['list', '--db', db, '--until', '2025-13-45'], /--until.*ISO 8601/);
    fails(['list', '--db', db, '--severity', 'urgent'], /unknown severity "urgent"; expected low, medium, high, critical/);
    fails(['list', '--db', db, '--status', 'closed'], /unknown status "closed"; expected open, acknowledged, resolved/);
    fails(['list', '--db', db, '--limit', '-1'], /--limit.*whole number/);
    fails(['list', '--db', db, '--limit', 'ten'], /--limit.*whole number/);
    fails(['list', '--db', db, '--format', 'xml'], /--format.*expected one of table, json, ndjson, csv/);
    fails(['export', '--db', db, '--format', 'json'], /expected one of ecs-ndjson/);
    fails(['show', '--db', db, 'abc'], /expected an alert id/);
    fails(['show', '--db', db, '0'], /expected an alert id/);
    fails(['prune', '--db', db, '--max-size', 'huge'], /expected a size such as 500MB/);
    fails(['prune', '--db', db, '--older-than', '0'], /expected a number of days/);
    fails(['list', '--db', db, '--bogus'], /unknown option '--bogus'/);
    fails(['frobnicate'], /unknown command 'frobnicate'/);
    fails(['show', '--db', db], /missing required argument 'id'/);
  });

  it('exits 2 for an alert id that does not exist', () => {
    fails(['show', '999', '--db', db], /no alert with id 999 in .*alerts list/);
    fails(['ack', '999', '--db', db], /no alert with id 999/);
  });

  it('exits 2 for a file that is not an alert database', () => {
    const other = path.join(dir, 'other.db');
    fs.writeFileSync(other, '');
    fails(['list', '--db', other], /not an emondguard alert database/);
  });

  it('exits 2 and leaves the file alone when --db names something that is not a database (a typo)', () => {
    const notes = path.join(dir, 'notes.txt');
    fs.writeFileSync(notes, 'call IT about the emond rule\n');
    fs.chmodSync(notes, 0o644);
    for (const sub of [['list'], ['ack', '1'], ['resolve', '1'], ['prune']]) fails([...sub, '--db', notes], /is not a SQLite database|not an emondguard alert database/);
    const scan = runCli(['scan', '--db', notes, '-'], { input: '' });
    expect(scan.status).toBe(2);
    expect(scan.stderr).toMatch(/notes\.txt is not a SQLite database.*left untouched/);
    const demo = runCli(['demo', '--db', notes]);
    expect(demo.status).toBe(2);
    expect(demo.stderr).toMatch(/notes\.txt is not a SQLite database/);
    expect(fs.readFileSync(notes, 'utf8')).toBe('call IT about the emond rule\n');
    expect(fs.statSync(notes).mode & 0o777).toBe(0o644);
    expect(fs.readdirSync(dir).filter((name) => name.startsWith('notes.txt.'))).toEqual([]);
  });
});
