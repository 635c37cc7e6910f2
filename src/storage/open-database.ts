import fs from 'node:fs';
import Database from 'better-sqlite3';
import { ensurePrivateFile } from './file-modes.js';
import { SCHEMA_VERSION, migrate, schemaVersion } from './migrations.js';
import { quarantineDatabase, type QuarantineRecord } from './quarantine.js';
import { StoreError, isAccessError, isCorruptionError } from './store-errors.js';

export type IntegrityCheck = 'quick' | 'full' | 'none';

export interface OpenDatabaseOptions {
  /** Open read-only (the CLI's reads): never creates, migrates or repairs anything. */
  readonly?: boolean;
  /** Writers only: create the file when it is missing (default true; the CLI's ack/prune say false). */
  create?: boolean;
  /** `quick` (default for writers) is `PRAGMA quick_check`; `full` adds index checks. Readers skip it. */
  integrityCheck?: IntegrityCheck;
  /**
   * `full` (default) syncs the WAL on every commit, so a committed alert survives a power cut, not
   * just a crash of the agent; `normal` survives crashes only and is faster per transaction.
   */
  synchronous?: 'full' | 'normal';
  /** How long a statement waits for another connection's lock before failing. */
  busyTimeoutMs?: number;
  /** Clock for the quarantine file's name. */
  now?: () => number;
}

export interface OpenedDatabase {
  db: Database.Database;
  /** Set when the file was corrupt and moved aside for a new one. */
  quarantined?: QuarantineRecord;
  migrated: { from: number; to: number };
}

/** Pages the WAL may keep after a checkpoint; stops a burst leaving a huge -wal behind. */
const JOURNAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024;

export function openDatabase(file: string, options: OpenDatabaseOptions = {}): OpenedDatabase {
  return options.readonly ? openForReading(file, options) : openForWriting(file, options);
}

function missingError(file: string): StoreError {
  return new StoreError(
    'E_IO_DB_MISSING',
    `no alert database at ${file}: the agent has not stored any alert there yet. ` +
      'Pass --db PATH or set EMONDGUARD_DB to the database the agent or `emondguard scan --db` writes',
  );
}

function openForReading(file: string, options: OpenDatabaseOptions): OpenedDatabase {
  if (!fs.existsSync(file)) throw missingError(file);
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true, timeout: options.busyTimeoutMs ?? 5000 });
  } catch (error) {
    throw accessError(file, error);
  }
  try {
    const version = schemaVersion(db);
    if (version > SCHEMA_VERSION) migrate(db); // throws the "too new" error with its advice
    if (version === 0) {
      throw new StoreError('E_IO_NOT_ALERT_DB', `${file} is not an emondguard alert database (it has no schema); check the --db path`);
    }
    if (version < SCHEMA_VERSION) {
      throw new StoreError(
        'E_STORE_SCHEMA_OLD',
        `${file} has schema version ${version}, older than this emondguard (${SCHEMA_VERSION}); ` +
          'restart the agent or run `emondguard alerts prune` (which opens it for writing) to upgrade it',
      );
    }
    return { db, migrated: { from: version, to: version } };
  } catch (error) {
    db.close();
    if (error instanceof StoreError) throw error;
    if (isCorruptionError(error)) {
      throw new StoreError(
        'E_STORE_CORRUPT',
        `${file} is corrupt (${(error as Error).message}); the agent moves it aside and starts a new ` +
          'database the next time it opens it — restart the agent, or run `emondguard alerts prune`',
        { cause: error },
      );
    }
    throw accessError(file, error);
  }
}

function openForWriting(file: string, options: OpenDatabaseOptions): OpenedDatabase {
  if (options.create === false && !fs.existsSync(file)) throw missingError(file);
  try {
    ensurePrivateFile(file);
  } catch (error) {
    throw accessError(file, error);
  }
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { timeout: options.busyTimeoutMs ?? 5000 });
    return { db, migrated: prepareWritable(db, options) };
  } catch (error) {
    if (!(error instanceof CorruptDatabase) && !isCorruptionError(error)) {
      db?.close();
      throw translate(file, error);
    }
    // A damaged file is evidence: keep it beside the new one and carry on with an empty store.
    // Rename while the connection is still open: closing first would let SQLite fold or delete
    // the -wal by its path, and the WAL may hold the newest alerts.
    const quarantined = quarantineDatabase(file, (error as Error).message, options.now?.() ?? Date.now());
    try {
      db?.close();
    } catch {
      // Closing a corrupt file can fail; the new file is what matters now.
    }
    try {
      ensurePrivateFile(file);
      const fresh = new Database(file, { timeout: options.busyTimeoutMs ?? 5000 });
      try {
        return { db: fresh, migrated: prepareWritable(fresh, options), quarantined };
      } catch (retryError) {
        fresh.close();
        throw retryError;
      }
    } catch (retryError) {
      throw translate(file, retryError);
    }
  }
}

class CorruptDatabase extends Error {}

/** Pragmas, the integrity check and migrations on a freshly opened writable connection. */
function prepareWritable(db: Database.Database, options: OpenDatabaseOptions): { from: number; to: number } {
  const fresh = (db.pragma('page_count', { simple: true }) as number) === 0;
  // Incremental auto-vacuum lets pruning give space back to the disk (the size cap is about
  // the file, not the rows); it can only be chosen before the first table exists.
  if (fresh) db.pragma('auto_vacuum = INCREMENTAL');
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${options.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
  db.pragma(`journal_size_limit = ${JOURNAL_SIZE_LIMIT_BYTES}`);
  const check = options.integrityCheck ?? 'quick';
  if (!fresh && check !== 'none') {
    const rows = db.pragma(check === 'full' ? 'integrity_check' : 'quick_check') as Array<Record<string, string>>;
    const problems = rows.map((row) => Object.values(row)[0]).filter((value) => value !== 'ok');
    if (problems.length > 0) throw new CorruptDatabase(`integrity check failed: ${problems.slice(0, 3).join('; ')}`);
  }
  if (!fresh && schemaVersion(db) === 0 && db.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table'").pluck().get() !== 0) {
    // Someone else's SQLite file (a wrong --db): adding our tables to it would damage it.
    throw new StoreError('E_IO_NOT_ALERT_DB', `${db.name} is a SQLite database of another program, not an emondguard alert database; check the --db path`);
  }
  return migrate(db);
}

function translate(file: string, error: unknown): unknown {
  if (error instanceof StoreError) return error;
  if (isAccessError(error)) return accessError(file, error);
  return error;
}

function accessError(file: string, error: unknown): StoreError {
  const code = (error as { code?: string }).code ?? '';
  const denied = code === 'EACCES' || code === 'EPERM' || code.startsWith('SQLITE_PERM') || code.startsWith('SQLITE_CANTOPEN');
  return new StoreError(
    'E_IO_DB_OPEN',
    `cannot open the alert database ${file}: ${(error as Error).message}` +
      (denied ? '; the production database is readable by root only — run with sudo, or pass --db PATH' : ''),
    { cause: error },
  );
}
