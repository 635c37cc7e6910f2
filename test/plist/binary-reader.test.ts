import { describe, expect, it } from 'vitest';
import { PlistError, parseBinaryPlist, parsePlist, type PlistValue } from '../../src/plist/index.js';
import { pythonBinary } from './plistlib.js';
import { sharedStringBomb } from './bombs.js';

function failure(bytes: Uint8Array): PlistError {
  try {
    parseBinaryPlist(bytes);
  } catch (error) {
    expect(error).toBeInstanceOf(PlistError);
    expect((error as PlistError).code).toBe('E_PLIST_BINARY');
    return error as PlistError;
  }
  throw new Error('expected a PlistError');
}

/** Trailer field offsets, counted from the end of the file. */
const TRAILER = { offsetSize: -26, refSize: -25, objectCount: -24, topObject: -16, offsetTable: -8 };

function withByte(bytes: Uint8Array, index: number, value: number): Uint8Array {
  const copy = Uint8Array.from(bytes);
  copy[index < 0 ? copy.length + index : index] = value;
  return copy;
}

function withUint64(bytes: Uint8Array, fromEnd: number, value: bigint): Uint8Array {
  const copy = Uint8Array.from(bytes);
  new DataView(copy.buffer).setBigUint64(copy.length + fromEnd, value);
  return copy;
}

describe('parseBinaryPlist reads what plistlib writes', () => {
  it('reads every type', () => {
    const value: PlistValue = {
      string: 'ascii',
      unicode: 'héllo — 😀',
      small: 7,
      negative: -1,
      wide: 2 ** 40,
      huge: 18446744073709551615n,
      min: -9223372036854775808n,
      real: 2.5,
      yes: true,
      no: false,
      date: new Date('2021-03-04T05:06:07Z'),
      data: new Uint8Array([0, 1, 2, 255]),
      list: ['a', 1, [], {}],
      nested: { deeper: { deepest: ['x'] } },
      long: 'x'.repeat(300),
      many: Array.from({ length: 40 }, (_, i) => i),
    };
    expect(parseBinaryPlist(pythonBinary(value))).toEqual(value);
  });

  it('is what parsePlist detects as binary', () => {
    expect(parsePlist(pythonBinary(['a']))).toEqual({ format: 'binary', value: ['a'] });
  });

  it('reads keys containing __proto__ as plain data', () => {
    const value = parseBinaryPlist(pythonBinary(JSON.parse('{"__proto__": "x"}') as PlistValue));
    expect(Object.keys(value as object)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
  });
});

describe('parseBinaryPlist refuses malformed input with a byte offset', () => {
  const valid = pythonBinary({ name: 'rule', actions: ['a', 'b'] });

  it('too short or wrong magic', () => {
    expect(failure(new Uint8Array(10)).message).toMatch(/too short/);
    expect(failure(withByte(valid, 7, 0x31)).message).toMatch(/missing the bplist00 header/);
  });

  it('bad trailer fields', () => {
    expect(failure(withByte(valid, TRAILER.offsetSize, 0)).message).toMatch(/offset size 0/);
    expect(failure(withByte(valid, TRAILER.refSize, 9)).message).toMatch(/reference size 9/);
    expect(failure(withUint64(valid, TRAILER.objectCount, 0n)).message).toMatch(/object count 0/);
    expect(failure(withUint64(valid, TRAILER.topObject, 1000n)).message).toMatch(/top object 1000/);
    expect(failure(withUint64(valid, TRAILER.offsetTable, BigInt(valid.length))).message).toMatch(
      /offset table lies outside/,
    );
  });

  it('an object offset outside the object area', () => {
    const table = Number(new DataView(valid.buffer).getBigUint64(valid.length + TRAILER.offsetTable));
    expect(failure(withByte(valid, table, 0xff)).message).toMatch(/offset outside the object area/);
  });

  it('unknown markers and truncated bodies', () => {
    // The top object is the dict at offset 8.
    expect(failure(withByte(valid, 8, 0x70)).message).toMatch(/unknown object marker 0x70/);
    expect(failure(withByte(valid, 8, 0x00)).message).toMatch(/unsupported object marker 0x00/);
    expect(failure(withByte(valid, 8, 0xdf)).message).toMatch(/extended length|past the end/);
  });

  it('a reference cycle', () => {
    // An array (object 0) whose only element is object 0.
    const bytes = Uint8Array.from([
      ...Buffer.from('bplist00'),
      0xa1, 0x00, // array of 1, ref 0
      0x08, // offset table: object 0 at 8
      0, 0, 0, 0, 0, 0, 1, 1, // offsetSize 1, refSize 1
      ...u64(1n), ...u64(0n), ...u64(10n),
    ]);
    expect(failure(bytes).message).toMatch(/object 0 contains itself/);
  });

  it('a shared-reference bomb that would expand exponentially', () => {
    // Object i (i < 40) is an array holding object i+1 twice; object 40 is a string.
    const count = 41;
    const objects: number[][] = [];
    for (let i = 0; i < count - 1; i++) objects.push([0xa2, i + 1, i + 1]);
    objects.push([0x51, 0x61]);
    const body: number[] = [];
    const offsets: number[] = [];
    for (const object of objects) {
      offsets.push(8 + body.length);
      body.push(...object);
    }
    const tableOffset = 8 + body.length;
    const bytes = Uint8Array.from([
      ...Buffer.from('bplist00'), ...body, ...offsets,
      0, 0, 0, 0, 0, 0, 1, 1, ...u64(BigInt(count)), ...u64(0n), ...u64(BigInt(tableOffset)),
    ]);
    expect(failure(bytes).message).toMatch(/expands to more than 250000 values/);
  });
});

function u64(value: bigint): number[] {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigUint64(0, value);
  return [...bytes];
}

describe('parseBinaryPlist bounds what a small file may expand to', () => {
  it('a string shared from many slots is counted each time it is copied', () => {
    // 1 MB of string referenced 64 times: 64 MB of copies from a 1 MB file.
    const bytes = sharedStringBomb(1024 * 1024, 64);
    expect(bytes.length).toBeLessThan(1024 * 1024 + 1024);
    expect(failure(bytes).message).toMatch(/malformed bplist at byte \d+: the plist expands to more than 33554432 bytes of strings and data/);
  });

  it('a wide shared-reference fan-out is refused by the value count', () => {
    // 600 × 600 slots of a one-byte string: 360,000 values from a 3 KB file.
    const bytes = sharedStringBomb(1, 600, 600);
    expect(failure(bytes).message).toMatch(/expands to more than 250000 values/);
  });

  it('the same shape within the bounds still reads', () => {
    const value = parseBinaryPlist(sharedStringBomb(4, 10, 10)) as string[][];
    expect(value).toHaveLength(10);
    expect(value[9]).toEqual(new Array(10).fill('aaaa'));
  });
});
