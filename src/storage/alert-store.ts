import fs from 'node:fs';
import type Database from 'better-sqlite3';
import type { AlertDocument } from '../alerts/alert-document.js';
import { UsageError } from '../errors.js';
import { toAgentEvent, type AgentEvent, type AgentEventInput, type AgentEventRow } from './agent-events.js';
import { orderClause, whereClause, type AlertFilter } from './alert-filter.js';
import {
  SUMMARY_COLUMNS,
  ruleBlockJson,
  toDocument,
  toInsertParams,
  toSummary,
  type AlertDetail,
  type AlertRow,
  type AlertStatus,
  type AlertSummary,
  type RuleContext,
} from './alert-rows.js';
import { openDatabase, type OpenDatabaseOptions } from './open-database.js';
import type { QuarantineRecord } from './quarantine.js';
import { prune, releaseFreePages, usedBytes, type PruneResult, type RetentionPolicy } from './retention.js';
import { StoreError } from './store-errors.js';
import { collectStats, type StatsRange, type StoreStats } from './store-stats.js';

/** An alert to insert, with the rule context `alerts show` needs later. */
export interface NewAlert {
  document: AlertDocument;
  context?: RuleContext;
  /** Identical alerts already folded into this one before it was written (default 1). */
  count?: number;
  /** When the last of those happened, ms since the epoch. */
  lastSeen?: number;
}

/** Identical alerts to add to one already stored. */
export interface MergeUpdate {
  id: number;
  add: number;
  lastSeen: number;
}

/** Counts of one rule's throttling window to add to its summary row. */
export interface SuppressionDelta {
  ruleId: string;
  ruleName: string;
  windowStart: number;
  windowEnd: number;
  emitted: number;
  merged: number;
  suppressed: number;
}

/** Everything one commit writes, in one transaction. */
export interface WriteBatch {
  alerts?: readonly NewAlert[];
  merges?: readonly MergeUpdate[];
  suppressions?: readonly SuppressionDelta[];
  events?: readonly AgentEventInput[];
}

export interface SuppressionSummary {
  rule_id: string;
  rule_name: string;
  window_start: string;
  window_end: string;
  emitted: number;
  merged: number;
  suppressed: number;
}

export interface AlertStoreOptions extends OpenDatabaseOptions {
  /** Clock for created/status times and the agent events; injectable for tests. */
  now?: () => number;
}

export interface StatusChange {
  by: string;
  note?: string;
}

/**
 * The SQLite alert store (DESIGN §9). One instance owns one connection: the agent and `scan`
 * open it for writing, the CLI's reads open it read-only while the agent writes (WAL).
 */
export class AlertStore {
  readonly file: string;
  readonly readonly: boolean;
  /** Set when the file at `file` was corrupt and was moved aside for a new one at this open. */
  readonly quarantined: QuarantineRecord | undefined;
  /** Schema versions before and after this open's migrations. */
  readonly migrated: { from: number; to: number };

  private readonly db: Database.Database;
  private readonly now: () => number;
  private readonly statements = new Map<string, Database.Statement>();
  /** rules.ecs → rules.id for the rule blocks this connection has written. */
  private readonly ruleIds = new Map<string, number>();
  /** The same, by the identity of a document's rule and threat objects. */
  private ruleIdsByObject = new WeakMap<object, WeakMap<object, number>>();

  static open(file: string, options: AlertStoreOptions = {}): AlertStore {
    return new AlertStore(file, options);
  }

  private constructor(file: string, options: AlertStoreOptions) {
    this.file = file;
    this.readonly = options.readonly ?? false;
    this.now = options.now ?? Date.now;
    const opened = openDatabase(file, { ...options, now: this.now });
    this.db = opened.db;
    this.quarantined = opened.quarantined;
    this.migrated = opened.migrated;
    if (opened.quarantined) {
      this.recordAgentEvent({
        kind: 'quarantine',
        message: `the database was corrupt and was moved to ${opened.quarantined.movedTo}; a new one was started`,
        detail: { movedTo: opened.quarantined.movedTo, reason: opened.quarantined.reason },
      });
    }
  }

  /** Writes a batch in one transaction and returns the ids of its new alerts, in order. */
  commit(batch: WriteBatch): number[] {
    const write = this.db.transaction((b: WriteBatch): number[] => {
      const ids = (b.alerts ?? []).map((alert) => this.insertAlert(alert));
      for (const merge of b.merges ?? []) this.statement(MERGE_SQL).run(merge.add, merge.lastSeen, merge.id);
      for (const delta of b.suppressions ?? []) this.statement(SUPPRESSION_SQL).run(delta);
      for (const event of b.events ?? []) this.insertAgentEvent(event);
      return ids;
    });
    try {
      return write.immediate(batch);
    } catch (error) {
      // Rule rows inserted in the rolled-back transaction are gone; forget their ids.
      this.ruleIds.clear();
      this.ruleIdsByObject = new WeakMap();
      throw new StoreError(
        'E_STORE_WRITE',
        `could not write to ${this.file}: ${(error as Error).message}; check free disk space and that no other ` +
          'program holds a write lock on the database',
        { cause: error },
      );
    }
  }

