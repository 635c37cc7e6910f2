import { PlistError } from './plist-error.js';
import { MAX_PLIST_DEPTH, setDictKey } from './dict.js';
import type { PlistDict, PlistValue } from './plist-value.js';

/**
 * Reads a binary property list (`bplist00`, CFBinaryPList) into plain values.
 *
 * Layout: an 8-byte header, the objects, an offset table, and a 32-byte trailer giving the size of
 * offsets and object references, the object count, the top object and where the offset table is.
 * Every length, offset and reference is bounds-checked; reference cycles and plists that expand
 * into an unbounded number of values (a DAG that references itself exponentially) are refused.
 * Every failure is a `PlistError` (`E_PLIST_BINARY`) with the byte offset.
 */
export function parseBinaryPlist(bytes: Uint8Array, source?: string): PlistValue {
  return new BinaryPlistParser(bytes, source).parse();
}

export const BINARY_PLIST_MAGIC = 'bplist00';

const TRAILER_SIZE = 32;
/**
 * How many values one plist may expand to, counting a shared reference each time it is used: a
 * DAG of arrays that reference the next one twice doubles per level. Real emond rules and
 * managed preferences hold hundreds.
 */
export const MAX_BPLIST_VALUES = 250_000;
/**
 * How many bytes of strings and data one plist may expand to, again counting each use of a shared
 * object: a 4 MB string referenced from 1,000 array slots would otherwise become 4 GB of copies.
 */
export const MAX_BPLIST_DECODED_BYTES = 32 * 1024 * 1024;
/** Seconds between the Unix epoch and Apple's reference date, 2001-01-01T00:00:00Z. */
const APPLE_EPOCH_SECONDS = 978_307_200;

class BinaryPlistParser {
  private readonly view: DataView;
  private offsetSize = 0;
  private refSize = 0;
  private objectCount = 0;
  private offsetTableStart = 0;
  private valuesProduced = 0;
  private bytesProduced = 0;
  /** References being read right now: seeing one again is a cycle. */
  private readonly inProgress = new Set<number>();

