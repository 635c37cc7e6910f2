/**
 * The values a property list can hold, as plain JavaScript (Apple's CFPropertyList types).
 *
 * - `<integer>` becomes a `number` when it fits in a double exactly, otherwise a `bigint`;
 *   `<real>` is always a `number`. Writing a `number` emits `<integer>` when it is an integer, so a
 *   real that happens to be whole (2.0) comes back as an integer — no emond, launchd or MDM key
 *   depends on that distinction.
 * - `<date>` is a `Date`, `<data>` a `Uint8Array`.
 * - Binary plists can also hold a keyed-archiver UID, represented as `{ 'CF$UID': n }` like Apple's
 *   own XML rendering of it.
 */
export type PlistValue =
  | string
  | number
  | bigint
  | boolean
  | Date
  | Uint8Array
  | PlistValue[]
  | PlistDict;

export interface PlistDict {
  [key: string]: PlistValue;
}

/** True for a `<dict>` (not an array, date, data or null). */
export function isPlistDict(value: unknown): value is PlistDict {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Date) &&
    !(value instanceof Uint8Array)
  );
}

/** The JSON-ish name of a value's plist type, for error messages and reports. */
export function plistTypeName(value: PlistValue | undefined): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'real';
  if (typeof value === 'bigint') return 'integer';
  if (value instanceof Date) return 'date';
  if (value instanceof Uint8Array) return 'data';
  if (Array.isArray(value)) return 'array';
  return 'dict';
}

/** The type name with its article ("an integer", "a dict"), for messages. */
export function aPlistType(value: PlistValue | undefined): string {
  const name = plistTypeName(value);
  return `${/^[aeiou]/.test(name) ? 'an' : 'a'} ${name}`;
}
