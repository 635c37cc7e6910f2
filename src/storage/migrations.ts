import type Database from 'better-sqlite3';
import { StoreError } from './store-errors.js';

/**
 * The schema's history. `PRAGMA user_version` holds how many migrations a file has had; opening a
 * file for writing runs the missing ones, all in one transaction, so a file is at one version or
 * the next and never in between. Append new migrations; never edit one that has shipped (files in
 * the field are at every version, and the tests replay each earlier one).
 */
export interface Migration {
  version: number;
  description: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'alerts, the rules they came from, agent events',
    sql: `
      -- Rule metadata once per distinct rule block, so each alert row does not repeat the rule's
      -- description and MITRE mapping (most of an ECS alert's bytes). The investigation guide
      -- lives here because the alert document has no field for it.
      CREATE TABLE rules (
        id INTEGER PRIMARY KEY,
        rule_id TEXT NOT NULL,
        version INTEGER NOT NULL,
        name TEXT NOT NULL,
        ecs TEXT NOT NULL UNIQUE,        -- JSON {"rule": …, "threat": …} exactly as in the alert
        note TEXT,                       -- investigation guide (Markdown)
        refs TEXT NOT NULL DEFAULT '[]', -- JSON array of reference URLs
        query TEXT,
        source TEXT
      );
      CREATE TABLE alerts (
        id INTEGER PRIMARY KEY,
        timestamp INTEGER NOT NULL,      -- the matching event's time, ms since the epoch
        created INTEGER NOT NULL,        -- when the alert was raised, ms since the epoch
        rule_ref INTEGER NOT NULL REFERENCES rules(id),
        rule_id TEXT NOT NULL,
        rule_name TEXT NOT NULL,
        rule_version INTEGER NOT NULL,
        severity TEXT NOT NULL,
        risk_score REAL NOT NULL,
        host_name TEXT,
        pid INTEGER,
        entity_id TEXT,
        process_name TEXT,
        executable TEXT,
        args TEXT NOT NULL DEFAULT '[]', -- JSON array
        command_line TEXT,
        parent_pid INTEGER,
        parent_entity_id TEXT,
        parent_name TEXT,
        parent_executable TEXT,
        user_id TEXT,
        user_name TEXT,
        count INTEGER NOT NULL DEFAULT 1, -- identical alerts merged into this one
        document TEXT NOT NULL           -- the ECS document without "rule" and "threat" (in rules.ecs)
      );
      CREATE INDEX alerts_by_time ON alerts(timestamp);
      CREATE INDEX alerts_by_rule ON alerts(rule_id, timestamp);
      CREATE TABLE agent_events (
        id INTEGER PRIMARY KEY,
        time INTEGER NOT NULL,
        kind TEXT NOT NULL,
        message TEXT NOT NULL,
        detail TEXT                      -- JSON object
      );
      CREATE INDEX agent_events_by_time ON agent_events(time);
    `,
  },
  {
    version: 2,
    description: 'triage status (open/acknowledged/resolved) and throttling summaries',
    sql: `
      ALTER TABLE alerts ADD COLUMN status TEXT NOT NULL DEFAULT 'open'
        CHECK (status IN ('open', 'acknowledged', 'resolved'));
      ALTER TABLE alerts ADD COLUMN status_by TEXT;
      ALTER TABLE alerts ADD COLUMN status_at INTEGER;
      ALTER TABLE alerts ADD COLUMN status_note TEXT;
      CREATE INDEX alerts_by_status ON alerts(status, timestamp);
      -- One row per rule and throttling window in which anything was merged or suppressed.
      CREATE TABLE suppressions (
        id INTEGER PRIMARY KEY,
        rule_id TEXT NOT NULL,
        rule_name TEXT NOT NULL,
        window_start INTEGER NOT NULL,
        window_end INTEGER NOT NULL,
        emitted INTEGER NOT NULL DEFAULT 0,
        merged INTEGER NOT NULL DEFAULT 0,
        suppressed INTEGER NOT NULL DEFAULT 0,
        UNIQUE (rule_id, window_start)
      );
      CREATE INDEX suppressions_by_window ON suppressions(window_start);
    `,
  },
  {
    version: 3,
    description: 'last time a merged duplicate was seen, counts on agent events, severity index',
    sql: `
      ALTER TABLE alerts ADD COLUMN last_seen INTEGER;
      ALTER TABLE agent_events ADD COLUMN count INTEGER;
      -- Version 2 kept numbers (drops, pruned rows) only inside the detail JSON.
      UPDATE agent_events SET count = json_extract(detail, '$.count')
        WHERE detail IS NOT NULL AND json_valid(detail) AND json_type(detail, '$.count') IN ('integer', 'real');
      CREATE INDEX alerts_by_severity ON alerts(severity, timestamp);
      CREATE INDEX agent_events_by_kind ON agent_events(kind, time);
    `,
  },
  {
    version: 4,
    description: 'slim alert rows: process fields read from the document, rule fields from rules, fewer indexes',
    sql: `
      -- Versions 1-3 copied the rule and process fields of every alert into columns next to the
      -- document that already holds them: twice the bytes per alert and 24 values to bind per
      -- insert. An alert row now keeps what is filtered, sorted or changed after the insert; the
      -- list reads the process fields out of the document (json_extract, 100 rows at a time) and
      -- the rule fields from its rules row. The rule's severity gets a column for that.
      ALTER TABLE rules ADD COLUMN severity TEXT;
      ALTER TABLE rules ADD COLUMN risk_score REAL;
      UPDATE rules SET severity = json_extract(ecs, '$.rule.severity'), risk_score = json_extract(ecs, '$.rule.risk_score');
      CREATE TABLE alerts_slim (
        id INTEGER PRIMARY KEY,
        timestamp INTEGER NOT NULL,      -- the matching event's time, ms since the epoch
        created INTEGER NOT NULL,        -- when the alert was raised, ms since the epoch
        rule_ref INTEGER NOT NULL REFERENCES rules(id),
        count INTEGER NOT NULL DEFAULT 1, -- identical alerts merged into this one
        last_seen INTEGER,               -- when the latest of those happened
        status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'acknowledged', 'resolved')),
        status_by TEXT,
        status_at INTEGER,
        status_note TEXT,
        document TEXT NOT NULL           -- the ECS document without "rule" and "threat" (in rules.ecs)
      );
      INSERT INTO alerts_slim (id, timestamp, created, rule_ref, count, last_seen, status, status_by, status_at, status_note, document)
        SELECT id, timestamp, created, rule_ref, count, last_seen, status, status_by, status_at, status_note, document FROM alerts;
      DROP TABLE alerts;
      ALTER TABLE alerts_slim RENAME TO alerts;
      -- One index for every insert to maintain instead of four: time ranges and the newest-first
      -- order, and it covers the rule (--rule and --severity select rules rows) and the status, so
      -- counts and \`alerts stats\` never read the rows, and a filter without a time range scans
      -- index entries, not documents.
      CREATE INDEX alerts_by_time ON alerts(timestamp, rule_ref, status);
      -- --status acknowledged/resolved. Nearly every alert is open and an insert is always open, so
      -- only triaged alerts are indexed: inserts never touch this index.
      CREATE INDEX alerts_triaged ON alerts(status, timestamp) WHERE status != 'open';
    `,
  },
  {
    version: 5,
    description: 'triage history: every ack and resolve kept, not only the latest',
    sql: `
      -- alerts.status_* hold the current state; this keeps each change with who, when and the
      -- note, so a second resolve (or a reopening ack) never erases what was written before.
      CREATE TABLE status_changes (
        id INTEGER PRIMARY KEY,
        alert_id INTEGER NOT NULL,       -- alerts.id; removed with the alert by pruning
        status TEXT NOT NULL CHECK (status IN ('open', 'acknowledged', 'resolved')),
        changed_by TEXT,
        changed_at INTEGER NOT NULL,     -- ms since the epoch
        note TEXT
      );
      CREATE INDEX status_changes_by_alert ON status_changes(alert_id, id);
      INSERT INTO status_changes (alert_id, status, changed_by, changed_at, note)
        SELECT id, status, status_by, coalesce(status_at, created), status_note FROM alerts WHERE status != 'open';
    `,
  },
  {
    version: 6,
    description: 'alert ids, notifications held back by the throttle, pruning rank',
    sql: `
      -- A stable random id per alert (a version-4 UUID), the same as kibana.alert.uuid and event.id
      -- in its NDJSON and unified-log copies, so a SIEM deduplicates re-sent alerts. Rows stored
      -- before this version get one here.
      ALTER TABLE alerts ADD COLUMN uuid TEXT;
      UPDATE alerts SET uuid = lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' ||
        substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) ||
        substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6)));
      -- Every alert is stored now; the throttle only holds back notifications (unified log, NDJSON).
      -- How many of this row's occurrences were held back (0: it was notified).
      ALTER TABLE alerts ADD COLUMN notifications_held_back INTEGER NOT NULL DEFAULT 0;
      -- Size-cap pruning order, lowest first: 0 held back, 1 ordinary, 2 parent is a trusted emond.
      ALTER TABLE alerts ADD COLUMN prune_rank INTEGER NOT NULL DEFAULT 1;
      -- Partial: ordinary rows (nearly all) are found in time order through alerts_by_time, so most
      -- inserts never touch this index.
      CREATE INDEX alerts_by_prune_rank ON alerts(prune_rank, timestamp) WHERE prune_rank != 1;
    `,
  },
];

