import { isJsonObject, type JsonObject } from '../json-fields.js';

/**
 * Field access on an ECS document whatever its spelling: Elasticsearch returns `_source` as the
 * indexer received it, so `process.parent.name` may be nested (`{"process":{"parent":{"name":…}}}`),
 * dotted (`{"process.parent.name":…}`) or any mix (`{"process":{"parent.name":…}}`).
 */
export class EcsFields {
  constructor(private readonly document: JsonObject) {}

  /** The value at a dotted ECS path, or undefined; JSON null counts as absent. */
  get(path: string): unknown {
    const value = lookup(this.document, segmentsOf(path), 0);
    return value === null ? undefined : value;
  }
}

const segmentCache = new Map<string, string[]>();

function segmentsOf(path: string): string[] {
  let segments = segmentCache.get(path);
  if (segments === undefined) {
    segments = path.split('.');
    segmentCache.set(path, segments);
  }
  return segments;
}

/** Tries the longest dotted key first at each level, then descends into nested objects. */
function lookup(object: JsonObject, segments: string[], start: number): unknown {
  for (let end = segments.length; end > start; end--) {
    const key = end - start === 1 ? segments[start]! : segments.slice(start, end).join('.');
    if (!Object.hasOwn(object, key)) continue;
    const value = object[key];
    if (end === segments.length) return value;
    if (isJsonObject(value)) {
      const found = lookup(value, segments, end);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}
