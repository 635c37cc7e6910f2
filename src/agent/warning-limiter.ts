/**
 * Lets a kind of warning through once per interval. A drop storm reports on every batch; the log
 * needs to know it is happening, not read it a thousand times a second (the counts are in the
 * status file and the store's agent events).
 */
export class WarningLimiter {
  private readonly last = new Map<string, number>();

  constructor(
    private readonly intervalMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  allow(kind: string): boolean {
    const now = this.now();
    const previous = this.last.get(kind);
    if (previous !== undefined && now - previous < this.intervalMs) return false;
    this.last.set(kind, now);
    return true;
  }
}
