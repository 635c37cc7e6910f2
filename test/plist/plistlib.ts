import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { isPlistDict, type PlistValue } from '../../src/plist/index.js';

/**
 * Python's plistlib as an independent second implementation: our writer must produce XML it reads
 * back to the same values, and our binary reader must read what it writes.
 */
const BRIDGE = fileURLToPath(new URL('../fixtures/plist/plistlib_bridge.py', import.meta.url));

export type Tagged = { t: string; v: unknown };

export function tag(value: PlistValue): Tagged {
  if (typeof value === 'boolean') return { t: 'bool', v: value };
  if (typeof value === 'bigint') return { t: 'int', v: value.toString() };
  if (typeof value === 'number') {
    if (Number.isInteger(value) && !Object.is(value, -0)) return { t: 'int', v: String(value) };
    if (Number.isNaN(value)) return { t: 'real', v: 'nan' };
    if (!Number.isFinite(value)) return { t: 'real', v: value > 0 ? 'inf' : '-inf' };
    return { t: 'real', v: value };
  }
  if (typeof value === 'string') return { t: 'str', v: value };
  if (value instanceof Date) return { t: 'date', v: value.getTime() / 1000 };
  if (value instanceof Uint8Array) return { t: 'data', v: Buffer.from(value).toString('base64') };
  if (Array.isArray(value)) return { t: 'array', v: value.map(tag) };
  if (isPlistDict(value)) return { t: 'dict', v: Object.entries(value).map(([k, v]) => [k, tag(v)]) };
  throw new Error('untaggable value');
}

export function untag(tagged: Tagged): PlistValue {
  const { t, v } = tagged;
  switch (t) {
    case 'bool':
      return v as boolean;
    case 'int': {
      const big = BigInt(v as string);
      return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
    }
    case 'real':
      return v === 'nan' ? Number.NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : (v as number);
    case 'str':
      return v as string;
    case 'date':
      return new Date(Math.round((v as number) * 1000));
    case 'data':
      return new Uint8Array(Buffer.from(v as string, 'base64'));
    case 'array':
      return (v as Tagged[]).map(untag);
    case 'dict': {
      const dict: Record<string, PlistValue> = {};
      for (const [key, item] of v as [string, Tagged][]) {
        Object.defineProperty(dict, key, { value: untag(item), enumerable: true, writable: true, configurable: true });
      }
      return dict;
    }
    default:
      throw new Error(`unknown tag ${t}`);
  }
}

type Request = { op: 'read'; data: string } | { op: 'binary' | 'xml'; value: Tagged };
type Answer = { value?: Tagged; data?: string; error?: string };

/** Sends every request to one python3 process and returns the answers in order. */
export function plistlib(requests: Request[]): Answer[] {
  const result = spawnSync('python3', [BRIDGE], {
    input: requests.map((r) => JSON.stringify(r)).join('\n') + '\n',
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`plistlib bridge failed: ${result.stderr || result.error?.message}`);
  return result.stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Answer);
}

/** Binary plist bytes written by plistlib for a value. */
export function pythonBinary(value: PlistValue): Uint8Array {
  const [answer] = plistlib([{ op: 'binary', value: tag(value) }]);
  if (!answer?.data) throw new Error(`plistlib could not write the value: ${answer?.error}`);
  return new Uint8Array(Buffer.from(answer.data, 'base64'));
}
