import fs from 'node:fs';
import type Database from 'better-sqlite3';
import { ensurePrivateFile } from './file-modes.js';
import { migrate, schemaVersion } from './migrations.js';
import {
  DEFAULT_SYNCHRONOUS,
  accessError,
  connect,
  missingError,
  type OpenDatabaseOptions,
  type OpenedDatabase,
} from './open-database.js';
import { quarantineDatabase } from './quarantine.js';
import { refuseIfNotSqlite } from './sqlite-header.js';
import { StoreError, isAccessError, isCorruptionError } from './store-errors.js';

/**
 * Opening the database for writing: file modes, pragmas, the integrity check, migrations, and the
 * quarantine of a corrupt file (kept beside a new one, the event recorded by the store).
 */

/** Page size of new database files. */
export const PAGE_SIZE_BYTES = 16_384;

/** Pages the WAL may keep after a checkpoint; stops a burst leaving a huge -wal behind. */
const JOURNAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024;

export function openForWriting(file: string, options: OpenDatabaseOptions): OpenedDatabase {
  if (options.create === false && !fs.existsSync(file)) throw missingError(file);
  // Before anything touches it (ensurePrivateFile changes its mode).
  if (options.notSqlite !== 'move-aside') refuseIfNotSqlite(file);
  try {
    ensurePrivateFile(file);
  } catch (error) {
    throw accessError(file, error);
  }
  let db: Database.Database | undefined;
  try {
    db = connect(file, { timeout: options.busyTimeoutMs ?? 5000 });
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
      const fresh = connect(file, { timeout: options.busyTimeoutMs ?? 5000 });
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
  if (fresh) {
    // Both can only be chosen before the first table exists (files made by older versions keep
    // 4 KiB pages). 16 KiB pages hold about ten alerts each instead of two or three: a batch
    // writes a quarter of the WAL frames and B-tree cells (see the store benchmark).
    db.pragma(`page_size = ${PAGE_SIZE_BYTES}`);
    // Incremental auto-vacuum lets pruning give space back to the disk (the size cap is about
    // the file, not the rows).
    db.pragma('auto_vacuum = INCREMENTAL');
  }
  db.pragma('journal_mode = WAL');
  const synchronous = options.synchronous ?? DEFAULT_SYNCHRONOUS;
  db.pragma(`synchronous = ${synchronous}`);
  // `full` means through the drive's cache on macOS too (F_FULLFSYNC; SQLite ignores it elsewhere).
  // Under `normal` the checkpoint thread's connection flushes the drive (WalCheckpointer), off the
  // writer's path; the writer's own syncs (a WAL restart, a rare catch-up) stay plain fsyncs.
  const flushDrive = synchronous === 'full' ? 'ON' : 'OFF';
  db.pragma(`fullfsync = ${flushDrive}`);
  db.pragma(`checkpoint_fullfsync = ${flushDrive}`);
  db.pragma(`journal_size_limit = ${Math.floor(options.journalSizeLimitBytes ?? JOURNAL_SIZE_LIMIT_BYTES)}`);
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
  const migrated = migrate(db);
  // An upgrade may leave the old copy of a rebuilt table as free pages (version 4 rebuilds alerts):
  // hand them back to the disk now rather than at the next prune.
  if (migrated.from > 0 && migrated.to > migrated.from) db.pragma('incremental_vacuum');
  return migrated;
}

function translate(file: string, error: unknown): unknown {
  if (error instanceof StoreError) return error;
  if (isAccessError(error)) return accessError(file, error);
  return error;
}
