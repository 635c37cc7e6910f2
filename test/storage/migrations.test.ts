import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { AlertStore } from '../../src/storage/alert-store.js';
import { MIGRATIONS, SCHEMA_VERSION, migrate, schemaVersion } from '../../src/storage/migrations.js';
import { makeAlert } from '../helpers/alerts.js';
import { tempDbPath } from '../helpers/store.js';

/** The schema as SQLite reports it, normalised, to compare a migrated file with a fresh one. */
function schemaOf(file: string): string[] {
  const db = new Database(file, { readonly: true });
  const rows = db
    .prepare("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name")
    .all() as Array<{ type: string; name: string; sql: string | null }>;
  db.close();
  return rows.map((r) => `${r.type} ${r.name}: ${(r.sql ?? '').replace(/\s+/g, ' ')}`);
}

/** Columns of every table, in order (ALTER TABLE appends, so a migrated table lists the same). */
function columnsOf(file: string): Record<string, string[]> {
  const db = new Database(file, { readonly: true });
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").pluck().all() as string[];
  const result = Object.fromEntries(
    tables.sort().map((t) => [t, (db.pragma(`table_info(${t})`) as Array<{ name: string; type: string; notnull: number; dflt_value: unknown }>).map((c) => `${c.name} ${c.type} ${c.notnull} ${String(c.dflt_value)}`)]),
  );
  db.close();
  return result;
}

/** A file as an older emondguard left it: migrations up to `version`, with rows of that era. */
function fileAtVersion(version: number): string {
  const file = tempDbPath();
  const db = new Database(file);
  // As every emondguard has created its files.
  db.pragma('auto_vacuum = INCREMENTAL');
  db.pragma('journal_mode = WAL');
  migrate(db, version);
  db.prepare(`INSERT INTO rules (rule_id, version, name, ecs, note) VALUES ('r1', 1, 'Rule One', ?, 'old guide')`).run(
    JSON.stringify({ rule: makeAlert().rule, threat: makeAlert().threat }),
  );
  const { rule: _r, threat: _t, ...event } = makeAlert({ pid: 77 });
  if (version >= 4) {
    // Version 4 keeps the rule's fields in its rules row and the process fields in the document.
    db.prepare(`UPDATE rules SET severity = 'medium', risk_score = 47`).run();
    db.prepare(`INSERT INTO alerts (timestamp, created, rule_ref, count, document) VALUES (1754572895880, 1754572895880, 1, 2, ?)`).run(
      JSON.stringify(event),
    );
  } else {
    db.prepare(
      `INSERT INTO alerts (timestamp, created, rule_ref, rule_id, rule_name, rule_version, severity, risk_score, pid,
         process_name, executable, args, command_line, parent_name, count, document)
       VALUES (1754572895880, 1754572895880, 1, 'r1', 'Rule One', 1, 'medium', 47, 77, 'curl', '/usr/bin/curl',
         '["curl"]', 'curl', 'emond', 2, ?)`,
    ).run(JSON.stringify(event));
  }
  // Version 3 and later keep an event's number in its own column; earlier ones only in the detail.
  if (version >= 3) {
    db.prepare(`INSERT INTO agent_events (time, kind, message, count, detail) VALUES (1754572895880, 'drops', 'dropped', 9, '{"count":9}')`).run();
  } else {
    db.prepare(`INSERT INTO agent_events (time, kind, message, detail) VALUES (1754572895880, 'drops', 'dropped', '{"count":9}')`).run();
  }
  if (version >= 2) db.prepare(`UPDATE alerts SET status = 'acknowledged', status_by = 'alice'`).run();
  db.close();
  return file;
}

