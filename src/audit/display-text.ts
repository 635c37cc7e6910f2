import { printable } from '../text/printable.js';
/**
 * A command line for display: each word shell-quoted when it needs to be, so the admin sees exactly
 * which arguments emond would pass (`sh -c 'curl … | sh'`, not an ambiguous join).
 */
export function displayCommand(command: string, args: readonly string[]): string {
  return [command, ...args].map(quoteWord).join(' ');
}

function quoteWord(word: string): string {
  if (word !== '' && /^[\w@%+=:,./-]+$/.test(word)) return printable(word);
  return `'${printable(word).replace(/'/g, `'\\''`)}'`;
}
