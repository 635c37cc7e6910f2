import type { AlertDocument, TruncatedField } from './alert-document.js';

/**
 * The byte cap on one alert. Everything in an alert's process block comes from whoever ran the
 * process: a few alerts with megabyte command lines would otherwise fill the database and push the
 * real ones out through size-cap pruning. Past the cap, argv and the long strings are cut with an
 * explicit marker, and what each field was before is recorded under `emondguard.truncated`, so
 * an analyst sees that (and by how much) the evidence was cut. The cut is done once, before the
 * store and the sinks get the alert, so the database, the NDJSON file and the unified log agree.
 */

export const DEFAULT_MAX_ALERT_BYTES = 64 * 1024;
/** The smallest cap accepted: room for the rule-free part of an ordinary alert. */
export const MIN_MAX_ALERT_BYTES = 4 * 1024;

/** Appended to a cut string; `N` is its full size in UTF-8 bytes. */
export function truncationMarker(originalBytes: number): string {
  return `…[truncated by emondguard: ${originalBytes} bytes]`;
}

/** Share of the cap the argv may take, and each other process string. */
const ARGS_SHARE = 1 / 2;
const FIELD_SHARE = 1 / 8;

/**
 * Cuts `document` in place to at most `maxBytes` of JSON (the rule block aside: the store keeps
 * it once per rule). Returns the fields cut; an alert under the cap is left as it was.
 */
export function capAlert(document: AlertDocument, maxBytes: number = DEFAULT_MAX_ALERT_BYTES): TruncatedField[] {
  if (documentBytes(document) <= maxBytes) return [];
  const cut = new Map<string, TruncatedField>();
  // Halve the budgets until it fits: escapes (\" \\ \uXXXX) make the JSON larger than the text.
  for (let budget = maxBytes; budget >= 256; budget = Math.floor(budget / 2)) {
    capStrings(document, Math.floor(budget * FIELD_SHARE), cut);
    capArgs(document, Math.floor(budget * ARGS_SHARE), cut);
    if (documentBytes(document) <= maxBytes) break;
  }
  const fields = [...cut.values()];
  document.emondguard = { ...document.emondguard, truncated: [...(document.emondguard?.truncated ?? []), ...fields] };
  return fields;
}

/** The JSON size of the document without the rule block (what an alert row stores). */
export function documentBytes(document: AlertDocument): number {
  const { rule: _rule, threat: _threat, ...rest } = document;
  return Buffer.byteLength(JSON.stringify(rest), 'utf8');
}

const PROCESS_STRINGS = ['command_line', 'executable', 'name', 'working_directory', 'entity_id'] as const;
const PARENT_STRINGS = ['executable', 'name', 'entity_id'] as const;

function capStrings(document: AlertDocument, max: number, cut: Map<string, TruncatedField>): void {
  const process = document.process as unknown as Record<string, unknown> | undefined;
  if (!process) return;
  for (const key of PROCESS_STRINGS) capField(process, key, `process.${key}`, max, cut);
  const parent = process['parent'] as Record<string, unknown> | undefined;
  if (parent) for (const key of PARENT_STRINGS) capField(parent, key, `process.parent.${key}`, max, cut);
  const user = document.user as unknown as Record<string, unknown> | undefined;
  if (user) capField(user, 'name', 'user.name', max, cut);
  const es = document.es as unknown as Record<string, unknown> | undefined;
  if (es) capField(es, 'script', 'es.script', max, cut);
}

function capField(owner: Record<string, unknown>, key: string, field: string, max: number, cut: Map<string, TruncatedField>): void {
  const value = owner[key];
  if (typeof value !== 'string') return;
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes <= max) return;
  const original = cut.get(field)?.original_bytes ?? bytes;
  owner[key] = cutTo(value, original, max);
  if (!cut.has(field)) cut.set(field, { field, original_bytes: original });
}

function capArgs(document: AlertDocument, max: number, cut: Map<string, TruncatedField>): void {
  const args = document.process?.args;
  if (!Array.isArray(args)) return;
  const sizes = args.map((a) => Buffer.byteLength(String(a), 'utf8') + 3); // quotes and comma
  const total = sizes.reduce((a, b) => a + b, 0);
  if (total <= max) return;
  const previous = cut.get('process.args');
  const record: TruncatedField = previous ?? { field: 'process.args', original_bytes: total - 3 * args.length, original_count: args.length };
  const kept: string[] = [];
  let left = max;
  for (let i = 0; i < args.length; i++) {
    const arg = String(args[i]);
    const size = sizes[i] as number;
    if (size <= left) {
      kept.push(arg);
      left -= size;
      continue;
    }
    // The first argument that does not fit is cut to what is left; the rest go. The marker says
    // how many bytes that argument had, and `original_count` how many arguments there were.
    kept.push(cutTo(arg, size - 3, Math.max(0, left - 3)));
    break;
  }
  document.process.args = kept;
  cut.set('process.args', record);
}

/** `value` cut to about `max` UTF-8 bytes (never inside a character), plus the marker. */
function cutTo(value: string, originalBytes: number, max: number): string {
  const marker = truncationMarker(originalBytes);
  const room = Math.max(0, max - Buffer.byteLength(marker, 'utf8'));
  const bytes = Buffer.from(value, 'utf8');
  let end = Math.min(room, bytes.length);
  // Back off to the start of a UTF-8 sequence (continuation bytes are 10xxxxxx).
  while (end > 0 && end < bytes.length && ((bytes[end] as number) & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString('utf8') + marker;
}
