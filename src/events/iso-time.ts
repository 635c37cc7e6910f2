/**
 * Whether `text` starts like an ISO 8601 UTC date and time, `YYYY-MM-DDTHH:MM:SS`, with each part
 * in range. An event's time orders alerts and places them in `--since` windows, so a value that is
 * not a time makes its line a bad_field, not an alert filed at the wrong moment. Checked by
 * character, not Date.parse: this runs for every event of a multi-gigabyte trace.
 */
export function looksLikeIsoTime(text: string): boolean {
  if (text.length < 19) return false;
  if (text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45 || text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58) return false;
  const separator = text.charCodeAt(10);
  if (separator !== 84 && separator !== 116 && separator !== 32) return false; // T, t or a space
  const year = twoDigits(text, 0);
  const month = twoDigits(text, 5);
  const day = twoDigits(text, 8);
  return (
    year >= 0 && twoDigits(text, 2) >= 0 && month >= 1 && month <= 12 && day >= 1 && day <= 31 &&
    inRange(twoDigits(text, 11), 23) && inRange(twoDigits(text, 14), 59) && inRange(twoDigits(text, 17), 60)
  );
}

/** The two decimal digits at `at` as a number, or -1 when either is not a digit. */
function twoDigits(text: string, at: number): number {
  const tens = text.charCodeAt(at) - 48;
  const ones = text.charCodeAt(at + 1) - 48;
  return tens >= 0 && tens <= 9 && ones >= 0 && ones <= 9 ? tens * 10 + ones : -1;
}

function inRange(value: number, max: number): boolean {
  return value >= 0 && value <= max;
}
