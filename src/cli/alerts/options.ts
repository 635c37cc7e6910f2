import { InvalidArgumentError } from 'commander';
import { parseDuration } from '../../alerts/duration.js';
import type { Severity } from '../../rules/rule.js';
import { ALERT_STATUSES, type AlertStatus } from '../../storage/alert-rows.js';

/**
 * Parsers for the `alerts` options. Each throws commander's InvalidArgumentError with the form
 * expected, so a bad value exits 2 with a message that says what to type instead.
 */

const SEVERITIES: readonly Severity[] = ['low', 'medium', 'high', 'critical'];
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * `24h`/`7d` (that long before now) or an ISO 8601 date or time. A date alone is midnight UTC; a
 * time without an offset is UTC too, so the same command means the same on every Mac.
 */
export function parseTimeBound(text: string, now: number = Date.now()): number {
  const duration = parseDuration(text);
  if (duration !== undefined) return now - duration;
  if (ISO_DATE.test(text.trim())) {
    let iso = text.trim().replace(' ', 'T');
    if (/^\d{4}-\d{2}-\d{2}$/.test(iso)) iso += 'T00:00:00Z';
    else if (!/(Z|[+-]\d{2}:?\d{2})$/.test(iso)) iso += 'Z';
    const ms = Date.parse(iso);
    if (Number.isFinite(ms)) return ms;
  }
  throw new InvalidArgumentError(
    'expected a duration before now (30m, 24h, 7d, 2w) or an ISO 8601 date/time (2025-08-07, 2025-08-07T13:21:00Z)',
  );
}

export function parseLimit(text: string): number {
  if (!/^\d{1,9}$/.test(text.trim())) throw new InvalidArgumentError('expected a whole number of alerts (0 for no limit)');
  return Number(text);
}

export function parseAlertId(text: string): number {
  if (!/^\d{1,15}$/.test(text.trim()) || Number(text) < 1) {
    throw new InvalidArgumentError('expected an alert id, a positive whole number as `emondguard alerts list` shows');
  }
  return Number(text);
}

/** Comma-separated and repeatable: `--severity high,critical` or `--severity high --severity critical`. */
export function collectSeverities(text: string, previous: Severity[] = []): Severity[] {
  return [...previous, ...splitList(text, SEVERITIES, 'severity')];
}

export function collectStatuses(text: string, previous: AlertStatus[] = []): AlertStatus[] {
  return [...previous, ...splitList(text, ALERT_STATUSES, 'status')];
}

/** Rule names may hold commas, so `--rule` is repeatable but never split. */
export function collectRules(text: string, previous: string[] = []): string[] {
  if (text.trim() === '') throw new InvalidArgumentError('expected a rule id or name');
  return [...previous, text];
}

function splitList<T extends string>(text: string, allowed: readonly T[], what: string): T[] {
  const values = text.split(',').map((v) => v.trim().toLowerCase());
  for (const value of values) {
    if (!(allowed as readonly string[]).includes(value)) {
      throw new InvalidArgumentError(`unknown ${what} "${value}"; expected ${allowed.join(', ')} (comma-separated)`);
    }
  }
  return values as T[];
}

export function choice<T extends string>(allowed: readonly T[]): (text: string) => T {
  return (text) => {
    if (!(allowed as readonly string[]).includes(text)) throw new InvalidArgumentError(`expected one of ${allowed.join(', ')}`);
    return text as T;
  };
}

const SIZE = /^(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)?$/i;
const SIZE_UNITS: Record<string, number> = {
  b: 1, kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12, kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30, tib: 2 ** 40,
};

export function parseSize(text: string): number {
  const match = SIZE.exec(text.trim());
  if (!match) throw new InvalidArgumentError('expected a size such as 500MB, 1GiB or 1073741824');
  const bytes = Number(match[1]) * (SIZE_UNITS[(match[2] ?? 'b').toLowerCase()] as number);
  if (!Number.isFinite(bytes) || bytes < 1) throw new InvalidArgumentError('expected a size of at least 1 byte');
  return Math.floor(bytes);
}

export function parseDays(text: string): number {
  const duration = parseDuration(text);
  if (duration !== undefined && duration > 0) return duration / (24 * 60 * 60 * 1000);
  if (/^\d{1,6}$/.test(text.trim()) && Number(text) > 0) return Number(text);
  throw new InvalidArgumentError('expected a number of days (90) or a duration (90d, 12w)');
}
