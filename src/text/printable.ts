/**
 * Text from the host — command lines, rule names, file names — is attacker-controlled: a terminal
 * escape sequence in it could rewrite what an administrator sees, and a bidi override (U+202E…)
 * could make `rm -rf` read as something harmless. Every control character, line separator and
 * bidi control becomes a visible escape. One function for every place that prints such text.
 */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069]/g, (ch) => {
    if (ch === '\n') return '\\n';
    if (ch === '\t') return '\\t';
    if (ch === '\r') return '\\r';
    const code = ch.codePointAt(0) ?? 0;
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** printable() for text laid out with tabs (a source line above its caret): tabs stay tabs. */
export function printableKeepingTabs(text: string): string {
  return text.split('\t').map(printable).join('\t');
}
