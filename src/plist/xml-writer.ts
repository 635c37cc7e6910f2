import { PlistError } from './plist-error.js';
import { isPlistDict, type PlistValue } from './plist-value.js';

/**
 * Writes a value as an XML property list in the layout Apple's tools produce (tab indentation,
 * the standard DOCTYPE), so generated profiles and launchd plists diff cleanly against
 * hand-written ones. Dict keys keep their insertion order.
 */
export function toXmlPlist(value: PlistValue): string {
  const lines: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
    '<plist version="1.0">',
  ];
  writeValue(value, 0, lines, new Set());
  lines.push('</plist>', '');
  return lines.join('\n');
}

function writeValue(value: PlistValue, depth: number, lines: string[], path: Set<object>): void {
  const indent = '\t'.repeat(depth);
  if (typeof value === 'string') {
    lines.push(`${indent}<string>${escapeText(value)}</string>`);
  } else if (typeof value === 'boolean') {
    lines.push(`${indent}<${value ? 'true' : 'false'}/>`);
  } else if (typeof value === 'bigint') {
    if (value < -(2n ** 63n) || value >= 2n ** 64n) fail(`the integer ${value} does not fit in 64 bits`);
    lines.push(`${indent}<integer>${value}</integer>`);
  } else if (typeof value === 'number') {
    lines.push(`${indent}${formatNumber(value)}`);
  } else if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) fail('an invalid Date');
    lines.push(`${indent}<date>${value.toISOString().replace(/\.\d{3}Z$/, 'Z')}</date>`);
  } else if (value instanceof Uint8Array) {
    writeData(value, indent, lines);
  } else if (Array.isArray(value)) {
    enter(value, path);
    if (value.length === 0) lines.push(`${indent}<array/>`);
    else {
      lines.push(`${indent}<array>`);
      for (const item of value) writeValue(item, depth + 1, lines, path);
      lines.push(`${indent}</array>`);
    }
    path.delete(value);
  } else if (isPlistDict(value)) {
    enter(value, path);
    const entries = Object.entries(value);
    if (entries.length === 0) lines.push(`${indent}<dict/>`);
    else {
      lines.push(`${indent}<dict>`);
      for (const [key, item] of entries) {
        if (item === undefined) continue;
        lines.push(`${indent}\t<key>${escapeText(key)}</key>`);
        writeValue(item, depth + 1, lines, path);
      }
      lines.push(`${indent}</dict>`);
    }
    path.delete(value);
  } else {
    fail(`a ${value === null ? 'null' : typeof value} has no plist form`);
  }
}

function formatNumber(value: number): string {
  if (Number.isInteger(value) && !Object.is(value, -0)) return `<integer>${value}</integer>`;
  if (Number.isNaN(value)) return '<real>nan</real>';
  if (value === Number.POSITIVE_INFINITY) return '<real>+infinity</real>';
  if (value === Number.NEGATIVE_INFINITY) return '<real>-infinity</real>';
  return `<real>${Object.is(value, -0) ? '-0.0' : String(value)}</real>`;
}

function writeData(bytes: Uint8Array, indent: string, lines: string[]): void {
  const base64 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  if (base64.length <= 68) {
    lines.push(`${indent}<data>${base64}</data>`);
    return;
  }
  lines.push(`${indent}<data>`);
  for (let i = 0; i < base64.length; i += 68) lines.push(`${indent}${base64.slice(i, i + 68)}`);
  lines.push(`${indent}</data>`);
}

/** Escapes text for element content; refuses characters XML 1.0 cannot carry at all. */
function escapeText(text: string): string {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/.test(text) || /[\uD800-\uDFFF]/.test(stripPairs(text))) {
    fail(`the string ${JSON.stringify(text.slice(0, 40))} contains a character XML cannot represent`);
  }
  // A raw CR would be folded into LF by any conforming XML reader; the reference keeps it.
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;');
}

/** Removes well-formed surrogate pairs so a lone surrogate left over can be detected. */
function stripPairs(text: string): string {
  return text.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, '');
}

function enter(container: object, path: Set<object>): void {
  if (path.has(container)) fail('a value that contains itself');
  path.add(container);
}

function fail(message: string): never {
  throw new PlistError('E_PLIST_VALUE', `cannot write a plist: ${message}`);
}
