import { printable } from '../text/printable.js';

/** Text from an audited file, safe to print (see printable). */
export const displayText = printable;

/**
 * A command line for display: each word shell-quoted when it needs to be, so the admin sees exactly
 * which arguments emond would pass (`sh -c 'curl … | sh'`, not an ambiguous join).
 */
export function displayCommand(command: string, args: readonly string[]): string {
  return [command, ...args].map(quoteWord).join(' ');
}

function quoteWord(word: string): string {
  if (word !== '' && /^[\w@%+=:,./-]+$/.test(word)) return displayText(word);
  return `'${displayText(word).replace(/'/g, `'\\''`)}'`;
}