  constructor(
    private readonly bytes: Uint8Array,
    private readonly source: string | undefined,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  parse(): PlistValue {
    const length = this.bytes.length;
    if (length < BINARY_PLIST_MAGIC.length + 1 + TRAILER_SIZE) this.fail('file too short for a binary plist', 0);
    if (Buffer.from(this.bytes.subarray(0, 8)).toString('latin1') !== BINARY_PLIST_MAGIC) {
      this.fail('missing the bplist00 header', 0);
    }
    const trailer = length - TRAILER_SIZE;
    this.offsetSize = this.byteAt(trailer + 6);
    this.refSize = this.byteAt(trailer + 7);
    const objectCount = this.view.getBigUint64(trailer + 8);
    const topObject = this.view.getBigUint64(trailer + 16);
    const offsetTable = this.view.getBigUint64(trailer + 24);
    if (this.offsetSize < 1 || this.offsetSize > 8) this.fail(`offset size ${this.offsetSize} is not 1–8`, trailer + 6);
    if (this.refSize < 1 || this.refSize > 8) this.fail(`object reference size ${this.refSize} is not 1–8`, trailer + 7);
    if (objectCount < 1n || objectCount > BigInt(length)) this.fail(`object count ${objectCount} is impossible`, trailer + 8);
    if (topObject >= objectCount) this.fail(`top object ${topObject} is not among the ${objectCount} objects`, trailer + 16);
    this.objectCount = Number(objectCount);
    if (offsetTable < 9n || offsetTable + objectCount * BigInt(this.offsetSize) > BigInt(trailer)) {
      this.fail('the offset table lies outside the file', trailer + 24);
    }
    this.offsetTableStart = Number(offsetTable);
    return this.readObject(Number(topObject), 1);
  }

  private readObject(ref: number, depth: number): PlistValue {
    if (ref >= this.objectCount) this.fail(`object reference ${ref} is out of range`, this.offsetTableStart);
    if (depth > MAX_PLIST_DEPTH) this.fail(`nesting deeper than ${MAX_PLIST_DEPTH} levels`, this.offsetOf(ref));
    if (++this.valuesProduced > MAX_BPLIST_VALUES) {
      this.fail(`the plist expands to more than ${MAX_BPLIST_VALUES} values`, this.offsetOf(ref));
    }
    if (this.inProgress.has(ref)) this.fail(`object ${ref} contains itself`, this.offsetOf(ref));
    this.inProgress.add(ref);
    try {
      return this.readObjectAt(this.offsetOf(ref), depth);
    } finally {
      this.inProgress.delete(ref);
    }
  }

  private readObjectAt(offset: number, depth: number): PlistValue {
    const marker = this.byteAt(offset);
    const kind = marker >> 4;
    const info = marker & 0x0f;
    switch (kind) {
      case 0x0:
        if (marker === 0x08) return false;
        if (marker === 0x09) return true;
        return this.fail(`unsupported object marker 0x${marker.toString(16).padStart(2, '0')}`, offset);
      case 0x1:
        return this.readInteger(offset + 1, info);
      case 0x2:
        if (info === 2) return this.view.getFloat32(this.checkRange(offset + 1, 4));
        if (info === 3) return this.view.getFloat64(this.checkRange(offset + 1, 8));
        return this.fail(`a real of 2^${info} bytes`, offset);
      case 0x3:
        if (marker !== 0x33) return this.fail('malformed date marker', offset);
        return new Date((this.view.getFloat64(this.checkRange(offset + 1, 8)) + APPLE_EPOCH_SECONDS) * 1000);
      case 0x4: {
        const { count, start } = this.readLength(offset, info);
        this.produceBytes(count, offset);
        return this.bytes.slice(this.checkRange(start, count), start + count);
      }
      case 0x5: {
        const { count, start } = this.readLength(offset, info);
        this.produceBytes(count, offset);
        return Buffer.from(this.bytes.subarray(this.checkRange(start, count), start + count)).toString('latin1');
      }
      case 0x6: {
        const { count, start } = this.readLength(offset, info);
        this.produceBytes(count * 2, offset);
        const raw = Buffer.from(this.bytes.subarray(this.checkRange(start, count * 2), start + count * 2));
        return raw.swap16().toString('utf16le');
      }
      case 0x8:
        return { CF$UID: Number(this.readUnsigned(offset + 1, info + 1)) };
      case 0xa:
      case 0xc: {
        // 0xC is a set; plists have no set type, so it reads as an array.
        const { count, start } = this.readLength(offset, info);
        this.checkRange(start, count * this.refSize);
        const array: PlistValue[] = [];
        for (let i = 0; i < count; i++) array.push(this.readObject(this.refAt(start, i), depth + 1));
        return array;
      }
      case 0xd:
        return this.readDict(offset, info, depth);
      default:
        return this.fail(`unknown object marker 0x${marker.toString(16).padStart(2, '0')}`, offset);
    }
  }

  private readDict(offset: number, info: number, depth: number): PlistDict {
    const { count, start } = this.readLength(offset, info);
    this.checkRange(start, count * 2 * this.refSize);
    const dict: PlistDict = {};
    for (let i = 0; i < count; i++) {
      const key = this.readObject(this.refAt(start, i), depth + 1);
      if (typeof key !== 'string') this.fail('a dict key that is not a string', offset);
      setDictKey(dict, key, this.readObject(this.refAt(start, count + i), depth + 1));
    }
    return dict;
  }

  /** Counts the bytes a string or data object is about to be copied into, refusing a bomb. */
  private produceBytes(count: number, offset: number): void {
    this.bytesProduced += count;
    if (this.bytesProduced > MAX_BPLIST_DECODED_BYTES) {
      this.fail(`the plist expands to more than ${MAX_BPLIST_DECODED_BYTES} bytes of strings and data`, offset);
    }
  }

  /** An integer object body: 1, 2 and 4 bytes are unsigned, 8 signed, 16 the low 8 of a 128-bit value. */
  private readInteger(offset: number, info: number): number | bigint {
    let value: bigint;
    if (info <= 2) return Number(this.readUnsigned(offset, 1 << info));
    if (info === 3) value = this.view.getBigInt64(this.checkRange(offset, 8));
    else if (info === 4) value = this.view.getBigUint64(this.checkRange(offset, 16) + 8);
    else return this.fail(`an integer of 2^${info} bytes`, offset - 1);
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
  }

  /** The element count of a data/string/array/dict and where its body starts. */
  private readLength(offset: number, info: number): { count: number; start: number } {
    if (info !== 0x0f) return { count: info, start: offset + 1 };
    const marker = this.byteAt(offset + 1);
    if (marker >> 4 !== 0x1 || (marker & 0x0f) > 3) this.fail('malformed extended length', offset + 1);
    const size = 1 << (marker & 0x0f);
    const count = this.readUnsigned(offset + 2, size);
    if (count > BigInt(this.bytes.length)) this.fail(`length ${count} exceeds the file`, offset + 1);
    return { count: Number(count), start: offset + 2 + size };
  }

  private offsetOf(ref: number): number {
    const offset = Number(this.readUnsigned(this.offsetTableStart + ref * this.offsetSize, this.offsetSize));
    if (offset < 8 || offset >= this.offsetTableStart) this.fail(`object ${ref} has an offset outside the object area`, offset);
    return offset;
  }

  private refAt(start: number, index: number): number {
    return Number(this.readUnsigned(start + index * this.refSize, this.refSize));
  }

  private readUnsigned(offset: number, size: number): bigint {
    this.checkRange(offset, size);
    let value = 0n;
    for (let i = 0; i < size; i++) value = (value << 8n) | BigInt(this.bytes[offset + i] ?? 0);
    return value;
  }

  private byteAt(offset: number): number {
    const value = this.bytes[offset];
    if (value === undefined) return this.fail('unexpected end of data', offset);
    return value;
  }

  /** Returns `offset` when `size` bytes from it lie inside the file (before the trailer). */
  private checkRange(offset: number, size: number): number {
    if (offset < 0 || size < 0 || offset + size > this.bytes.length - TRAILER_SIZE) {
      this.fail(`${size} bytes at offset ${offset} run past the end of the object area`, offset);
    }
    return offset;
  }

  private fail(message: string, offset: number): never {
    throw new PlistError('E_PLIST_BINARY', `malformed bplist at byte ${offset}: ${message}`, { source: this.source });
  }
}
