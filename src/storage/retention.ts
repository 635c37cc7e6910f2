import type Database from 'better-sqlite3';
import type { AgentConfig } from '../config/keys.js';

/** How much history the store keeps. Both limits are optional; pruning removes oldest first. */
export interface RetentionPolicy {
  /** Alerts, summaries and agent events older than this many days are removed. */
  maxAgeDays?: number;
  /**
   * The database's size cap in bytes: alerts go until the data fits, least important first —
   * held-back repeats, resolved alerts, then the oldest of the rest (see PRUNE_TIERS).
   */
  maxBytes?: number;
}

export const DEFAULT_RETENTION: Required<RetentionPolicy> = {
  maxAgeDays: 90,
  maxBytes: 1024 * 1024 * 1024,
};

/** The policy the agent's configuration sets (`retentionDays`, `maxDatabaseMB`). */
export function configuredRetention(config: Pick<AgentConfig, 'retentionDays' | 'maxDatabaseMB'>): Required<RetentionPolicy> {
  return { maxAgeDays: config.retentionDays, maxBytes: config.maxDatabaseMB * 2 ** 20 };
}

export interface PruneResult {
  /** Alerts removed because they were older than the retention. */
  removedByAge: number;
  /** Alerts removed to get under the size cap. */
  removedBySize: number;
  /** Suppression summaries and agent events removed by age. */
  removedOther: number;
  bytesBefore: number;
  bytesAfter: number;
}

/**
 * The cap could not be met: every alert went and the data is still larger (the schema, suppression
 * summaries and agent events are removed by age only). Said, so nobody wonders where the alerts went.
 */
export function sizeCapOutOfReach(result: PruneResult, policy: RetentionPolicy): boolean {
  return policy.maxBytes !== undefined && result.bytesAfter > policy.maxBytes;
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** Delete in slices so one prune never holds the write lock long enough to stall the agent. */
const SLICE_ROWS = 5000;

/** Bytes the database's live pages take (free pages are handed back by incremental vacuum). */
export function usedBytes(db: Database.Database): number {
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  const pages = db.pragma('page_count', { simple: true }) as number;
  const free = db.pragma('freelist_count', { simple: true }) as number;
  return (pages - free) * pageSize;
}

/** Deletes what the policy excludes; call inside a transaction, then releaseFreePages(). */
export function prune(db: Database.Database, policy: RetentionPolicy, now: number): PruneResult {
  const bytesBefore = usedBytes(db);
  let removedByAge = 0;
  let removedOther = 0;
  if (policy.maxAgeDays !== undefined) {
    const cutoff = now - policy.maxAgeDays * DAY_MS;
    removedByAge = deleteInSlices(db, 'DELETE FROM alerts WHERE id IN (SELECT id FROM alerts WHERE timestamp < ? LIMIT ?)', cutoff);
    removedOther += db.prepare('DELETE FROM suppressions WHERE window_end < ?').run(cutoff).changes;
    removedOther += db.prepare('DELETE FROM agent_events WHERE time < ?').run(cutoff).changes;
  }
  let removedBySize = 0;
  if (policy.maxBytes !== undefined) removedBySize = shrinkTo(db, policy.maxBytes);
  // The triage history of alerts that are gone (few rows: only triaged alerts have any).
  if (removedByAge + removedBySize > 0) {
    db.prepare('DELETE FROM status_changes WHERE alert_id NOT IN (SELECT id FROM alerts)').run();
  }
  return { removedByAge, removedBySize, removedOther, bytesBefore, bytesAfter: usedBytes(db) };
}

function deleteInSlices(db: Database.Database, sql: string, cutoff: number): number {
  const statement = db.prepare(sql);
  let total = 0;
  for (;;) {
    const { changes } = statement.run(cutoff, SLICE_ROWS);
    total += changes;
    if (changes < SLICE_ROWS) return total;
  }
}

/**
 * What size-cap pruning removes, least important first. Each tier goes oldest first; the next
 * tier is touched only once the previous one is empty. The newest open alert of each rule is
 * spared by every tier but the last, so it goes only when nothing older or larger is left.
 */
const PRUNE_TIERS: ReadonlyArray<{ name: string; where: string }> = [
  // The flood past a throttle key's max_signals: stored, counted, never notified.
  // (`prune_rank != 1` repeats the partial index's condition, which is how SQLite picks it.)
  { name: 'held back', where: 'prune_rank != 1 AND prune_rank = 0' },
  { name: 'resolved', where: "status = 'resolved'" },
  { name: 'ordinary', where: 'prune_rank = 1' },
  // Alerts whose parent is a trusted emond path (config emondPaths): the real thing.
  { name: 'trusted parent', where: 'prune_rank != 1 AND prune_rank = 2' },
  { name: 'newest open per rule', where: '1' },
];

/** Ids of the newest open alert of every rule (by rule_id, across rule versions). */
const NEWEST_OPEN_SQL = `SELECT max(a.id) FROM alerts a JOIN rules r ON r.id = a.rule_ref
  WHERE a.status = 'open' GROUP BY r.rule_id`;

/** Removes alerts, least important first (PRUNE_TIERS), until the live data fits `maxBytes`. */
function shrinkTo(db: Database.Database, maxBytes: number): number {
  const countAlerts = db.prepare('SELECT count(*) FROM alerts').pluck();
  const spared = JSON.stringify(db.prepare(NEWEST_OPEN_SQL).pluck().all());
  let removed = 0;
  for (const [index, tier] of PRUNE_TIERS.entries()) {
    const last = index === PRUNE_TIERS.length - 1;
    const sparing = last ? '' : 'AND id NOT IN (SELECT value FROM json_each(?))';
    const deleteOldest = db.prepare(
      `DELETE FROM alerts WHERE id IN (SELECT id FROM alerts WHERE ${tier.where} ${sparing} ORDER BY timestamp ASC, id ASC LIMIT ?)`,
    );
    for (let round = 0; round < 100; round++) {
      const used = usedBytes(db);
      if (used <= maxBytes) return removed;
      const rows = countAlerts.get() as number;
      if (rows === 0) return removed;
      // Aim a little below the cap, from the average row size, so the loop ends in a round or two
      // and the next few alerts do not push the file straight back over.
      const perRow = used / rows;
      const excess = used - maxBytes * 0.95;
      const toDelete = Math.min(rows, Math.max(1, Math.ceil(excess / perRow)), SLICE_ROWS * 20);
      const changes = (last ? deleteOldest.run(toDelete) : deleteOldest.run(spared, toDelete)).changes;
      removed += changes;
      if (changes === 0) break;
    }
  }
  return removed;
}

/** Run after the pruning transaction has committed (neither pragma works inside one). */
export function releaseFreePages(db: Database.Database): void {
  // Only files created with auto_vacuum = INCREMENTAL shrink; others reuse the pages later.
  db.pragma('incremental_vacuum');
  // Move the shrunken pages into the main file now; PASSIVE never waits on readers.
  db.pragma('wal_checkpoint(PASSIVE)');
}
