import { EmondguardError } from '../errors.js';

/**
 * A property list that could not be read or written. `code` tells which:
 * - `E_PLIST_XML`     malformed XML plist (message carries line and column)
 * - `E_PLIST_BINARY`  malformed binary (`bplist00`) plist (message carries the byte offset)
 * - `E_PLIST_FORMAT`  neither an XML nor a binary plist (e.g. JSON, OpenStep text, empty file)
 * - `E_PLIST_VALUE`   a value that has no plist representation (writing)
 */
export class PlistError extends EmondguardError {
  /** The file or other origin of the bytes, when known. */
  readonly source: string | undefined;

  constructor(code: string, message: string, options?: { source?: string; cause?: unknown }) {
    super(code, options?.source ? `${options.source}: ${message}` : message, options);
    this.source = options?.source;
  }
}