  insertAlerts(alerts: readonly NewAlert[]): number[] {
    return this.commit({ alerts });
  }

  recordAgentEvent(event: AgentEventInput): void {
    this.commit({ events: [event] });
  }

  list(filter: AlertFilter = {}): AlertSummary[] {
    const where = whereClause(filter);
    const limit = filter.limit === undefined ? '' : 'LIMIT ?';
    const params = filter.limit === undefined ? where.params : [...where.params, filter.limit];
    const rows = this.statement(`SELECT ${SUMMARY_COLUMNS} FROM alerts ${where.sql} ${orderClause(filter)} ${limit}`).all(
      ...params,
    ) as AlertRow[];
    return rows.map(toSummary);
  }

  count(filter: AlertFilter = {}): number {
    const where = whereClause(filter);
    return this.statement(`SELECT count(*) FROM alerts ${where.sql}`).pluck().get(...where.params) as number;
  }

  /** The full ECS documents of the matching alerts, streamed (export can cover millions). */
  *documents(filter: AlertFilter = {}): Generator<{ id: number; document: AlertDocument }> {
    const where = whereClause(filter, 'a.');
    const limit = filter.limit === undefined ? '' : 'LIMIT ?';
    const params = filter.limit === undefined ? where.params : [...where.params, filter.limit];
    const rows = this.statement(
      `SELECT a.id, a.document, a.count, r.ecs FROM alerts a JOIN rules r ON r.id = a.rule_ref
        ${where.sql} ${orderClause(filter, 'a.')} ${limit}`,
    ).iterate(...params) as IterableIterator<{ id: number; document: string; count: number; ecs: string }>;
    for (const row of rows) yield { id: row.id, document: toDocument(row.document, row.ecs, row.count) };
  }

  get(id: number): AlertDetail | undefined {
    const row = this.statement(`SELECT ${SUMMARY_COLUMNS}, rule_ref, document FROM alerts WHERE id = ?`).get(id) as
      | (AlertRow & { rule_ref: number; document: string })
      | undefined;
    if (!row) return undefined;
    const rule = this.statement('SELECT ecs, note, refs, query, source FROM rules WHERE id = ?').get(row.rule_ref) as {
      ecs: string;
      note: string | null;
      refs: string;
      query: string | null;
      source: string | null;
    };
    const context: RuleContext = { references: JSON.parse(rule.refs) as string[] };
    if (rule.note !== null) context.note = rule.note;
    if (rule.query !== null) context.query = rule.query;
    if (rule.source !== null) context.source = rule.source;
    return { ...toSummary(row), document: toDocument(row.document, rule.ecs, row.count), rule_context: context };
  }

  /** Acknowledges or resolves an alert; throws `E_ALERT_NOT_FOUND` (a usage error) for an unknown id. */
  setStatus(id: number, status: AlertStatus, change: StatusChange): AlertSummary {
    const changed = this.statement(
      'UPDATE alerts SET status = ?, status_by = ?, status_at = ?, status_note = ? WHERE id = ?',
    ).run(status, change.by, this.now(), change.note ?? null, id).changes;
    if (changed === 0) {
      throw new UsageError(`no alert with id ${id} in ${this.file}; \`emondguard alerts list\` shows the ids`, {
        code: 'E_ALERT_NOT_FOUND',
      });
    }
    return toSummary(this.statement(`SELECT ${SUMMARY_COLUMNS} FROM alerts WHERE id = ?`).get(id) as AlertRow);
  }

  stats(range: StatsRange = {}): StoreStats {
    return collectStats(this.db, range, this.sizeBytes());
  }

  /** Applies the retention policy, oldest first, and records what it removed as an agent event. */
  prune(policy: RetentionPolicy): PruneResult {
    const result = this.db.transaction(() => prune(this.db, policy, this.now())).immediate();
    const removed = result.removedByAge + result.removedBySize;
    if (removed + result.removedOther > 0) {
      releaseFreePages(this.db);
      this.recordAgentEvent({
        kind: 'prune',
        message: `pruned ${removed} alert(s): ${result.removedByAge} past retention, ${result.removedBySize} over the size cap`,
        count: removed,
        detail: { ...result, policy },
      });
    }
    return result;
  }

  agentEvents(filter: { since?: number; kinds?: readonly string[]; limit?: number } = {}): AgentEvent[] {
    const rows = this.statement(
      `SELECT id, time, kind, message, count, detail FROM agent_events
        WHERE time >= ? AND (? IS NULL OR kind IN (SELECT value FROM json_each(?)))
        ORDER BY time DESC, id DESC LIMIT ?`,
    ).all(
      filter.since ?? 0,
      filter.kinds ? 1 : null,
      JSON.stringify(filter.kinds ?? []),
      filter.limit ?? -1,
    ) as AgentEventRow[];
    return rows.map(toAgentEvent);
  }

