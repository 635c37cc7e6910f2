/**
 * Makes text from an audited file safe to print on a terminal. Rule names, commands and file
 * names are attacker-controlled: an escape sequence in them could rewrite what the admin sees (or
 * hide a line), so every control character is shown as a visible escape instead.
 */
export function displayText(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069]/g, (ch) => {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '\n') return '\\n';
    if (ch === '\t') return '\\t';
    if (ch === '\r') return '\\r';
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

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
