import { EmondguardError } from '../errors.js';

/**
 * Errors of the alert store. Codes starting with `E_IO` are things the administrator fixes (a
 * path, a permission), so the CLI exits 2 on them; the rest mean the store itself failed.
 */
export type StoreErrorCode =
  /** The database file does not exist and the caller asked not to create it (CLI reads). */
  | 'E_IO_DB_MISSING'
  /** The file or its directory cannot be opened or created (permissions, read-only volume…). */
  | 'E_IO_DB_OPEN'
  /** The file is a SQLite database but not an emondguard one (a wrong --db path). */
  | 'E_IO_NOT_ALERT_DB'
  /** The database is corrupt and this connection may not repair it (read-only). */
  | 'E_STORE_CORRUPT'
  /** The file was written by a newer emondguard. */
  | 'E_STORE_SCHEMA_TOO_NEW'
  /** The file predates this emondguard and a read-only connection cannot upgrade it. */
  | 'E_STORE_SCHEMA_OLD'
  /** A migration failed; the transaction was rolled back and the file left as it was. */
  | 'E_STORE_MIGRATION'
  /** A write could not be committed (disk full, locked longer than the busy timeout…). */
  | 'E_STORE_WRITE';

export class StoreError extends EmondguardError {
  declare readonly code: StoreErrorCode;

  constructor(code: StoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** SQLite result codes (better-sqlite3 puts them in `error.code`) that mean the file is damaged. */
const CORRUPTION_CODES = new Set(['SQLITE_CORRUPT', 'SQLITE_NOTADB', 'SQLITE_CORRUPT_VTAB', 'SQLITE_CORRUPT_SEQUENCE']);

export function isCorruptionError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && CORRUPTION_CODES.has(code);
}

/** SQLite codes that mean the file cannot be reached rather than that it is damaged. */
export function isAccessError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    typeof code === 'string' &&
    (code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_PERM') || code.startsWith('SQLITE_READONLY') ||
      code === 'SQLITE_AUTH' || code === 'EACCES' || code === 'EPERM' || code === 'EROFS')
  );
}
