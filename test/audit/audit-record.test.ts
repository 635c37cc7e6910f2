import Database from 'better-sqlite3';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { emondCommandActionRule } from '../../src/audit/audit-rule.js';
import { auditEmond } from '../../src/audit/audit.js';
import { recordAuditFindings } from '../../src/audit/record-findings.js';
import { AlertStore } from '../../src/storage/alert-store.js';
import { runCli } from '../helpers/cli.js';
import { writeDamagedStore } from '../helpers/store.js';
import { FIXTURES, fixtureTree } from './fixture-tree.js';

const MALICIOUS = `${FIXTURES}malicious`;

function storedDocuments(db: string) {
  const store = AlertStore.open(db, { readonly: true });
  try {
    return [...store.documents({ order: 'oldest' })].map((row) => ({ id: row.id, document: row.document as unknown as Record<string, any> }));
  } finally {
    store.close();
  }
}

describe('recordAuditFindings', () => {
  it('stores every command action as an alert of the built-in rule, with where it was found', async () => {
    const db = path.join(fixtureTree(), 'alerts.db');
    const summary = await recordAuditFindings(auditEmond({ root: MALICIOUS }), { dbPath: db, hostName: 'mac-1' });
    expect(summary).toMatchObject({ dbPath: db, found: 3, kept: 3, alreadyRecorded: 0, merged: 0, heldBack: 0 });
    const stored = storedDocuments(db);
    expect(stored).toHaveLength(3);
    for (const { document } of stored) {
      expect(document.rule).toMatchObject({ id: emondCommandActionRule().id, name: 'Emond Rule With Command Action' });
      expect(document.host.name).toBe('mac-1');
    }
    expect(stored.map(({ document }) => [document.file.path, document.process.executable, document.emond.rule.name]).sort()).toEqual([
      ['/Library/Caches/com.apple.emond/login.plist', '/tmp/.update', 'dormant'],
      ['/Library/Caches/com.apple.emond/login.plist', '/usr/bin/python3', 'login helper'],
      ['/etc/emond.d/rules/com.apple.softwareupdate.plist', '/bin/sh', 'softwareupdate check'],
    ]);
  });

  it('does not store a finding again while its alert is unresolved, and does once it is resolved', async () => {
    const db = path.join(fixtureTree(), 'alerts.db');
    await recordAuditFindings(auditEmond({ root: MALICIOUS }), { dbPath: db });
    const again = await recordAuditFindings(auditEmond({ root: MALICIOUS }), { dbPath: db });
    expect(again).toMatchObject({ found: 3, kept: 0, alreadyRecorded: 3 });
    const [first, second] = storedDocuments(db);
    const store = AlertStore.open(db);
    store.setStatus(first!.id, 'resolved', { by: 'test' });
    store.setStatus(second!.id, 'acknowledged', { by: 'test' });
    store.close();
    const afterResolve = await recordAuditFindings(auditEmond({ root: MALICIOUS }), { dbPath: db });
    expect(afterResolve).toMatchObject({ found: 3, kept: 1, alreadyRecorded: 2 });
    expect(storedDocuments(db)).toHaveLength(4);
  });

  it('records nothing for a clean Mac', async () => {
    const db = path.join(fixtureTree(), 'alerts.db');
    const summary = await recordAuditFindings(auditEmond({ root: `${FIXTURES}apple-sample` }), { dbPath: db });
    expect(summary).toMatchObject({ found: 0, kept: 0 });
  });
});

describe('emondguard audit --record', () => {
  it('records into --db and the alerts CLI lists them', () => {
    const db = path.join(fixtureTree(), 'alerts.db');
    const result = runCli(['audit', '--root', MALICIOUS, '--json', '--record', '--db', db]);
    expect(result.status, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ summary: { commandActions: 3 } });
    expect(result.stderr).toContain(`recorded 3 alerts of "Emond Rule With Command Action" in ${db}`);
    // Found today, whatever the rule files' age: they show in the last day, and survive pruning.
    const list = runCli(['alerts', 'list', '--db', db, '--since', '24h', '--format', 'json']);
    expect(list.status, list.stderr).toBe(0);
    expect(list.stdout).toContain('Emond Rule With Command Action');
    expect(JSON.parse(list.stdout)).toHaveLength(3);
    expect(runCli(['alerts', 'prune', '--db', db, '--older-than', '1d']).status).toBe(0);
    expect(JSON.parse(runCli(['alerts', 'list', '--db', db, '--since', '24h', '--format', 'json']).stdout)).toHaveLength(3);
    // The disabled rule's command is medium, and the severity filter agrees.
    const medium = JSON.parse(runCli(['alerts', 'list', '--db', db, '--severity', 'medium', '--format', 'json']).stdout) as unknown[];
    expect(medium).toHaveLength(1);
    const again = runCli(['audit', '--root', MALICIOUS, '--record'], { env: { EMONDGUARD_DB: db } });
    expect(again.stderr).toContain('recorded 0 alerts of "Emond Rule With Command Action"');
    expect(again.stderr).toContain('3 already recorded and not resolved');
  });

  it('says so when the store had to set an unreadable database aside', async () => {
    const db = path.join(fixtureTree(), 'alerts.db');
    await writeDamagedStore(db);
    const result = runCli(['audit', '--root', MALICIOUS, '--record', '--db', db]);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/the database was unreadable and was moved to .*alerts\.db\.corrupt-/);
    expect(result.stderr).toContain('recorded 3 alerts');
  });

  it('exits 2 when --db is not an alert database, and when --db comes without --record', () => {
    const dir = fixtureTree();
    const otherDb = path.join(dir, 'other.sqlite');
    const other = new Database(otherDb);
    other.exec('CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL); INSERT INTO invoices (total) VALUES (9.5)');
    other.close();
    const result = runCli(['audit', '--root', MALICIOUS, '--record', '--db', otherDb]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^emondguard: .*other\.sqlite/m);
    const alone = runCli(['audit', '--root', MALICIOUS, '--db', path.join(dir, 'x.db')]);
    expect(alone.status).toBe(2);
    expect(alone.stderr).toContain('--db goes with --record');
  });
});
