/**
 * ISO-8601 timestamps from ES's seconds + fraction, keeping the sub-millisecond digits Date would
 * drop. `digits` is 9 for message times (nanoseconds, as eslogger prints `time`) and 6 for process
 * start times (microseconds, as eslogger prints `start_time`), so entity ids built from either
 * source agree.
 */
export function isoFromEpoch(seconds: number, fraction: number, digits: 6 | 9): string {
  const cache = digits === 9 ? messageTimes : startTimes;
  return `${cache.prefix(seconds)}.${String(Math.trunc(fraction)).padStart(digits, '0')}Z`;
}

/**
 * Events arrive in bursts within the same second, so the date part is formatted once per second.
 * Message times and start times each get their own cache: they are different seconds, and one
 * shared slot would be overwritten on every call.
 */
class SecondsPrefixCache {
  #seconds = Number.NaN;
  #prefix = '';

  prefix(seconds: number): string {
    if (seconds !== this.#seconds) {
      this.#prefix = new Date(seconds * 1000).toISOString().slice(0, 19);
      this.#seconds = seconds;
    }
    return this.#prefix;
  }
}

const messageTimes = new SecondsPrefixCache();
const startTimes = new SecondsPrefixCache();
