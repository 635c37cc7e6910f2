/**
 * ISO-8601 timestamps from ES's seconds + fraction, keeping the sub-millisecond digits Date would
 * drop. `digits` is 9 for message times (nanoseconds, as eslogger prints `time`) and 6 for process
 * start times (microseconds, as eslogger prints `start_time`), so entity ids built from either
 * source agree.
 */
export function isoFromEpoch(seconds: number, fraction: number, digits: 6 | 9): string {
  return `${secondsPrefix(seconds)}.${String(Math.trunc(fraction)).padStart(digits, '0')}Z`;
}

// Events arrive in bursts within the same second: formatting the date part once per second keeps
// this off the profile at hundreds of thousands of events per second.
let cachedSeconds = Number.NaN;
let cachedPrefix = '';

function secondsPrefix(seconds: number): string {
  if (seconds !== cachedSeconds) {
    cachedPrefix = new Date(seconds * 1000).toISOString().slice(0, 19);
    cachedSeconds = seconds;
  }
  return cachedPrefix;
}
