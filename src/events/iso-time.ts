/**
 * Whether `text` starts like an ISO 8601 UTC date and time, `YYYY-MM-DDTHH:MM:SS`, with each part
 * in range. An event's time orders alerts and places them in `--since` windows, so a value that is
 * not a time makes its line a bad_field, not an alert filed at the wrong moment. Checked by
 * character, not Date.parse: this runs for every event of a multi-gigabyte trace.
 */
export function looksLikeIsoTime(text: string): boolean {
  if (text.length < 19) return false;
  for (const at of DIGIT_POSITIONS) {
    const code = text.charCodeAt(at);
    if (code < 48 || code > 57) return false;
  }
  if (text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45 || text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58) return false;
  const separator = text.charCodeAt(10);
  if (separator !== 84 && separator !== 116 && separator !== 32) return false; // T, t or a space
  const month = twoDigits(text, 5);
  const day = twoDigits(text, 8);
  return month >= 1 && month <= 12 && day >= 1 && day <= 31 && twoDigits(text, 11) < 24 && twoDigits(text, 14) < 60 && twoDigits(text, 17) <= 60;
}

const DIGIT_POSITIONS = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18];

function twoDigits(text: string, at: number): number {
  return (text.charCodeAt(at) - 48) * 10 + (text.charCodeAt(at + 1) - 48);
}
