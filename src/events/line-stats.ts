import type { ProcessAction } from './exec-event.js';
import type { MalformedReason } from './errors.js';
import type { InputFormat } from './parsed-line.js';

/** How many line references to keep per skip reason: enough to find them, bounded whatever the input. */
export const KEPT_LINE_REFERENCES = 5;

export interface SkippedLines {
  count: number;
  /** `file:line` of the first few, in input order. */
  first: string[];
}

/**
 * What a reader made of its input, for the scan summary and the agent's counters: every line is
 * either an event, irrelevant (well-formed, not a process event we use), blank, or skipped as
 * malformed with a reason.
 */
export class LineStats {
  lines = 0;
  blank = 0;
  events = 0;
  readonly eventsByAction: Record<ProcessAction, number> = { exec: 0, fork: 0, exit: 0 };
  readonly eventsByFormat: Record<InputFormat, number> = { eslogger: 0, ecs: 0 };
  /** Lines with invalid UTF-8, kept with U+FFFD in place of the bad bytes. */
  lossyUtf8 = 0;
  readonly irrelevant = new Map<string, number>();
  readonly skipped = new Map<MalformedReason, SkippedLines>();

  recordEvent(format: InputFormat, action: ProcessAction): void {
    this.events++;
    this.eventsByAction[action]++;
    this.eventsByFormat[format]++;
  }

  recordIrrelevant(reason: string): void {
    this.irrelevant.set(reason, (this.irrelevant.get(reason) ?? 0) + 1);
  }

  recordSkipped(reason: MalformedReason, where: string): void {
    let entry = this.skipped.get(reason);
    if (entry === undefined) {
      entry = { count: 0, first: [] };
      this.skipped.set(reason, entry);
    }
    entry.count++;
    if (entry.first.length < KEPT_LINE_REFERENCES) entry.first.push(where);
  }

  get skippedTotal(): number {
    let total = 0;
    for (const entry of this.skipped.values()) total += entry.count;
    return total;
  }

  get irrelevantTotal(): number {
    let total = 0;
    for (const count of this.irrelevant.values()) total += count;
    return total;
  }

  toJSON(): object {
    return {
      lines: this.lines,
      blank: this.blank,
      events: this.events,
      events_by_action: this.eventsByAction,
      events_by_format: this.eventsByFormat,
      lossy_utf8: this.lossyUtf8,
      irrelevant: Object.fromEntries(this.irrelevant),
      skipped: Object.fromEntries(this.skipped),
    };
  }
}
