import type Database from 'better-sqlite3';
import type { AlertDocument } from '../alerts/alert-document.js';
import { pushInsertValues, ruleBlockJson, type RuleContext } from './alert-rows.js';

/**
 * Writes alert rows and the rules rows they point to, inside the caller's transaction. This is
 * the store's hot path under a flood, so it keeps per-alert work down: positional values, many
 * rows per INSERT statement, and a rule block serialised once per rule rather than per alert.
 */

/** An alert to insert, with the rule context `alerts show` needs later. */
export interface NewAlert {
  document: AlertDocument;
  context?: RuleContext;
  /** Identical alerts already folded into this one before it was written (default 1). */
  count?: number;
  /** When the last of those happened, ms since the epoch. */
  lastSeen?: number;
  /** False when the throttle held its notification back (default true). */
  notified?: boolean;
  /** Its parent is a trusted emond path: pruned last (default false). */
  trustedParent?: boolean;
}

/** Rows per multi-row INSERT (the store benchmark's profile: about 2 µs less per row than one by one). */
const INSERT_CHUNK = 100;

export class AlertInserts {
  private readonly db: Database.Database;
  private readonly now: () => number;
  private chunkInsert: Database.Statement | undefined;
  private singleInsert: Database.Statement | undefined;
  private upsertRuleStatement: Database.Statement | undefined;
  /** rules.ecs → rules.id for the rule blocks this connection has written. */
  private readonly ruleIds = new Map<string, number>();
  /** The same, by the identity of a document's rule and threat objects. */
  private ruleIdsByObject = new WeakMap<object, WeakMap<object, number>>();

  constructor(db: Database.Database, now: () => number) {
    this.db = db;
    this.now = now;
  }

  /**
   * Inserts the alerts INSERT_CHUNK rows per statement (one statement's bookkeeping — cursors
   * on the table and its indexes, reset — for many rows), the rest one by one. Returns their ids.
   */
  insert(alerts: readonly NewAlert[]): number[] {
    const ids: number[] = [];
    let next = 0;
    if (alerts.length >= INSERT_CHUNK) {
      this.chunkInsert ??= this.db.prepare(insertSql(INSERT_CHUNK));
      const values: unknown[] = [];
      for (; next + INSERT_CHUNK <= alerts.length; next += INSERT_CHUNK) {
        values.length = 0;
        for (let i = next; i < next + INSERT_CHUNK; i++) this.pushValues(values, alerts[i] as NewAlert);
        // A rowid table without AUTOINCREMENT gives each new row max(rowid) + 1, so the rows of
        // one statement have consecutive ids ending at the last one.
        const last = Number(this.chunkInsert.run(values).lastInsertRowid);
        for (let i = 0; i < INSERT_CHUNK; i++) ids.push(last - INSERT_CHUNK + 1 + i);
      }
    }
    if (next < alerts.length) this.singleInsert ??= this.db.prepare(insertSql(1));
    for (; next < alerts.length; next++) {
      const values: unknown[] = [];
      this.pushValues(values, alerts[next] as NewAlert);
      ids.push(Number((this.singleInsert as Database.Statement).run(values).lastInsertRowid));
    }
    return ids;
  }

  /** The transaction failed: rules rows inserted in it are gone, so forget their ids. */
  rolledBack(): void {
    this.ruleIds.clear();
    this.ruleIdsByObject = new WeakMap();
  }

  private pushValues(values: unknown[], alert: NewAlert): void {
    const ruleRef = this.ruleRef(alert.document, alert.context);
    pushInsertValues(values, alert, ruleRef, this.now());
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
    this.upsertRuleStatement ??= this.db.prepare(UPSERT_RULE_SQL).pluck();
    const id = this.upsertRuleStatement.get({
      rule_id: document.rule.id,
      version: document.rule.version,
      name: document.rule.name,
      severity: document.rule.severity,
      risk_score: document.rule.risk_score,
      ecs,
      note: context?.note ?? null,
      refs: context?.references ? JSON.stringify(context.references) : null,
      query: context?.query ?? null,
      source: context?.source ?? null,
    }) as number;
    this.ruleIds.set(ecs, id);
    return id;
  }
}

/** An INSERT of `rows` alerts, values in pushInsertValues' order. */
function insertSql(rows: number): string {
  const row = '(?, ?, ?, ?, ?, ?, ?, ?, ?)';
  return `INSERT INTO alerts (timestamp, created, rule_ref, count, last_seen, uuid, notifications_held_back, prune_rank, document) VALUES ${Array(rows).fill(row).join(', ')}`;
}

// A rule block seen again keeps its row; a guide or references learnt later fill in what was missing.
const UPSERT_RULE_SQL = `INSERT INTO rules (rule_id, version, name, severity, risk_score, ecs, note, refs, query, source)
  VALUES (@rule_id, @version, @name, @severity, @risk_score, @ecs, @note, coalesce(@refs, '[]'), @query, @source)
  ON CONFLICT (ecs) DO UPDATE SET
    note = coalesce(rules.note, excluded.note),
    refs = CASE WHEN rules.refs = '[]' THEN excluded.refs ELSE rules.refs END,
    query = coalesce(rules.query, excluded.query),
    source = coalesce(rules.source, excluded.source)
  RETURNING id`;
