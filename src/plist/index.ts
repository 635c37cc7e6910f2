import { BINARY_PLIST_MAGIC, parseBinaryPlist } from './binary-reader.js';
import { PlistError } from './plist-error.js';
import { readRegularFile } from './read-regular-file.js';
import type { PlistValue } from './plist-value.js';
import { parseXmlPlist } from './xml-reader.js';

/**
 * Property lists: reading XML and binary (`bplist00`), writing XML. Used by `emondguard audit`
 * (emond rules), the deployment scripts (Info.plist, LaunchDaemon, MDM profiles) and the
 * configuration loader (managed preferences under /Library/Managed Preferences are binary).
 */
export { PlistError } from './plist-error.js';
export { aPlistType, isPlistDict, plistTypeName, type PlistDict, type PlistValue } from './plist-value.js';
export { parseXmlPlist } from './xml-reader.js';
export { parseBinaryPlist } from './binary-reader.js';
export { toXmlPlist } from './xml-writer.js';
export { readRegularFile } from './read-regular-file.js';

export type PlistFormat = 'xml' | 'binary';

/** Which format the bytes are in, or `undefined` when they are neither. */
export function detectPlistFormat(bytes: Uint8Array): PlistFormat | undefined {
  const head = Buffer.from(bytes.subarray(0, 64)).toString('latin1');
  if (head.startsWith(BINARY_PLIST_MAGIC)) return 'binary';
  const text = head.replace(/^\uFEFF|^\u00EF\u00BB\u00BF/, '').trimStart();
  if (text.startsWith('<')) return 'xml';
  return undefined;
}

/** Parses XML or binary plist bytes, whichever they are. */
export function parsePlist(bytes: Uint8Array, source?: string): { format: PlistFormat; value: PlistValue } {
  const format = detectPlistFormat(bytes);
  if (format === 'binary') return { format, value: parseBinaryPlist(bytes, source) };
  if (format === 'xml') {
    const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
    return { format, value: parseXmlPlist(text, source) };
  }
  const what = bytes.length === 0 ? 'the file is empty' : 'neither an XML nor a binary (bplist00) property list';
  throw new PlistError('E_PLIST_FORMAT', `${what}`, { source });
}

/** Files larger than this are refused: no real plist comes close. */
export const MAX_PLIST_FILE_BYTES = 16 * 1024 * 1024;

/**
 * Reads and parses a plist file. Only a regular file of at most `MAX_PLIST_FILE_BYTES` is read
 * (see `readRegularFile`: a FIFO or a symlink to /dev/zero is refused, never waited on). I/O
 * problems become `EmondguardError` with a code starting `E_IO_` (the CLI exits 2 on those):
 * `E_IO_NOT_REGULAR`, `E_IO_TOO_LARGE`, `E_IO_READ`; content problems are `PlistError`.
 */
export function readPlistFile(path: string, maxBytes = MAX_PLIST_FILE_BYTES): { format: PlistFormat; value: PlistValue } {
  return parsePlist(readRegularFile(path, maxBytes), path);
}
