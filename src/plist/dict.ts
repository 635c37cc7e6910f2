import type { PlistDict, PlistValue } from './plist-value.js';

/**
 * Sets a key on a plist dict as an own, enumerable property — even `__proto__`, which plain
 * assignment would turn into a prototype change. Plists come from attacker-writable places
 * (/etc/emond.d/rules), so a key must never reach anything but the dict itself.
 */
export function setDictKey(dict: PlistDict, key: string, value: PlistValue): void {
  Object.defineProperty(dict, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Nesting deeper than this is refused: real plists are shallow, and recursion must stay bounded. */
export const MAX_PLIST_DEPTH = 512;
