/**
 * `key=value` rendering for log lines: plain values stay bare, anything with spaces, quotes,
 * `=` or control characters is JSON-quoted so a line always splits back into its fields.
 */
export function formatField(key: string, value: unknown): string {
  return `${key}=${formatValue(value)}`;
}

export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return '-';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return /^[\w./:@+,-]+$/.test(text) ? text : JSON.stringify(text);
}

/** The value at a dotted path (`process.parent.name`) of a plain object, or undefined. */
export function valueAt(object: unknown, dottedPath: string): unknown {
  let current: unknown = object;
  for (const key of dottedPath.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}