export const SCHEMA_VERSION: number = MIGRATIONS.length;

export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Brings `db` to `target` (default: the newest version). Throws `E_STORE_SCHEMA_TOO_NEW` for a
 * file from a newer emondguard, which this one must not touch.
 */
export function migrate(db: Database.Database, target: number = SCHEMA_VERSION): { from: number; to: number } {
  const from = schemaVersion(db);
  if (from > SCHEMA_VERSION) {
    throw new StoreError(
      'E_STORE_SCHEMA_TOO_NEW',
      `${db.name} has schema version ${from}, newer than this emondguard understands (${SCHEMA_VERSION}); ` +
        'upgrade emondguard, or point --db at another file',
    );
  }
  if (from >= target) return { from, to: from };
  const run = db.transaction(() => {
    // Read again under the write lock: another process may have migrated while we waited for it.
    const current = schemaVersion(db);
    for (const migration of MIGRATIONS) {
      if (migration.version > current && migration.version <= target) db.exec(migration.sql);
    }
    // PRAGMA user_version is transactional: it rolls back with the migrations if one fails.
    if (current < target) db.pragma(`user_version = ${target}`);
  });
  try {
    // IMMEDIATE takes the write lock up front, so two processes opening an old file at the same
    // time migrate it once, one after the other, instead of deadlocking on a lock upgrade.
    run.immediate();
  } catch (error) {
    throw new StoreError(
      'E_STORE_MIGRATION',
      `could not upgrade ${db.name} from schema version ${from} to ${target}: ${(error as Error).message}; ` +
        'the file was left unchanged — check free disk space and permissions, then retry',
      { cause: error },
    );
  }
  return { from, to: target };
}
