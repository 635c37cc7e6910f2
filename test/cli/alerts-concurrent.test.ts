import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tempDbPath } from '../helpers/store.js';

const WRITER = fileURLToPath(new URL('../storage/children/burst-writer.mjs', import.meta.url));

describe('emondguard alerts while the agent writes', () => {
  it('lists, counts and exports read-only from another process during a write burst', async () => {
    const db = tempDbPath();
    // 200 alerts every 5 ms from a separate process: a sustained flood of small transactions.
    const writer = spawn(process.execPath, [WRITER, db, '0', '200', '5'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let acknowledged = 0;
    writer.stdout.setEncoding('utf8');
    writer.stdout.on('data', (chunk: string) => (acknowledged += chunk.split('\n').length - 1));
    try {
      await new Promise<void>((resolve, reject) => {
        const poll = setInterval(() => acknowledged > 0 && (clearInterval(poll), resolve()), 10);
        writer.on('exit', (code) => reject(new Error(`writer exited ${code}`)));
      });
      let previous = 0;
      for (let round = 0; round < 6; round++) {
        const ackedBefore = acknowledged;
        const stats = runCli(['alerts', 'stats', '--format', 'json', '--db', db]);
        expect(stats.stderr).toBe('');
        expect(stats.status).toBe(0);
        const total = (JSON.parse(stats.stdout) as { totals: { alerts: number } }).totals.alerts;
        // Everything the writer acknowledged before the read started is visible to it.
        expect(total).toBeGreaterThanOrEqual(ackedBefore);
        expect(total).toBeGreaterThanOrEqual(previous);
        previous = total;

        const listed = runCli(['alerts', 'list', '--limit', '20', '--db', db]);
        expect(listed.status).toBe(0);
        expect(listed.stdout.split('\n').filter((l) => /^\s*\d+ /.test(l))).toHaveLength(20);
        const exported = runCli(['alerts', 'export', '--since', '1h', '--db', db]);
        expect(exported.status).toBe(0);
        // Every exported line is a whole document: a reader sees whole transactions only.
        for (const line of exported.stdout.trim().split('\n')) expect(() => JSON.parse(line)).not.toThrow();
      }
      expect(previous).toBeGreaterThan(1000);
    } finally {
      writer.kill('SIGKILL');
      await new Promise((resolve) => writer.on('close', resolve));
    }
    const check = new Database(db, { readonly: true });
    expect(check.pragma('integrity_check', { simple: true })).toBe('ok');
    check.close();
  }, 60_000);
});