describe('schema migrations', () => {
  it('are numbered 1..N without gaps', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1));
  });

  it('create the newest schema in an empty file', () => {
    const store = AlertStore.open(tempDbPath());
    expect(store.migrated).toEqual({ from: 0, to: SCHEMA_VERSION });
    store.close();
    const db = new Database(store.file, { readonly: true });
    expect(schemaVersion(db)).toBe(SCHEMA_VERSION);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('auto_vacuum', { simple: true })).toBe(2); // incremental
    db.close();
  });

  for (let version = 1; version < SCHEMA_VERSION; version++) {
    it(`upgrade a version ${version} file to the same schema as a fresh one, keeping its rows`, () => {
      const old = fileAtVersion(version);
      const store = AlertStore.open(old);
      expect(store.migrated).toEqual({ from: version, to: SCHEMA_VERSION });
      const [alert] = store.list();
      expect(alert).toMatchObject({ process: { pid: 77, name: 'curl' }, count: 2, last_seen: null });
      // Version 4 reads the rule's fields from its rules row and filters through it.
      expect(alert?.rule).toEqual({ id: 'r1', name: 'Rule One', version: 1, severity: 'medium', risk_score: 47 });
      expect(store.count({ rules: ['Rule One'], severities: ['medium'] })).toBe(1);
      expect(store.count({ severities: ['high'] })).toBe(0);
      expect(alert?.status).toBe(version >= 2 ? 'acknowledged' : 'open');
      expect(store.get(alert?.id as number)?.rule_context.note).toBe('old guide');
      // Version 5 starts the triage history from the status each alert had (a version-5 file's
      // fixture sets its status with a bare UPDATE, which writes no history).
      expect(store.get(alert?.id as number)?.status_history).toEqual(
        version >= 2 && version < 5 ? [{ status: 'acknowledged', by: 'alice', at: '2025-08-07T13:21:35.880Z', note: null }] : [],
      );
      // Version 6 gave every row an id and counts nothing as held back.
      expect(alert?.uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(alert?.notifications_held_back).toBe(0);
      expect(store.get(alert?.id as number)?.document.kibana?.alert.uuid).toBe(alert?.uuid);
      // Version 3 moved the number of an agent event out of its detail into a column.
      expect(store.agentEvents()[0]).toMatchObject({ kind: 'drops', count: 9 });
      expect(store.stats().drops).toEqual([{ day: '2025-08-07', count: 9 }]);
      // And it takes new alerts like a fresh store.
      expect(store.insertAlerts([{ document: makeAlert({ pid: 78 }) }])).toHaveLength(1);
      store.close();

      // Version 4 rebuilt the alerts table: the old copy's pages went back to the disk.
      const upgraded = new Database(old, { readonly: true });
      expect(upgraded.pragma('freelist_count', { simple: true })).toBe(0);
      upgraded.close();

      const fresh = AlertStore.open(tempDbPath());
      fresh.close();
      expect(columnsOf(old)).toEqual(columnsOf(fresh.file));
      expect(schemaOf(old).filter((s) => s.startsWith('index'))).toEqual(schemaOf(fresh.file).filter((s) => s.startsWith('index')));
    });
  }

  it('refuse a file from a newer emondguard, for writing and for reading', () => {
    const file = tempDbPath();
    AlertStore.open(file).close();
    const db = new Database(file);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    expect(() => AlertStore.open(file)).toThrow(/newer than this emondguard understands.*upgrade emondguard/);
    expect(() => AlertStore.open(file, { readonly: true })).toThrow(/newer than this emondguard/);
  });

  it('leave a file unchanged when a migration fails part-way', () => {
    const file = fileAtVersion(1);
    const db = new Database(file);
    // A table the version 2 migration creates already exists: its CREATE fails after the ALTERs ran.
    db.exec('CREATE TABLE suppressions (x)');
    db.close();
    expect(() => AlertStore.open(file)).toThrow(new RegExp(`could not upgrade .* from schema version 1 to ${SCHEMA_VERSION}.*left unchanged`));
    const after = new Database(file, { readonly: true });
    expect(schemaVersion(after)).toBe(1);
    const columns = (after.pragma('table_info(alerts)') as Array<{ name: string }>).map((c) => c.name);
    expect(columns).not.toContain('status');
    after.close();
  });

  it('tell a reader to upgrade a file that predates this emondguard instead of failing on a missing column', () => {
    const file = fileAtVersion(1);
    expect(() => AlertStore.open(file, { readonly: true })).toThrow(/schema version 1, older than this emondguard.*upgrade it/);
  });
});
