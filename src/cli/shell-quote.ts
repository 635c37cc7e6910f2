import { ansiCQuoted } from '../text/ansi-c-quote.js';
import { printable } from '../text/printable.js';

/**
 * A path or word as it can be pasted into a POSIX shell: as is when safe, else single-quoted; text
 * with characters a terminal would act on or hide (ESC, bidi overrides, newlines…) in `$'…'` with
 * escapes, so pasting it gives back the same path and printing it drives nothing.
 */
export function shellQuoted(text: string): string {
  if (/^[\w@%+=:,./-]+$/.test(text)) return text;
  if (printable(text) !== text) return ansiCQuoted(text);
  return `'${text.replaceAll("'", "'\\''")}'`;
}