  suppressions(filter: { since?: number; ruleId?: string } = {}): SuppressionSummary[] {
    const rows = this.statement(
      `SELECT rule_id, rule_name, window_start, window_end, emitted, merged, suppressed FROM suppressions
        WHERE window_end > ? AND (? IS NULL OR rule_id = ?) ORDER BY window_start DESC, rule_id`,
    ).all(filter.since ?? 0, filter.ruleId ?? null, filter.ruleId ?? null) as Array<{
      rule_id: string; rule_name: string; window_start: number; window_end: number;
      emitted: number; merged: number; suppressed: number;
    }>;
    return rows.map((r) => ({
      ...r,
      window_start: new Date(r.window_start).toISOString(),
      window_end: new Date(r.window_end).toISOString(),
    }));
  }

  /** The database file's size on disk plus its WAL. */
  sizeBytes(): number {
    let total = 0;
    for (const suffix of ['', '-wal']) {
      try {
        total += fs.statSync(this.file + suffix).size;
      } catch {
        // No WAL file is normal after a clean close.
      }
    }
    return total;
  }

  /** Bytes the live data takes, what the size cap is measured against. */
  usedBytes(): number {
    return usedBytes(this.db);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  private insertAlert(alert: NewAlert): number {
    const ruleRef = this.ruleRef(alert.document, alert.context);
    const params = toInsertParams(alert.document, ruleRef, alert.count ?? 1, this.now());
    if (alert.lastSeen !== undefined) params.last_seen = alert.lastSeen;
    return Number(this.statement(INSERT_ALERT_SQL).run(params).lastInsertRowid);
  }

  private ruleRef(document: AlertDocument, context: RuleContext | undefined): number {
    // The alert builder hands the same rule and threat objects to every alert of a rule, so an
    // identity hit skips serialising ~1 KB per alert; anything else is matched by its JSON.
    const byThreat = this.ruleIdsByObject.get(document.rule);
    const cached = byThreat?.get(document.threat);
    if (cached !== undefined) return cached;
    const ecs = ruleBlockJson(document);
    const known = this.ruleIds.get(ecs) ?? this.upsertRule(document, ecs, context);
    if (byThreat) byThreat.set(document.threat, known);
    else this.ruleIdsByObject.set(document.rule, new WeakMap([[document.threat, known]]));
    return known;
  }

  private upsertRule(document: AlertDocument, ecs: string, context: RuleContext | undefined): number {
    const id = this.statement(UPSERT_RULE_SQL).pluck().get({
      rule_id: document.rule.id,
      version: document.rule.version,
      name: document.rule.name,
      ecs,
      note: context?.note ?? null,
      refs: context?.references ? JSON.stringify(context.references) : null,
      query: context?.query ?? null,
      source: context?.source ?? null,
    }) as number;
    this.ruleIds.set(ecs, id);
    return id;
  }

  private insertAgentEvent(event: AgentEventInput): void {
    this.statement(
      'INSERT INTO agent_events (time, kind, message, count, detail) VALUES (?, ?, ?, ?, ?)',
    ).run(event.time ?? this.now(), event.kind, event.message, event.count ?? null, event.detail ? JSON.stringify(event.detail) : null);
  }

  /** Prepared once per SQL text: the text depends only on which filters are present. */
  private statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }
}

const INSERT_ALERT_SQL = `INSERT INTO alerts (
    timestamp, created, rule_ref, rule_id, rule_name, rule_version, severity, risk_score, host_name, pid, entity_id,
    process_name, executable, args, command_line, parent_pid, parent_entity_id, parent_name, parent_executable,
    user_id, user_name, count, last_seen, document)
  VALUES (
    @timestamp, @created, @rule_ref, @rule_id, @rule_name, @rule_version, @severity, @risk_score, @host_name, @pid,
    @entity_id, @process_name, @executable, @args, @command_line, @parent_pid, @parent_entity_id, @parent_name,
    @parent_executable, @user_id, @user_name, @count, @last_seen, @document)`;

// A rule block seen again keeps its row; a guide or references learnt later fill in what was missing.
const UPSERT_RULE_SQL = `INSERT INTO rules (rule_id, version, name, ecs, note, refs, query, source)
  VALUES (@rule_id, @version, @name, @ecs, @note, coalesce(@refs, '[]'), @query, @source)
  ON CONFLICT (ecs) DO UPDATE SET
    note = coalesce(rules.note, excluded.note),
    refs = CASE WHEN rules.refs = '[]' THEN excluded.refs ELSE rules.refs END,
    query = coalesce(rules.query, excluded.query),
    source = coalesce(rules.source, excluded.source)
  RETURNING id`;

const MERGE_SQL = 'UPDATE alerts SET count = count + ?, last_seen = max(coalesce(last_seen, 0), ?) WHERE id = ?';

const SUPPRESSION_SQL = `INSERT INTO suppressions (rule_id, rule_name, window_start, window_end, emitted, merged, suppressed)
  VALUES (@ruleId, @ruleName, @windowStart, @windowEnd, @emitted, @merged, @suppressed)
  ON CONFLICT (rule_id, window_start) DO UPDATE SET
    emitted = emitted + excluded.emitted,
    merged = merged + excluded.merged,
    suppressed = suppressed + excluded.suppressed`;
