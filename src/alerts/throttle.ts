import type { RuleMetadata } from '../rules/rule.js';
import type { AlertDocument } from './alert-document.js';
import { parseDuration } from './duration.js';
import type { SuppressionDelta } from '../storage/alert-store.js';

/**
 * Streaming stand-in for Elastic's scheduled runs (which keep at most `max_signals` alerts per
 * run): per rule, at most `max_signals` alerts are kept per window of the rule's `interval`, and
 * an alert identical to one kept shortly before (same rule, parent entity, executable and args)
 * is merged into it as a count. Nothing is dropped silently: every merge and suppression is
 * counted per window and handed to the store as a summary row.
 */

export type ThrottleRule = Pick<RuleMetadata, 'id' | 'name' | 'max_signals' | 'interval'>;

export interface ThrottleOptions {
  /** Identical alerts within this many ms of the kept one are merged into it (default 60 s). */
  mergeIntervalMs?: number;
  /** Window used when a rule's `interval` cannot be read (default 5 minutes, Elastic's default). */
  defaultWindowMs?: number;
  /** Distinct recent alerts remembered for merging; the oldest are forgotten past this. */
  maxTrackedAlerts?: number;
}

/** What to do with an alert. `handle` identifies the kept alert an identical one merges into. */
export type ThrottleDecision<H> =
  | { action: 'keep'; handle: H }
  | { action: 'merge'; handle: H }
  | { action: 'suppress'; windowStart: number };

export interface ThrottleCounts {
  kept: number;
  merged: number;
  suppressed: number;
}

interface WindowState {
  rule: ThrottleRule;
  start: number;
  end: number;
  kept: number;
  /** Counts not yet handed out by takeSummaries(). */
  pending: { emitted: number; merged: number; suppressed: number };
  /** The window has a summary row: from then on every kept alert must reach it too. */
  summarised: boolean;
}

interface Tracked<H> {
  handle: H;
  at: number;
}

export const DEFAULT_MERGE_INTERVAL_MS = 60_000;
export const DEFAULT_WINDOW_MS = 5 * 60_000;

export class Throttle<H> {
  private readonly mergeIntervalMs: number;
  private readonly defaultWindowMs: number;
  private readonly maxTracked: number;
  /** Current window per rule id. */
  private readonly windows = new Map<string, WindowState>();
  /** Windows with counts that have not been handed to the store yet (including closed ones). */
  private readonly dirty = new Set<WindowState>();
  /** Recently kept alerts by merge key; Map order is insertion order, so the oldest come first. */
  private readonly recent = new Map<string, Tracked<H>>();
  private readonly totals: ThrottleCounts = { kept: 0, merged: 0, suppressed: 0 };

  constructor(options: ThrottleOptions = {}) {
    this.mergeIntervalMs = options.mergeIntervalMs ?? DEFAULT_MERGE_INTERVAL_MS;
    this.defaultWindowMs = options.defaultWindowMs ?? DEFAULT_WINDOW_MS;
    this.maxTracked = options.maxTrackedAlerts ?? 10_000;
  }

  /**
   * Decides for one alert at its event time. `newHandle` is called only when the alert is kept;
   * what it returns is given back when later duplicates merge into that alert.
   */
  decide(alert: AlertDocument, rule: ThrottleRule, newHandle: () => H): ThrottleDecision<H> {
    const at = alertTime(alert);
    const window = this.windowFor(rule, at);
    const key = mergeKey(alert);
    const previous = this.recent.get(key);
    if (previous && Math.abs(at - previous.at) < this.mergeIntervalMs) {
      window.pending.merged += 1;
      this.dirty.add(window);
      this.totals.merged += 1;
      return { action: 'merge', handle: previous.handle };
    }
    if (window.kept >= rule.max_signals) {
      window.pending.suppressed += 1;
      this.dirty.add(window);
      this.totals.suppressed += 1;
      return { action: 'suppress', windowStart: window.start };
    }
    window.kept += 1;
    window.pending.emitted += 1;
    if (window.summarised) this.dirty.add(window);
    this.totals.kept += 1;
    const handle = newHandle();
    this.track(key, { handle, at });
    return { action: 'keep', handle };
  }

  /**
   * The counts gathered since the last call, one delta per window that merged or suppressed
   * anything; the store adds them to that window's summary row.
   */
  takeSummaries(): SuppressionDelta[] {
    const deltas: SuppressionDelta[] = [];
    for (const window of this.dirty) {
      const { emitted, merged, suppressed } = window.pending;
      deltas.push({
        ruleId: window.rule.id,
        ruleName: window.rule.name,
        windowStart: window.start,
        windowEnd: window.end,
        emitted,
        merged,
        suppressed,
      });
      window.pending = { emitted: 0, merged: 0, suppressed: 0 };
      window.summarised = true;
    }
    this.dirty.clear();
    return deltas;
  }

  /** Totals since this throttle was created. */
  counts(): ThrottleCounts {
    return { ...this.totals };
  }

  /** Windows are aligned to multiples of the interval since the epoch, like a scheduler's runs. */
  private windowFor(rule: ThrottleRule, at: number): WindowState {
    const size = parseDuration(rule.interval) ?? this.defaultWindowMs;
    const start = Math.floor(at / size) * size;
    const current = this.windows.get(rule.id);
    if (current && current.start === start) return current;
    // A window with emitted alerts but no merge/suppression needs no summary row; one that is
    // still dirty stays in `dirty` until it is taken, so closing it loses nothing.
    const window: WindowState = { rule, start, end: start + size, kept: 0, pending: { emitted: 0, merged: 0, suppressed: 0 }, summarised: false };
    this.windows.set(rule.id, window);
    return window;
  }

  private track(key: string, entry: Tracked<H>): void {
    this.recent.delete(key);
    this.recent.set(key, entry);
    // Forget the oldest beyond the cap, and anything already too old to merge with.
    for (const [oldKey, old] of this.recent) {
      if (this.recent.size <= this.maxTracked && entry.at - old.at < this.mergeIntervalMs) break;
      this.recent.delete(oldKey);
    }
  }
}

/** Same rule, same parent execution, same program, same arguments: the same alert. */
export function mergeKey(alert: AlertDocument): string {
  const p = alert.process;
  return JSON.stringify([alert.rule.id, p.parent?.entity_id ?? p.parent?.pid ?? null, p.executable, p.args]);
}

/** The alert's event time in ms; now when the document's time is unreadable. */
export function alertTime(alert: AlertDocument): number {
  const at = Date.parse(alert['@timestamp']);
  return Number.isFinite(at) ? at : Date.now();
}
