import type { AgentEventInput } from '../storage/agent-events.js';
import type { AlertStore, MergeUpdate, NewAlert, SuppressionDelta } from '../storage/alert-store.js';
import { ensureAlertId } from './alert-id.js';
import type { StoredAlert } from './stored-alert.js';

/**
 * Batches writes to the alert store. A lone alert is committed on the next turn of the event
 * loop (setImmediate: well under a millisecond later); under a flood, everything that arrived
 * during one turn — typically a whole batch from the event source — goes in one transaction, so
 * the commit rate, not the alert rate, bounds the fsyncs. A failed commit keeps its batch and
 * retries with backoff; nothing is dropped while the backlog is under `maxPending`.
 */

/**
 * A kept alert: queued until committed, then known by its row id. Duplicates merge into it. Once
 * committed the document is let go (the throttle remembers up to maxTrackedAlerts handles, and
 * those must not pin that many attacker-sized documents in memory).
 */
export interface PendingAlert {
  alert: (NewAlert & { count: number }) | undefined;
  id?: number;
}

export interface AlertWriterOptions {
  /** Commit as soon as this many alerts are queued, without waiting for the turn to end. */
  maxBatch?: number;
  /**
   * Commit an alert whose parent is trusted (emondPaths) on its own as it arrives (default true:
   * the daemon). `scan --db` turns it off: a recorded trace is its author's, and nobody waits.
   */
  priorityCommits?: boolean;
  /** Alerts kept while the store fails; past this the oldest go to `onUnstored`. */
  maxPending?: number;
  /** First retry delay after a failed commit; doubles up to `maxRetryDelayMs`. */
  retryDelayMs?: number;
  maxRetryDelayMs?: number;
  /** Called after each successful commit with the alerts it inserted, in order. */
  onCommitted?: (alerts: StoredAlert[]) => void;
  /** Called when a commit fails (the batch is kept and retried). */
  onError?: (error: unknown, pendingAlerts: number) => void;
  /** Called when a commit succeeds after failures. */
  onRecovered?: (failedAttempts: number) => void;
  /** Alerts given up on by the store because the backlog overflowed. */
  onUnstored?: (alerts: StoredAlert[]) => void;
  /** Supplies throttling summaries to write with each commit. */
  takeSummaries?: () => SuppressionDelta[];
}

export interface AlertWriterStats {
  committedAlerts: number;
  commits: number;
  failedCommits: number;
  pendingAlerts: number;
  unstoredAlerts: number;
  largestBatch: number;
}

export class AlertWriter {
  private readonly store: AlertStore;
  private readonly options: Required<Pick<AlertWriterOptions, 'maxBatch' | 'maxPending' | 'retryDelayMs' | 'maxRetryDelayMs'>> &
    AlertWriterOptions;
  private queue: PendingAlert[] = [];
  private merges = new Map<PendingAlert, { add: number; lastSeen: number }>();
  private events: AgentEventInput[] = [];
  private summaries: SuppressionDelta[] = [];
  private immediate: NodeJS.Immediate | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private failedAttempts = 0;
  private closed = false;
  private readonly counters: AlertWriterStats = {
    committedAlerts: 0, commits: 0, failedCommits: 0, pendingAlerts: 0, unstoredAlerts: 0, largestBatch: 0,
  };

  constructor(store: AlertStore, options: AlertWriterOptions = {}) {
    this.store = store;
    this.options = { maxBatch: 5000, maxPending: 100_000, retryDelayMs: 100, maxRetryDelayMs: 5000, ...options };
  }

  /** Queues a new alert; returns the handle identical alerts merge into. */
  add(alert: NewAlert): PendingAlert {
    ensureAlertId(alert.document);
    const pending: PendingAlert = { alert: { ...alert, count: alert.count ?? 1 } };
    this.queue.push(pending);
    // The genuine emond's child: committed now, on its own, not after the thousands of decoys a
    // local user may have queued ahead of it in this turn (only root can make emond spawn, so this
    // costs one small commit per real alert and cannot be used to force commits).
    if (alert.trustedParent && this.options.priorityCommits !== false && this.failedAttempts === 0 && !this.closed) this.commitAlone(pending);
    else if (this.queue.length >= this.options.maxBatch && this.failedAttempts === 0) this.flush();
    else this.requestFlush();
    this.shedOverflow();
    return pending;
  }

  /** Folds one identical alert seen at `at` into `into`. */
  merge(into: PendingAlert, at: number): void {
    if (into.id === undefined && into.alert) {
      // Not written yet: the insert carries the count.
      into.alert.count += 1;
      into.alert.lastSeen = Math.max(into.alert.lastSeen ?? 0, at);
      return;
    }
    const update = this.merges.get(into);
    if (update) {
      update.add += 1;
      update.lastSeen = Math.max(update.lastSeen, at);
    } else {
      this.merges.set(into, { add: 1, lastSeen: at });
    }
    this.requestFlush();
  }

