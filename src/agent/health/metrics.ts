/**
 * Counters the pipeline bumps as it works. Plain fields, no locking: everything runs on the one
 * JavaScript thread, and the status reporter only reads.
 */
export class AgentMetrics {
  events = 0;
  /** Lines or messages the source could not use (malformed, irrelevant). */
  skipped = 0;
  alerts = 0;
  suppressed = 0;
  kernelDrops = 0;
  queueDrops = 0;
  esThread: { messages: number; busyNs: number } | undefined;
  lastEventAt: string | null = null;
  lastAlertAt: string | null = null;

  countEvents(count: number, lastTimestamp: string | undefined): void {
    this.events += count;
    if (count > 0 && lastTimestamp) this.lastEventAt = lastTimestamp;
  }

  countAlerts(stored: number, suppressed: number, at: string): void {
    this.alerts += stored;
    this.suppressed += suppressed;
    if (stored > 0) this.lastAlertAt = at;
  }
}
