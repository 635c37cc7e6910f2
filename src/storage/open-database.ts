import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import Database from 'better-sqlite3';
import { SCHEMA_VERSION, migrate, schemaVersion } from './migrations.js';
import type { QuarantineRecord } from './quarantine.js';
import { refuseIfNotSqlite } from './sqlite-header.js';
import { StoreError, isCorruptionError } from './store-errors.js';

/**
 * Opening the database file: the options and the read-only open, which the CLI's reads load
 * without the writer's code (open-writable.ts).
 */

export type IntegrityCheck = 'quick' | 'full' | 'none';

export interface OpenDatabaseOptions {
  /** Open read-only (the CLI's reads): never creates, migrates or repairs anything. */
  readonly?: boolean;
  /** Writers only: create the file when it is missing (default true; the CLI's ack/prune say false). */
  create?: boolean;
  /** `quick` (default for writers) is `PRAGMA quick_check`; `full` adds index checks. Readers skip it. */
  integrityCheck?: IntegrityCheck;
  /**
   * When a commit reaches the disk (README.md, "Durability").
   *
   * `normal` (default): a commit is written to the WAL without waiting for the disk. It survives
   * the agent crashing or being killed at any moment; the WAL is synced to the disk by the next
   * checkpoint, which the checkpoint thread runs within about a tenth of a second of a commit, so
   * an OS crash or a power cut can lose the alerts of that last fraction of a second.
   *
   * `full`: every commit waits for the disk (F_FULLFSYNC on macOS, where a plain fsync leaves the
   * data in the drive's cache), so a committed alert survives a power cut too; each commit costs
   * a disk flush, which lowers the insert rate and raises the latency of every batch.
   */
  synchronous?: Synchronous;
  /** Size the WAL is cut back to after a burst, and past which the writer restarts it (WriterCheckpoints). */
  journalSizeLimitBytes?: number;
  /** How long a statement waits for another connection's lock before failing. */
  busyTimeoutMs?: number;
  /** Clock for the quarantine file's name. */
  now?: () => number;
  /**
   * A file that is not SQLite at all: `refuse` (default) leaves it untouched and fails with
   * E_IO_NOT_ALERT_DB, for a mistyped --db; `move-aside` quarantines it like a damaged database
   * and starts a new one, so the agent's own database path always gives it a working store.
   */
  notSqlite?: 'refuse' | 'move-aside';
  /** The caller's uid for the file-safety checks (safe-files.ts); default the effective uid. */
  uid?: number;
}

export type Synchronous = 'full' | 'normal';

export const DEFAULT_SYNCHRONOUS: Synchronous = 'normal';

export interface OpenedDatabase {
  db: Database.Database;
  /** Set when the file was corrupt and moved aside for a new one. */
  quarantined?: QuarantineRecord;
  migrated: { from: number; to: number };
}

let addonPath: string | null | undefined;

/**
 * better-sqlite3's compiled addon, located once from the package. Its default lookup (the
 * `bindings` package) probes a dozen candidate paths with a stack-trace trick on every process
 * start, a few milliseconds of every CLI command; a layout without build/Release falls back to it.
 */
export function sqliteAddonPath(): string | undefined {
  if (addonPath === undefined) {
    try {
      const root = path.dirname(createRequire(import.meta.url).resolve('better-sqlite3/package.json'));
      const candidate = path.join(root, 'build', 'Release', 'better_sqlite3.node');
      addonPath = fs.existsSync(candidate) ? candidate : null;
    } catch {
      addonPath = null;
    }
  }
  return addonPath ?? undefined;
}

export function connect(file: string, options: Database.Options): Database.Database {
  const addon = sqliteAddonPath();
  return new Database(file, addon === undefined ? options : { ...options, nativeBinding: addon });
}

export function missingError(file: string): StoreError {
  return new StoreError(
    'E_IO_DB_MISSING',
    `no alert database at ${file}: the agent has not stored any alert there yet. ` +
      'Pass --db PATH or set EMONDGUARD_DB to the database the agent or `emondguard scan --db` writes',
  );
}

/** Read-only: never creates, migrates or repairs anything (the CLI's reads, while the agent writes). */
export function openForReading(file: string, options: Pick<OpenDatabaseOptions, 'busyTimeoutMs' | 'uid'>): OpenedDatabase {
  if (!fs.existsSync(file)) throw missingError(file);
  refuseIfNotSqlite(file, options.uid);
  let db: Database.Database;
  try {
    db = connect(file, { readonly: true, fileMustExist: true, timeout: options.busyTimeoutMs ?? 5000 });
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

export function accessError(file: string, error: unknown): StoreError {
  const code = (error as { code?: string }).code ?? '';
  const denied = code === 'EACCES' || code === 'EPERM' || code.startsWith('SQLITE_PERM') || code.startsWith('SQLITE_CANTOPEN');
  return new StoreError(
    'E_IO_DB_OPEN',
    `cannot open the alert database ${file}: ${(error as Error).message}` +
      (denied ? '; the production database is readable by root only — run with sudo, or pass --db PATH' : ''),
    { cause: error },
  );
}