  /** Queues an agent event to commit with the next batch. */
  addEvent(event: AgentEventInput): void {
    this.events.push({ ...event, time: event.time ?? Date.now() });
    this.requestFlush();
  }

  /**
   * Commits everything queued, now. Returns true when the store has it all; on failure the
   * batch stays queued, a retry is scheduled, and false is returned.
   */
  flush(): boolean {
    this.cancelImmediate();
    if (this.options.takeSummaries) this.summaries.push(...this.options.takeSummaries());
    if (this.queue.length === 0 && this.merges.size === 0 && this.events.length === 0 && this.summaries.length === 0) {
      return true;
    }
    const batch = this.queue;
    const merges: MergeUpdate[] = [...this.merges].map(([handle, m]) => ({ id: handle.id as number, ...m }));
    let ids: number[];
    try {
      ids = this.store.commit({
        alerts: batch.map((p) => p.alert as NewAlert),
        merges,
        suppressions: this.summaries,
        events: this.events,
      });
    } catch (error) {
      this.failedAttempts += 1;
      this.counters.failedCommits += 1;
      this.options.onError?.(error, batch.length);
      this.scheduleRetry();
      return false;
    }
    this.queue = [];
    this.merges = new Map();
    this.events = [];
    this.summaries = [];
    const stored: StoredAlert[] = batch.map((pending, i) => committed(pending, ids[i] as number));
    this.counters.commits += 1;
    this.counters.committedAlerts += stored.length;
    this.counters.largestBatch = Math.max(this.counters.largestBatch, stored.length);
    if (this.failedAttempts > 0) {
      this.options.onRecovered?.(this.failedAttempts);
      this.failedAttempts = 0;
      if (this.retryTimer) clearTimeout(this.retryTimer);
      this.retryTimer = undefined;
    }
    if (stored.length > 0) this.options.onCommitted?.(stored);
    return true;
  }

  /**
   * Commits one queued alert by itself, ahead of the rest of the queue. On failure it stays queued
   * and the whole queue goes through flush(), which counts the failure and retries with backoff.
   */
  private commitAlone(pending: PendingAlert): void {
    let ids: number[];
    try {
      ids = this.store.commit({ alerts: [pending.alert as NewAlert], merges: [], suppressions: [], events: [] });
    } catch {
      // The store is failing: the ordinary path counts it, reports it and retries with backoff
      // (and while it fails, later trusted alerts wait in the queue like the rest).
      this.flush();
      return;
    }
    this.queue.splice(this.queue.indexOf(pending), 1);
    const stored = committed(pending, ids[0] as number);
    this.counters.commits += 1;
    this.counters.committedAlerts += 1;
    this.counters.largestBatch = Math.max(this.counters.largestBatch, 1);
    this.options.onCommitted?.([stored]);
  }

  stats(): AlertWriterStats {
    return { ...this.counters, pendingAlerts: this.queue.length };
  }

  /** Last commit attempt; stops scheduling. Returns whether everything reached the store. */
  close(): boolean {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    return this.flush();
  }

  /** Commits on the next turn of the event loop (no-op while one is already due). */
  requestFlush(): void {
    if (this.immediate || this.retryTimer || this.closed) return;
    this.immediate = setImmediate(() => {
      this.immediate = undefined;
      this.flush();
    });
  }

  private cancelImmediate(): void {
    if (this.immediate) clearImmediate(this.immediate);
    this.immediate = undefined;
  }

  private scheduleRetry(): void {
    if (this.closed || this.retryTimer) return;
    const delay = Math.min(this.options.retryDelayMs * 2 ** (this.failedAttempts - 1), this.options.maxRetryDelayMs);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.flush();
    }, delay);
    // A pending retry alone must not keep a finished scan alive; close() makes the last attempt.
    this.retryTimer.unref();
  }

  /** Past `maxPending` (the store has been failing for long), hand the oldest alerts on unstored. */
  private shedOverflow(): void {
    const excess = this.queue.length - this.options.maxPending;
    if (excess <= 0) return;
    const shed = this.queue.splice(0, excess);
    this.counters.unstoredAlerts += shed.length;
    this.options.onUnstored?.(
      shed.map((p) => ({ id: null, ...notification(p.alert as NewAlert) })),
    );
  }
}

/** The handle now knows its row; the document is let go (see PendingAlert). */
function committed(pending: PendingAlert, id: number): StoredAlert {
  pending.id = id;
  const alert = pending.alert as NewAlert;
  pending.alert = undefined;
  return { id, ...notification(alert) };
}

function notification(alert: NewAlert): Omit<StoredAlert, 'id'> {
  return { document: alert.document, notify: alert.notified !== false, ...(alert.trustedParent ? { priority: true } : {}) };
}
