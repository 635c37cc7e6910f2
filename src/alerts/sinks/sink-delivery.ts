import type { StoredAlert } from '../stored-alert.js';
import type { AlertSink } from './alert-sink.js';

/**
 * Hands alerts to one sink in order, and when the sink fails keeps them, reports it, and retries
 * with exponential backoff. The alerts are already in the store, so even a backlog that
 * overflows (the oldest are dropped, counted and reported) loses no alert — only this copy.
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
  private queue: StoredAlert[] = [];
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
    this.queue.push(...alerts);
    const excess = this.queue.length - this.options.maxQueue;
    if (excess > 0) {
      this.queue.splice(0, excess);
      this.counters.dropped += excess;
      this.options.onOverflow?.(this.sink.name, excess);
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
      if (this.queue.length === 0) return true;
      await new Promise((resolve) => setTimeout(resolve, Math.min(this.options.retryDelayMs, Math.max(0, deadline - Date.now()))));
    }
    return this.queue.length === 0;
  }

  stats(): SinkDeliveryStats {
    return { sink: this.sink.name, ...this.counters, queued: this.queue.length, lastError: this.lastError };
  }

  private pump(): Promise<void> {
    this.pumping ??= this.writeQueued().finally(() => {
      this.pumping = undefined;
    });
    return this.pumping;
  }

  private async writeQueued(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.slice(0, this.options.maxBatch);
      try {
        await this.sink.write(batch);
      } catch (error) {
        this.failedAttempts += 1;
        this.counters.failures += 1;
        this.lastError = error instanceof Error ? error.message : String(error);
        this.options.onFailure?.(this.sink.name, error, this.failedAttempts, this.queue.length);
        this.scheduleRetry();
        return;
      }
      // Remove what was written; deliver() may have shed from the front meanwhile.
      const written = this.queue.indexOf(batch[batch.length - 1] as StoredAlert);
      this.queue.splice(0, written + 1);
      this.counters.delivered += batch.length;
      if (this.failedAttempts > 0) {
        this.options.onRecovered?.(this.sink.name, this.failedAttempts);
        this.failedAttempts = 0;
      }
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
