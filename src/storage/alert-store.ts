import { UsageError } from '../errors.js';
import type { AgentEventInput } from './agent-events.js';
import { AlertInserts, type NewAlert } from './alert-inserts.js';
import { AlertReader } from './alert-reader.js';
import { SUMMARY_COLUMNS, SUMMARY_FROM, toSummary, type AlertRow, type AlertStatus, type AlertSummary } from './alert-rows.js';
import { DEFAULT_SYNCHRONOUS, openForReading, type OpenDatabaseOptions } from './open-database.js';
import { openForWriting } from './open-writable.js';
import type { QuarantineRecord } from './quarantine.js';
import { prune, releaseFreePages, usedBytes, type PruneResult, type RetentionPolicy } from './retention.js';
import { StoreError } from './store-errors.js';
import { WriterCheckpoints } from './writer-checkpoints.js';

export type { NewAlert } from './alert-inserts.js';
export { countQuery, listQuery, type SuppressionSummary } from './alert-reader.js';

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

export interface AlertStoreOptions extends OpenDatabaseOptions {
  /** Clock for created/status times and the agent events; injectable for tests. */
  now?: () => number;
  /**
   * Writers: once this many alerts have been committed through this connection, WAL checkpoints
   * move to a thread of their own (see WalCheckpointer), so they never stall a commit and, under
   * `synchronous = normal`, reach the disk within a pass of the commit. Default 1: the first alert
   * starts the thread, and an agent that never alerts or a CLI command that only triages never
   * starts one. 0 starts it at open; false keeps SQLite's automatic checkpoints in the commit.
   */
  backgroundCheckpointAfter?: number | false;
}

const DEFAULT_BACKGROUND_CHECKPOINT_AFTER = 1;

export interface StatusChange {
  by: string;
  note?: string;
}

/**
 * The SQLite alert store (DESIGN §9). One instance owns one connection: the agent and `scan`
 * open it for writing; the CLI's reads open an AlertReader (or this, read-only) while the agent
 * writes (WAL).
 */
export class AlertStore extends AlertReader {
  /** Set when the file at `file` was corrupt and was moved aside for a new one at this open. */
  readonly quarantined: QuarantineRecord | undefined;
  /** Schema versions before and after this open's migrations. */
  readonly migrated: { from: number; to: number };

  private readonly now: () => number;
  /** Writers only. */
  private readonly checkpoints: WriterCheckpoints | undefined;
  private readonly inserts: AlertInserts;

  static override open(file: string, options: AlertStoreOptions = {}): AlertStore {
    return new AlertStore(file, options);
  }

  private constructor(file: string, options: AlertStoreOptions) {
    const now = options.now ?? Date.now;
    const readonly = options.readonly ?? false;
    const opened = readonly ? openForReading(file, options) : openForWriting(file, { ...options, now });
    super(file, opened.db, readonly);
    this.now = now;
    this.quarantined = opened.quarantined;
    this.migrated = opened.migrated;
    this.inserts = new AlertInserts(this.db, this.now);
    if (!readonly) {
      this.checkpoints = new WriterCheckpoints(this.db, {
        file,
        synchronous: options.synchronous ?? DEFAULT_SYNCHRONOUS,
        threadAfter: options.backgroundCheckpointAfter ?? DEFAULT_BACKGROUND_CHECKPOINT_AFTER,
        onThreadFailure: (reason) =>
          this.recordAgentEvent({
            kind: 'store_failure',
            message: `the WAL checkpoint thread stopped (${reason}); checkpoints run in the writer again`,
            detail: { checkpointer: reason },
          }),
      });
    }
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
      const ids = this.inserts.insert(b.alerts ?? []);
      for (const merge of b.merges ?? []) this.statement(MERGE_SQL).run({ id: merge.id, add: merge.add, lastSeen: merge.lastSeen });
      for (const delta of b.suppressions ?? []) this.statement(SUPPRESSION_SQL).run(delta);
      for (const event of b.events ?? []) this.insertAgentEvent(event);
      return ids;
    });
    try {
      const ids = write.immediate(batch);
      this.checkpoints?.committed(ids.length);
      return ids;
    } catch (error) {
      this.inserts.rolledBack();
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

  /**
   * Acknowledges or resolves an alert; throws `E_ALERT_NOT_FOUND` (a usage error) for an unknown id.
   * The alert row holds the latest change; status_changes keeps every one (`alerts show`).
   */
  setStatus(id: number, status: AlertStatus, change: StatusChange): AlertSummary {
    const at = this.now();
    const note = change.note ?? null;
    const changed = this.db
      .transaction(() => {
        const rows = this.statement('UPDATE alerts SET status = ?, status_by = ?, status_at = ?, status_note = ? WHERE id = ?').run(
          status,
          change.by,
          at,
          note,
          id,
        ).changes;
        if (rows > 0) {
          this.statement('INSERT INTO status_changes (alert_id, status, changed_by, changed_at, note) VALUES (?, ?, ?, ?, ?)').run(
            id,
            status,
            change.by,
            at,
            note,
          );
        }
        return rows;
      })
      .immediate();
    if (changed === 0) {
      throw new UsageError(`no alert with id ${id} in ${this.file}; \`emondguard alerts list\` shows the ids`, {
        code: 'E_ALERT_NOT_FOUND',
      });
    }
    return toSummary(this.statement(`SELECT ${SUMMARY_COLUMNS} FROM ${SUMMARY_FROM} WHERE a.id = ?`).get(id) as AlertRow);
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

  /** Bytes the live data takes, what the size cap is measured against. */
  usedBytes(): number {
    return usedBytes(this.db);
  }

  override close(): void {
    this.checkpoints?.stop();
    super.close();
  }

  private insertAgentEvent(event: AgentEventInput): void {
    this.statement(
      'INSERT INTO agent_events (time, kind, message, count, detail) VALUES (?, ?, ?, ?, ?)',
    ).run(event.time ?? this.now(), event.kind, event.message, event.count ?? null, event.detail ? JSON.stringify(event.detail) : null);
  }

}

// A repeat merged into an alert whose notification was held back is held back with it.
const MERGE_SQL = `UPDATE alerts SET count = count + @add, last_seen = max(coalesce(last_seen, 0), @lastSeen),
  notifications_held_back = notifications_held_back + CASE WHEN notifications_held_back > 0 THEN @add ELSE 0 END
  WHERE id = @id`;

const SUPPRESSION_SQL = `INSERT INTO suppressions (rule_id, rule_name, window_start, window_end, emitted, merged, suppressed)
  VALUES (@ruleId, @ruleName, @windowStart, @windowEnd, @emitted, @merged, @suppressed)
  ON CONFLICT (rule_id, window_start) DO UPDATE SET
    emitted = emitted + excluded.emitted,
    merged = merged + excluded.merged,
    suppressed = suppressed + excluded.suppressed`;
