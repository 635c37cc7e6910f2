/**
 * ISO-8601 timestamps from ES's seconds + fraction, keeping the sub-millisecond digits Date would
 * drop. `digits` is 9 for message times (nanoseconds, as eslogger prints `time`) and 6 for process
 * start times (microseconds, as eslogger prints `start_time`), so entity ids built from either
 * source agree.
 */
export function isoFromEpoch(seconds: number, fraction: number, digits: 6 | 9): string {
  const whole = new Date(seconds * 1000).toISOString().slice(0, 19);
  return `${whole}.${String(Math.trunc(fraction)).padStart(digits, '0')}Z`;
}
