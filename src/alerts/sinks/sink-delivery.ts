import type { StoredAlert } from '../stored-alert.js';
import type { AlertSink } from './alert-sink.js';

/**
 * Hands alerts to one sink in order, and when the sink fails keeps them, reports it, and retries
 * with exponential backoff. The alerts are already in the store, so even a backlog that
 * overflows (the oldest are dropped, counted and reported) loses no alert — only this copy.
 *
 * A priority alert (its parent is a trusted emond path) goes ahead of the ordinary ones, and the
 * overflow sheds ordinary alerts first: a local user's flood of decoys can delay or displace only
 * other decoys. Between two writes the queue yields to the event loop, so a backlog being written
 * never holds up the database commits and the events behind it.
 */

export interface SinkDeliveryOptions {
  /** Alerts waiting for this sink at most; past it the oldest are dropped and counted. */
  maxQueue?: number;
  /** Alerts per write call. */
  maxBatch?: number;
  retryDelayMs?: number;
  maxRetryDelayMs?: number;
  /** Called on the first failure of a streak and then on every retry that fails. */
  onFailure?: (sink: string, error: unknown, attempt: number, queued: number) => void;
  onRecovered?: (sink: string, failedAttempts: number) => void;
  onOverflow?: (sink: string, dropped: number) => void;
}

export interface SinkDeliveryStats {
  sink: string;
  delivered: number;
  failures: number;
  queued: number;
  dropped: number;
  lastError: string | null;
}

export class SinkDelivery {
  readonly sink: AlertSink;
  private readonly options: Required<Pick<SinkDeliveryOptions, 'maxQueue' | 'maxBatch' | 'retryDelayMs' | 'maxRetryDelayMs'>> &
    SinkDeliveryOptions;
  /** Waiting priority alerts (trusted emond parents), oldest first: written before any ordinary one. */
  private priority: StoredAlert[] = [];
  /** Waiting ordinary alerts, oldest first. */
  private ordinary: StoredAlert[] = [];
  /** The batch being written: out of both queues, so shedding never counts it as dropped. */
  private inFlight = 0;
  private pumping: Promise<void> | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private failedAttempts = 0;
  private readonly counters = { delivered: 0, failures: 0, dropped: 0 };
  private lastError: string | null = null;

  constructor(sink: AlertSink, options: SinkDeliveryOptions = {}) {
    this.sink = sink;
    this.options = { maxQueue: 10_000, maxBatch: 1000, retryDelayMs: 250, maxRetryDelayMs: 30_000, ...options };
  }

  deliver(alerts: readonly StoredAlert[]): void {
    for (const alert of alerts) (alert.priority ? this.priority : this.ordinary).push(alert);
    const excess = this.waiting() + this.inFlight - this.options.maxQueue;
    if (excess > 0) {
      // The oldest ordinary alerts first; priority ones only when no ordinary one is left.
      const ordinary = Math.min(excess, this.ordinary.length);
      this.ordinary.splice(0, ordinary);
      const priority = Math.min(excess - ordinary, this.priority.length);
      this.priority.splice(0, priority);
      this.counters.dropped += ordinary + priority;
      if (ordinary + priority > 0) this.options.onOverflow?.(this.sink.name, ordinary + priority);
    }
    if (!this.retryTimer) void this.pump();
  }

  /**
   * Waits for what is queued to be written, retrying failures immediately until `deadline`
   * (ms since the epoch). Returns whether the queue is empty.
   */
  async drain(deadline: number): Promise<boolean> {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    while (Date.now() < deadline) {
      await this.pump();
      if (this.waiting() === 0) return true;
      await new Promise((resolve) => setTimeout(resolve, Math.min(this.options.retryDelayMs, Math.max(0, deadline - Date.now()))));
    }
    return this.waiting() === 0;
  }

  stats(): SinkDeliveryStats {
    return { sink: this.sink.name, ...this.counters, queued: this.waiting() + this.inFlight, lastError: this.lastError };
  }

  private waiting(): number {
    return this.priority.length + this.ordinary.length;
  }

  private pump(): Promise<void> {
    this.pumping ??= this.writeQueued().finally(() => {
      this.pumping = undefined;
      // Alerts delivered while the last write was finishing found this pump still running: start
      // another for them, or they would wait for the next delivery.
      if (this.waiting() > 0 && !this.retryTimer) void this.pump();
    });
    return this.pumping;
  }

  private async writeQueued(): Promise<void> {
    while (this.waiting() > 0) {
      // Priority alerts alone in their batch: a few lines, not stuck behind a thousand decoys.
      const from = this.priority.length > 0 ? this.priority : this.ordinary;
      const batch = from.splice(0, this.options.maxBatch);
      this.inFlight = batch.length;
      try {
        await this.sink.write(batch);
      } catch (error) {
        // Back at the front of their queue, to be retried first.
        from.unshift(...batch);
        this.inFlight = 0;
        this.failedAttempts += 1;
        this.counters.failures += 1;
        this.lastError = error instanceof Error ? error.message : String(error);
        this.options.onFailure?.(this.sink.name, error, this.failedAttempts, this.waiting());
        this.scheduleRetry();
        return;
      }
      this.inFlight = 0;
      this.counters.delivered += batch.length;
      if (this.failedAttempts > 0) {
        this.options.onRecovered?.(this.sink.name, this.failedAttempts);
        this.failedAttempts = 0;
      }
      // A sink that writes synchronously resolves at once: without this the whole backlog would be
      // written in one turn, ahead of every commit and event batch waiting behind it.
      if (this.waiting() > 0) await new Promise((resolve) => setImmediate(resolve));
    }
  }

  private scheduleRetry(): void {
    if (this.retryTimer) return;
    const delay = Math.min(this.options.retryDelayMs * 2 ** (this.failedAttempts - 1), this.options.maxRetryDelayMs);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.pump();
    }, delay);
    this.retryTimer.unref();
  }
}
