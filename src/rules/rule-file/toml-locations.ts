import { lineColumnAt, type LineColumn } from '../source-excerpt.js';

/**
 * Finding keys and the query inside the raw TOML text, so errors point at the file's own lines.
 * smol-toml reports positions only for syntax errors; these helpers read the text the way a
 * person would (the table header, then `key =`), and give up — returning undefined — whenever
 * the file is written in a way they do not recognise, rather than point at the wrong place.
 */

/** Where `key = …` stands in the `[table]` section (for `rule.severity`: table `rule`, key `severity`). */
export function locateKey(text: string, table: string, key: string): LineColumn | undefined {
  const section = sectionBounds(text, table);
  if (!section) return undefined;
  const pattern = new RegExp(`^[ \\t]*${escapeRegExp(key)}[ \\t]*=`, 'm');
  const body = text.slice(section.start, section.end);
  const match = pattern.exec(body);
  if (!match) return undefined;
  const offset = section.start + match.index + (match[0].length - match[0].trimStart().length);
  return lineColumnAt(text, offset);
}

/** Where the `[table]` header is. */
export function locateTable(text: string, table: string): LineColumn | undefined {
  const section = sectionBounds(text, table);
  return section ? lineColumnAt(text, section.header) : undefined;
}

/**
 * The offset in the file where the parsed `query` string starts, if the file holds it verbatim
 * (a literal `'''…'''` or a basic string without escapes), so query positions map 1:1 onto the file.
 */
export function locateQueryText(text: string, query: string): number | undefined {
  const section = sectionBounds(text, 'rule');
  if (!section) return undefined;
  const keyPattern = /^[ \t]*query[ \t]*=[ \t]*('''|"""|'|")/m;
  const match = keyPattern.exec(text.slice(section.start, section.end));
  if (!match) return undefined;
  const delimiter = match[1] ?? '';
  let start = section.start + match.index + match[0].length;
  // TOML drops a line break that directly follows the opening of a multi-line string.
  if (delimiter.length === 3) {
    if (text.startsWith('\r\n', start)) start += 2;
    else if (text[start] === '\n') start += 1;
  }
  return text.startsWith(query, start) ? start : undefined;
}

interface Section {
  /** Offset of the `[table]` header. */
  header: number;
  /** The section body: from after the header line to the next header (or the end). */
  start: number;
  end: number;
}

function sectionBounds(text: string, table: string): Section | undefined {
  const header = new RegExp(`^[ \\t]*\\[[ \\t]*${escapeRegExp(table)}[ \\t]*\\][ \\t]*(?:#.*)?$`, 'm').exec(text);
  if (!header) return undefined;
  const start = header.index + header[0].length;
  const next = /^[ \t]*\[/m.exec(text.slice(start));
  return { header: header.index, start, end: next ? start + next.index : text.length };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
