/**
 * Turning an offset into something a person can find: a 1-based line and column (counted in code
 * points, so an accented letter or an emoji is one column) and a two-line excerpt with a caret.
 * Shared by EQL errors (positions in a query) and rule-file errors (positions in a TOML file).
 */
import { printableKeepingTabs } from '../text/printable.js';

export interface LineColumn {
  /** 1-based. */
  line: number;
  /** 1-based, in code points. */
  column: number;
}

/** Line and column of a UTF-16 offset in `text`; offsets past the end point just after the last character. */
export function lineColumnAt(text: string, offset: number): LineColumn {
  const end = Math.max(0, Math.min(offset, text.length));
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: codePointLength(text.slice(lineStart, end)) + 1 };
}

/**
 * The source line holding `position` and a caret under the column. Tabs are kept in the padding so
 * the caret lines up in a terminal whatever its tab width. `indent` prefixes both lines.
 */
export function caretExcerpt(text: string, position: LineColumn, indent = '  '): string {
  const lines = text.split('\n');
  const raw = lines[position.line - 1] ?? '';
  const sourceLine = Array.from(raw.endsWith('\r') ? raw.slice(0, -1) : raw);
  // A long line (a minified query, a binary file) is cut to a window around the column.
  const start = Math.max(0, Math.min(position.column - 1 - EXCERPT_CONTEXT, sourceLine.length - 2 * EXCERPT_CONTEXT));
  const end = Math.min(sourceLine.length, start + 2 * EXCERPT_CONTEXT);
  // The file is not trusted: control characters are shown escaped (printable), tabs kept for the
  // alignment, and the caret moves past each escape's width.
  const shown = sourceLine.slice(start, end).map(printableKeepingTabs);
  const padding = shown
    .slice(0, position.column - 1 - start)
    .map((ch) => (ch === '\t' ? '\t' : ' '.repeat(Array.from(ch).length)))
    .join('');
  const line = `${start > 0 ? '…' : ''}${shown.join('')}${end < sourceLine.length ? '…' : ''}`;
  return `${indent}${line}\n${indent}${start > 0 ? ' ' : ''}${padding}^`;
}

/** Code points shown either side of the caret at most. */
const EXCERPT_CONTEXT = 60;

function codePointLength(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    // A high surrogate followed by a low one is a single code point.
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    count++;
  }
  return count;
}
