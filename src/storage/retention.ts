import type Database from 'better-sqlite3';
import type { AgentConfig } from '../config/keys.js';

/** How much history the store keeps. Both limits are optional; pruning removes oldest first. */
export interface RetentionPolicy {
  /** Alerts, summaries and agent events older than this many days are removed. */
  maxAgeDays?: number;
  /** The database's size cap in bytes: the oldest alerts go until the data fits. */
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

/** Removes the oldest alerts until the live data fits `maxBytes` (or no alert is left). */
function shrinkTo(db: Database.Database, maxBytes: number): number {
  const countAlerts = db.prepare('SELECT count(*) FROM alerts').pluck();
  const deleteOldest = db.prepare(
    'DELETE FROM alerts WHERE id IN (SELECT id FROM alerts ORDER BY timestamp ASC, id ASC LIMIT ?)',
  );
  let removed = 0;
  for (let round = 0; round < 100; round++) {
    const used = usedBytes(db);
    if (used <= maxBytes) break;
    const rows = countAlerts.get() as number;
    if (rows === 0) break;
    // Aim a little below the cap, from the average row size, so the loop ends in a round or two
    // and the next few alerts do not push the file straight back over.
    const perRow = used / rows;
    const excess = used - maxBytes * 0.95;
    const toDelete = Math.min(rows, Math.max(1, Math.ceil(excess / perRow)));
    removed += deleteOldest.run(Math.min(toDelete, SLICE_ROWS * 20)).changes;
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
