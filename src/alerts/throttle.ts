import type { RuleMetadata } from '../rules/rule.js';
import type { AlertDocument } from './alert-document.js';
import { parseDuration } from './duration.js';
import type { SuppressionDelta } from '../storage/alert-store.js';

/**
 * Streaming stand-in for Elastic's scheduled runs (which keep at most `max_signals` alerts per
 * run). Every alert is stored; the throttle only decides which ones are *notified* (sent to the
 * unified log and the NDJSON file) and which are merged into an identical one as a count:
 *
 * - an alert identical to one kept shortly before (same rule, parent entity, executable and args)
 *   is merged into it;
 * - otherwise it gets a row. It is notified unless its throttle key — (rule, parent executable,
 *   child executable) — has already notified `max_signals` alerts in this window of the rule's
 *   `interval`; then it is stored with its notification held back, and counted.
 *
 * Keys are per process tree, so a flood from a fake `emond` in a user's home never uses up the
 * budget of another parent, and an alert whose parent is a trusted emond path (config
 * `emondPaths`) is never held back at all. The key table is bounded (`maxKeys`): when it is full
 * and none of its keys' windows has ended, a *new* key shares its rule's overflow key instead of
 * evicting a known one, so a flood of distinct keys aggregates itself and leaves the quiet keys'
 * state alone. Every merge, hold-back and aggregation is counted (`counts()`, and per rule and
 * window in the summaries handed to the store).
 */

export type ThrottleRule = Pick<RuleMetadata, 'id' | 'name' | 'max_signals' | 'interval'>;

export interface ThrottleOptions {
  /** Identical alerts within this many ms of the kept one are merged into it (default 60 s). */
  mergeIntervalMs?: number;
  /** Window used when a rule's `interval` cannot be read (default 5 minutes, Elastic's default). */
  defaultWindowMs?: number;
  /** Distinct recent alerts remembered for merging; the oldest are forgotten past this. */
  maxTrackedAlerts?: number;
  /** Throttle keys (rule, parent executable, child executable) tracked at once (default 4096). */
  maxKeys?: number;
  /** Parent executables whose alerts are always notified (the agent passes config `emondPaths`). */
  trustedParents?: readonly string[];
}

/** What to do with an alert. `handle` identifies the stored alert an identical one merges into. */
export type ThrottleDecision<H> =
  | { action: 'keep'; handle: H; notify: boolean; trustedParent: boolean }
  | { action: 'merge'; handle: H };

/** Cumulative counts since the throttle was created; a periodic summary reports their deltas. */
export interface ThrottleCounts {
  /** Alerts stored as rows (notified or not). */
  kept: number;
  /** Alerts folded into an identical stored one (its count grows). */
  merged: number;
  /** Stored alerts whose notification was held back (their key was over max_signals). */
  heldBack: number;
  /** New throttle keys that found the key table full and were aggregated into their rule's overflow key. */
  keysAggregated: number;
  /** Keys in the table now (gauge). */
  keys: number;
}

interface WindowState {
  rule: ThrottleRule;
  start: number;
  end: number;
  /** Counts not yet handed out by takeSummaries(). */
  pending: { emitted: number; merged: number; suppressed: number };
  /** The window has a summary row: from then on every kept alert must reach it too. */
  summarised: boolean;
}

/** Notifications one throttle key has sent in its current window. */
interface KeyState {
  start: number;
  end: number;
  notified: number;
}

interface Tracked<H> {
  handle: H;
  at: number;
}

export const DEFAULT_MERGE_INTERVAL_MS = 60_000;
export const DEFAULT_WINDOW_MS = 5 * 60_000;
export const DEFAULT_MAX_THROTTLE_KEYS = 4096;
export const DEFAULT_MAX_TRACKED_ALERTS = 10_000;
/** The genuine emond (config `emondPaths`' default). */
export const DEFAULT_TRUSTED_PARENTS: readonly string[] = ['/sbin/emond'];

export class Throttle<H> {
  private readonly mergeIntervalMs: number;
  private readonly defaultWindowMs: number;
  private readonly maxTracked: number;
  private readonly maxKeys: number;
  private readonly trustedParents: ReadonlySet<string>;
  /** Current summary window per rule id (rules come from the admin, so this is bounded by them). */
  private readonly windows = new Map<string, WindowState>();
  /** Windows with counts that have not been handed to the store yet (including closed ones). */
  private readonly dirty = new Set<WindowState>();
  /** Recently kept alerts by merge key; Map order is insertion order, so the oldest come first. */
  private readonly recent = new Map<string, Tracked<H>>();
  /** Notification budget per throttle key, at most maxKeys of them. */
  private readonly keys = new Map<string, KeyState>();
  /** Per rule, the shared state of the keys that found the table full. */
  private readonly overflow = new Map<string, KeyState>();
  /** No key's window ends before this, so sweeping the table earlier would free nothing. */
  private sweepNotBefore = 0;
  private readonly totals = { kept: 0, merged: 0, heldBack: 0, keysAggregated: 0 };

  constructor(options: ThrottleOptions = {}) {
    this.mergeIntervalMs = options.mergeIntervalMs ?? DEFAULT_MERGE_INTERVAL_MS;
    this.defaultWindowMs = options.defaultWindowMs ?? DEFAULT_WINDOW_MS;
    this.maxTracked = options.maxTrackedAlerts ?? DEFAULT_MAX_TRACKED_ALERTS;
    this.maxKeys = Math.max(1, options.maxKeys ?? DEFAULT_MAX_THROTTLE_KEYS);
    this.trustedParents = new Set(options.trustedParents ?? DEFAULT_TRUSTED_PARENTS);
  }

