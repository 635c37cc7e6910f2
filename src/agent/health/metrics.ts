/**
 * Counters the pipeline bumps as it works. Plain fields, no locking: everything runs on the one
 * JavaScript thread, and the status reporter only reads.
 */
export class AgentMetrics {
  events = 0;
  /** Lines or messages the source could not use (malformed, irrelevant). */
  skipped = 0;
  /** Alerts stored, notified or not (each becomes a row; the writer commits it within a turn). */
  alerts = 0;
  /** Alerts folded into an identical kept one (its count grows). */
  merged = 0;
  /**
   * The part of `alerts` whose notification (unified log, NDJSON) the throttle held back: over
   * max_signals for their rule, parent and program in a window. Stored all the same.
   */
  heldBack = 0;
  kernelDrops = 0;
  queueDrops = 0;
  /** The part of queueDrops lost to the hand-off queue's byte budget (queueMaxMB). */
  queueByteDrops = 0;
  /** Bytes waiting in the hand-off queue at the last refresh. */
  queueBytes = 0;
  esThread: { messages: number; busyNs: number } | undefined;
  lastEventAt: string | null = null;
  lastAlertAt: string | null = null;

  countEvents(count: number, lastTimestamp: string | undefined): void {
    this.events += count;
    if (count > 0 && lastTimestamp) this.lastEventAt = lastTimestamp;
  }

  /** One alert from the pipeline, by what the throttle did with it. */
  countAlert(outcome: 'keep' | 'merge' | 'held-back', at: string): void {
    if (outcome === 'merge') {
      this.merged++;
    } else {
      this.alerts++;
      if (outcome === 'held-back') this.heldBack++;
    }
    this.lastAlertAt = at;
  }
}
