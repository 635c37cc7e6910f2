import { ansiCQuoted } from '../text/ansi-c-quote.js';
import { printable } from '../text/printable.js';
/**
 * A command line for display: each word shell-quoted when it needs to be, so the admin sees exactly
 * which arguments emond would pass (`sh -c 'curl … | sh'`, not an ambiguous join). A word with
 * characters a terminal would act on or hide is shown as `$'…'` with escapes: visible, and
 * unambiguous (a real newline is `$'a\nb'`, a backslash-n `'a\nb'`).
 */
export function displayCommand(command: string, args: readonly string[]): string {
  return [command, ...args].map(quoteWord).join(' ');
}

function quoteWord(word: string): string {
  if (word !== '' && /^[\w@%+=:,./-]+$/.test(word)) return word;
  if (printable(word) !== word) return ansiCQuoted(word);
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