  /**
   * Decides for one alert at its event time. `newHandle` is called only when the alert gets a row
   * of its own; what it returns is given back when later duplicates merge into that alert.
   */
  decide(alert: AlertDocument, rule: ThrottleRule, newHandle: (notify: boolean, trustedParent: boolean) => H): ThrottleDecision<H> {
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
    const parent = alert.process?.parent?.executable;
    const trustedParent = parent !== undefined && this.trustedParents.has(parent);
    let notify = true;
    if (!trustedParent) {
      const state = this.keyState(rule, throttleKey(alert), window);
      if (state.notified >= rule.max_signals) notify = false;
      else state.notified += 1;
    }
    this.totals.kept += 1;
    if (notify) {
      window.pending.emitted += 1;
      if (window.summarised) this.dirty.add(window);
    } else {
      window.pending.suppressed += 1;
      this.dirty.add(window);
      this.totals.heldBack += 1;
    }
    const handle = newHandle(notify, trustedParent);
    this.track(key, { handle, at });
    return { action: 'keep', handle, notify, trustedParent };
  }

  /**
   * The counts gathered since the last call, one delta per window that merged or held back
   * anything; the store adds them to that window's summary row (`suppressed` = held back).
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

  /** Totals since this throttle was created (cumulative: take deltas between two calls). */
  counts(): ThrottleCounts {
    return { ...this.totals, keys: this.keys.size };
  }

  /** Windows are aligned to multiples of the interval since the epoch, like a scheduler's runs. */
  private windowFor(rule: ThrottleRule, at: number): WindowState {
    const size = windowSize(rule, this.defaultWindowMs);
    const start = Math.floor(at / size) * size;
    const current = this.windows.get(rule.id);
    if (current && current.start === start) return current;
    // A window with emitted alerts but nothing held back needs no summary row; one that is still
    // dirty stays in `dirty` until it is taken, so closing it loses nothing.
    const window: WindowState = { rule, start, end: start + size, pending: { emitted: 0, merged: 0, suppressed: 0 }, summarised: false };
    this.windows.set(rule.id, window);
    return window;
  }

  /** The notification budget of `key` in `window`: its own, or its rule's overflow when the table is full. */
  private keyState(rule: ThrottleRule, key: string, window: WindowState): KeyState {
    const known = this.keys.get(key);
    if (known) return renewed(known, window);
    if (this.keys.size >= this.maxKeys) this.sweep(window.start);
    if (this.keys.size < this.maxKeys) {
      const state: KeyState = { start: window.start, end: window.end, notified: 0 };
      this.keys.set(key, state);
      this.sweepNotBefore = Math.min(this.sweepNotBefore || state.end, state.end);
      return state;
    }
    // Full of keys that are all still live: the newcomer shares its rule's overflow budget, so a
    // flood of distinct keys throttles itself instead of pushing out the keys already known.
    this.totals.keysAggregated += 1;
    let shared = this.overflow.get(rule.id);
    if (!shared) {
      shared = { start: window.start, end: window.end, notified: 0 };
      this.overflow.set(rule.id, shared);
    }
    return renewed(shared, window);
  }

  /** Forgets the keys whose window has ended (their budget would be renewed anyway). */
  private sweep(now: number): void {
    if (now < this.sweepNotBefore) return;
    let next = Number.POSITIVE_INFINITY;
    for (const [key, state] of this.keys) {
      if (state.end <= now) this.keys.delete(key);
      else next = Math.min(next, state.end);
    }
    this.sweepNotBefore = next;
  }

  private track(key: string, entry: Tracked<H>): void {
    this.recent.delete(key);
    this.recent.set(key, entry);
    // Forget the oldest beyond the cap, and anything already too old to merge with. A forgotten
    // alert costs only a merge: a later duplicate of it gets a row of its own.
    for (const [oldKey, old] of this.recent) {
      if (this.recent.size <= this.maxTracked && entry.at - old.at < this.mergeIntervalMs) break;
      this.recent.delete(oldKey);
    }
  }
}

function windowSize(rule: ThrottleRule, fallback: number): number {
  return parseDuration(rule.interval) ?? fallback;
}

/** A key's budget starts again with each window. */
function renewed(state: KeyState, window: WindowState): KeyState {
  if (state.start !== window.start) {
    state.start = window.start;
    state.end = window.end;
    state.notified = 0;
  }
  return state;
}

/** Same rule, same parent execution, same program, same arguments: the same alert. */
export function mergeKey(alert: AlertDocument): string {
  const p = alert.process;
  return JSON.stringify([alert.rule.id, p.parent?.entity_id ?? p.parent?.pid ?? null, p.executable, p.args]);
}

/** The notification budget is per rule, parent executable and child executable: per process tree. */
export function throttleKey(alert: AlertDocument): string {
  const p = alert.process;
  return JSON.stringify([alert.rule.id, p?.parent?.executable ?? p?.parent?.name ?? null, p?.executable ?? null]);
}

/** The alert's event time in ms; now when the document's time is unreadable. */
export function alertTime(alert: AlertDocument): number {
  const at = Date.parse(alert['@timestamp']);
  return Number.isFinite(at) ? at : Date.now();
}
