import { EventParseError } from './errors.js';

/**
 * Typed checks of fields of parsed JSON. Every failure is an EventParseError naming the field by
 * its dotted path, so a skipped line can be explained ("bad_field: event.exec.args[2]").
 *
 * Callers read the field themselves (`field(raw['ppid'], 'process', 'ppid')`) and pass its
 * value: a constant property name is a fast named load for V8, where a helper indexing with a
 * variable key would be a slow generic one, and these run for every field of millions of lines.
 * The path is passed as a prefix and a key and only joined when reporting.
 */

export type JsonObject = { [key: string]: unknown };

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A non-negative safe integer (pids, uids, sequence numbers, versions). */
export function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

export function fieldPath(prefix: string, key: string): string {
  return prefix === '' ? key : `${prefix}.${key}`;
}

export function missing(prefix: string, key: string): EventParseError {
  const path = fieldPath(prefix, key);
  return new EventParseError('missing_field', `required field ${path} is missing`, { field: path });
}

export function bad(path: string, expected: string, value: unknown): EventParseError {
  return new EventParseError('bad_field', `field ${path} should be ${expected}, got ${describeJson(value)}`, { field: path });
}

function describeJson(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return value.length > 40 ? `a string "${value.slice(0, 40)}…"` : `"${value}"`;
  if (typeof value === 'object') return 'an object';
  return String(value);
}

/** `undefined` and JSON `null` both mean "absent" in eslogger and ECS output. */
export function absent(value: unknown): value is null | undefined {
  return value === undefined || value === null;
}

export function objectField(value: unknown, prefix: string, key: string): JsonObject {
  if (absent(value)) throw missing(prefix, key);
  if (!isJsonObject(value)) throw bad(fieldPath(prefix, key), 'an object', value);
  return value;
}

export function optionalObjectField(value: unknown, prefix: string, key: string): JsonObject | undefined {
  if (absent(value)) return undefined;
  if (!isJsonObject(value)) throw bad(fieldPath(prefix, key), 'an object', value);
  return value;
}

export function stringField(value: unknown, prefix: string, key: string): string {
  if (absent(value)) throw missing(prefix, key);
  if (typeof value !== 'string') throw bad(fieldPath(prefix, key), 'a string', value);
  return value;
}

export function optionalStringField(value: unknown, prefix: string, key: string): string | undefined {
  if (absent(value)) return undefined;
  if (typeof value !== 'string') throw bad(fieldPath(prefix, key), 'a string', value);
  return value;
}

export function countField(value: unknown, prefix: string, key: string): number {
  if (absent(value)) throw missing(prefix, key);
  if (!isCount(value)) throw bad(fieldPath(prefix, key), 'a non-negative integer', value);
  return value;
}

export function optionalCountField(value: unknown, prefix: string, key: string): number | undefined {
  if (absent(value)) return undefined;
  if (!isCount(value)) throw bad(fieldPath(prefix, key), 'a non-negative integer', value);
  return value;
}

export function optionalBooleanField(value: unknown, prefix: string, key: string): boolean | undefined {
  if (absent(value)) return undefined;
  if (typeof value !== 'boolean') throw bad(fieldPath(prefix, key), 'true or false', value);
  return value;
}

/** An array of strings; absent means empty. */
export function stringArrayField(value: unknown, prefix: string, key: string): string[] {
  if (absent(value)) return [];
  if (!Array.isArray(value)) throw bad(fieldPath(prefix, key), 'an array of strings', value);
  for (let i = 0; i < value.length; i++) {
    if (typeof value[i] !== 'string') throw bad(`${fieldPath(prefix, key)}[${i}]`, 'a string', value[i]);
  }
  return value as string[];
}
