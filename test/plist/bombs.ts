/**
 * Hand-built binary plists that are small on disk and huge once decoded, for the reader's
 * expansion bounds. Layout as CFBinaryPList: header, objects, offset table (4-byte offsets), trailer.
 */
function assemble(objects: Buffer[], refSize: number, top = 0): Buffer {
  const parts: Buffer[] = [Buffer.from('bplist00')];
  const offsets: number[] = [];
  let at = 8;
  for (const object of objects) {
    offsets.push(at);
    parts.push(object);
    at += object.length;
  }
  const table = Buffer.alloc(offsets.length * 4);
  offsets.forEach((offset, i) => table.writeUInt32BE(offset, i * 4));
  const trailer = Buffer.alloc(32);
  trailer[6] = 4;
  trailer[7] = refSize;
  trailer.writeBigUInt64BE(BigInt(objects.length), 8);
  trailer.writeBigUInt64BE(BigInt(top), 16);
  trailer.writeBigUInt64BE(BigInt(at), 24);
  return Buffer.concat([...parts, table, trailer]);
}

/** A marker byte with an extended (4-byte) length when it does not fit in the low nibble. */
function header(kind: number, count: number): Buffer {
  if (count < 15) return Buffer.from([(kind << 4) | count]);
  const head = Buffer.alloc(6);
  head[0] = (kind << 4) | 0x0f;
  head[1] = 0x12;
  head.writeUInt32BE(count, 2);
  return head;
}

function arrayOf(refs: number[], refSize: number): Buffer {
  const body = Buffer.alloc(refs.length * refSize);
  refs.forEach((ref, i) => body.writeUIntBE(ref, i * refSize, refSize));
  return Buffer.concat([header(0xa, refs.length), body]);
}

/**
 * `outer` arrays' worth of an array holding one `stringBytes`-byte ASCII string `inner` times:
 * `outer × inner × stringBytes` bytes of strings decoded from a file of about `stringBytes`.
 */
export function sharedStringBomb(stringBytes: number, inner: number, outer = 1): Buffer {
  // Object 0: the outer array (refs to object 1), 1: the inner array (refs to 2), 2: the string.
  const string = Buffer.concat([header(0x5, stringBytes), Buffer.alloc(stringBytes, 0x61)]);
  return assemble([arrayOf(new Array<number>(outer).fill(1), 2), arrayOf(new Array<number>(inner).fill(2), 2), string], 2);
}
