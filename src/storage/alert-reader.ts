import fs from 'node:fs';
import type Database from 'better-sqlite3';
import type { AlertDocument } from '../alerts/alert-document.js';
import { toAgentEvent, type AgentEvent, type AgentEventRow } from './agent-events.js';
import { orderClause, whereClause, type AlertFilter } from './alert-filter.js';
import {
  SUMMARY_COLUMNS,
  SUMMARY_FROM,
  parseStored,
  toDocument,
  toSummary,
  type AlertDetail,
  type AlertRow,
  type AlertStatus,
  type AlertSummary,
  type RuleContext,
  type StatusChangeRecord,
} from './alert-rows.js';
import { openForReading, type OpenDatabaseOptions } from './open-database.js';
import { collectStats, type StatsRange, type StoreStats } from './store-stats.js';

/**
 * Everything that reads the alert store. The CLI's list, show, export and stats open one of these
 * read-only (they work while the agent writes, through WAL), so a read loads none of the writer's
 * code; AlertStore extends it with the writes.
 */

export interface SuppressionSummary {
  rule_id: string;
  rule_name: string;
  window_start: string;
  window_end: string;
  emitted: number;
  merged: number;
  suppressed: number;
}

/** The investigation context a rules row keeps beside the rule block. */
interface RuleGuideRow {
  note: string | null;
  refs: string;
  query: string | null;
  source: string | null;
}

export class AlertReader {
  readonly file: string;
  readonly readonly: boolean;

  protected readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();

  /** Opens `file` read-only: never creates, migrates or repairs anything. */
  static open(file: string, options: Pick<OpenDatabaseOptions, 'busyTimeoutMs'> = {}): AlertReader {
    return new AlertReader(file, openForReading(file, options).db, true);
  }

  protected constructor(file: string, db: Database.Database, readonly: boolean) {
    this.file = file;
    this.db = db;
    this.readonly = readonly;
  }

  list(filter: AlertFilter = {}): AlertSummary[] {
    const query = listQuery(filter);
    return (this.statement(query.sql).all(...query.params) as AlertRow[]).map((row) => toSummary(row));
  }

  count(filter: AlertFilter = {}): number {
    const query = countQuery(filter);
    return this.statement(query.sql).pluck().get(...query.params) as number;
  }

  /** The full ECS documents of the matching alerts, streamed (export can cover millions). */
  *documents(filter: AlertFilter = {}): Generator<{ id: number; document: AlertDocument }> {
    const query = selectQuery('a.id, a.uuid, a.document, a.count, r.ecs', filter);
    const rows = this.statement(query.sql).iterate(...query.params) as IterableIterator<{
      id: number;
      uuid: string | null;
      document: string;
      count: number;
      ecs: string;
    }>;
    for (const row of rows) yield { id: row.id, document: toDocument(parseStored(row.document), row.ecs, row.count, row.uuid) };
  }

  get(id: number): AlertDetail | undefined {
    const row = this.statement(
      `SELECT ${SUMMARY_COLUMNS}, r.ecs, r.note, r.refs, r.query, r.source FROM ${SUMMARY_FROM} WHERE a.id = ?`,
    ).get(id) as (AlertRow & RuleGuideRow & { ecs: string }) | undefined;
    if (!row) return undefined;
    const { ecs, note, refs, query, source, ...summary } = row;
    const context: RuleContext = { references: JSON.parse(refs) as string[] };
    if (note !== null) context.note = note;
    if (query !== null) context.query = query;
    if (source !== null) context.source = source;
    const stored = parseStored(row.document);
    return { ...toSummary(summary, stored), document: toDocument(stored, ecs, row.count, row.uuid), rule_context: context, status_history: this.statusHistory(id) };
  }

  private statusHistory(id: number): StatusChangeRecord[] {
    const rows = this.statement('SELECT status, changed_by, changed_at, note FROM status_changes WHERE alert_id = ? ORDER BY id').all(id) as Array<{
      status: AlertStatus;
      changed_by: string | null;
      changed_at: number;
      note: string | null;
    }>;
    return rows.map((r) => ({ status: r.status, by: r.changed_by, at: new Date(r.changed_at).toISOString(), note: r.note }));
  }

  stats(range: StatsRange = {}): StoreStats {
    return collectStats(this.db, range, this.sizeBytes());
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

  close(): void {
    if (this.db.open) this.db.close();
  }

  /** Prepared once per SQL text: the text depends only on which filters are present. */
  protected statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }
}

interface Query {
  sql: string;
  params: unknown[];
}

/** `columns` of the matching alerts and their rules, in the filter's order and limit. */
function selectQuery(columns: string, filter: AlertFilter): Query {
  const where = whereClause(filter);
  const limit = filter.limit === undefined ? '' : 'LIMIT ?';
  const params = filter.limit === undefined ? where.params : [...where.params, filter.limit];
  return { sql: `SELECT ${columns} FROM ${SUMMARY_FROM} ${where.sql} ${orderClause(filter)} ${limit}`, params };
}

/** What `list` runs: the summaries of the matching alerts. */
export function listQuery(filter: AlertFilter): Query {
  return selectQuery(SUMMARY_COLUMNS, filter);
}

/** What `count` runs. */
export function countQuery(filter: AlertFilter): Query {
  const where = whereClause(filter);
  return { sql: `SELECT count(*) FROM alerts a ${where.sql}`, params: where.params };
}
