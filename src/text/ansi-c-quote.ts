import { printable } from './printable.js';

/**
 * `$'…'` (ANSI-C quoting, zsh and bash) for a word holding characters printable() escapes: each
 * becomes `\n`/`\t`/`\r`, `\xHH` (ASCII controls), `\uHHHH` or `\UHHHHHHHH`, `\` and `'` are
 * backslashed, everything else stays. The shell reads it back as the same text, and the terminal
 * shows every character — unlike printable() inside plain single quotes, where `\n` would be
 * ambiguous with a real backslash-n.
 */
export function ansiCQuoted(text: string): string {
  return `$'${[...text].map(ansiC).join('')}'`;
}

function ansiC(ch: string): string {
  if (ch === '\\' || ch === "'") return `\\${ch}`;
  if (printable(ch) === ch) return ch;
  if (ch === '\n') return '\\n';
  if (ch === '\t') return '\\t';
  if (ch === '\r') return '\\r';
  const code = ch.codePointAt(0) ?? 0;
  // \xHH is a byte in $'…': only for ASCII, so U+009B becomes its UTF-8 encoding, not a raw 0x9B.
  if (code < 0x80) return `\\x${code.toString(16).padStart(2, '0')}`;
  return code <= 0xffff ? `\\u${code.toString(16).padStart(4, '0')}` : `\\U${code.toString(16).padStart(8, '0')}`;
}
