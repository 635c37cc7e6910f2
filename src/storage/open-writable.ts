import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { PRIVATE_FILE_MODE, ensurePrivateFile } from './file-modes.js';
import { migrate, schemaVersion } from './migrations.js';
import {
  DEFAULT_SYNCHRONOUS,
  accessError,
  connect,
  missingError,
  type OpenDatabaseOptions,
  type OpenedDatabase,
} from './open-database.js';
import { quarantineDatabase, type QuarantineRecord } from './quarantine.js';
import { currentUid, lstatOwnFile, openSafely, openToOthers, resolveTrusted, SafeFileError, type SafeOpened } from './safe-files.js';
import { looksLikeSqlite, notSqliteError, readMagic } from './sqlite-header.js';
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
  const uid = options.uid ?? currentUid();
  // Nothing is chmod-ed, created beside it or changed by a PRAGMA before these checks pass.
  const checked = checkDatabaseFile(file, options, uid);
  let quarantined: QuarantineRecord | undefined = checked.quarantined;
  const real = checked.path;
  let db: Database.Database | undefined;
  try {
    checkCompanions(real, uid);
    db = connect(real, { timeout: options.busyTimeoutMs ?? 5000 });
    refuseIfNotOurs(db, file);
    // Ours: tightening its mode (and its companions') is now ours to do.
    fs.chmodSync(real, PRIVATE_FILE_MODE);
    secureCompanions(real, uid);
    return { db, migrated: prepareWritable(db, options), ...(quarantined ? { quarantined } : {}) };
  } catch (error) {
    if (!(error instanceof CorruptDatabase) && !isCorruptionError(error)) {
      db?.close();
      throw translate(file, error);
    }
    // A damaged file is evidence: keep it beside the new one and carry on with an empty store.
    // Rename while the connection is still open: closing first would let SQLite fold or delete
    // the -wal by its path, and the WAL may hold the newest alerts.
    quarantined = quarantineDatabase(real, (error as Error).message, options.now?.() ?? Date.now(), uid);
    try {
      db?.close();
    } catch {
      // Closing a corrupt file can fail; the new file is what matters now.
    }
    try {
      checkCompanions(real, uid);
      const fresh = connect(createDatabaseFile(real, uid), { timeout: options.busyTimeoutMs ?? 5000 });
      try {
        secureCompanions(real, uid);
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

/**
 * The checks before anything is touched: the path follows no planted symlink, its directory is
 * not one another user can swap files in, the file is the caller's regular file with one link,
 * and it is SQLite (or empty). A missing file is created 0600 with O_EXCL. Returns the real path
 * SQLite is to open (its directory is the caller's or sticky, so the name stays the caller's file).
 */
function checkDatabaseFile(file: string, options: OpenDatabaseOptions, uid: number): { path: string; quarantined?: QuarantineRecord } {
  let real: string;
  try {
    real = resolveTrusted(file, uid);
    refuseSharedDirectory(real, uid);
  } catch (error) {
    throw translate(file, error);
  }
  let opened: SafeOpened;
  try {
    opened = openSafely(real, 'read', { uid });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw translate(file, error);
    if (options.create === false) throw missingError(file);
    return { path: createDatabaseFile(real, uid) };
  }
  try {
    if (!looksLikeSqlite(readMagic(opened.fd))) {
      if (options.notSqlite !== 'move-aside') throw notSqliteError(file);
      fs.closeSync(opened.fd);
      const quarantined = quarantineDatabase(real, 'not a SQLite database', options.now?.() ?? Date.now(), uid);
      return { path: createDatabaseFile(real, uid), quarantined };
    }
    fs.closeSync(opened.fd);
  } catch (error) {
    try {
      fs.closeSync(opened.fd);
    } catch {
      // already closed
    }
    throw translate(file, error);
  }
  return { path: real };
}

/** A new, empty database file, 0600, made with O_EXCL (and its missing directories 0700). */
function createDatabaseFile(real: string, uid: number): string {
  try {
    return ensurePrivateFile(real, uid);
  } catch (error) {
    throw translate(real, error);
  }
}

/**
 * SQLite opens `-wal`, `-shm` and `-journal` by name beside the database. In a directory others
 * could write to (only sticky ones get this far, like /tmp) a planted name would be written
 * through, so before SQLite opens anything an existing companion must be the caller's regular
 * file with one link.
 */
function checkCompanions(real: string, uid: number): void {
  for (const suffix of COMPANIONS) lstatOwnFile(real + suffix, uid);
}

const COMPANIONS = ['-wal', '-shm', '-journal'];

/**
 * After the file proved ours: the WAL files are made now, empty, with O_EXCL and 0600 (SQLite
 * treats empty ones as new), so no name is left for someone to plant; existing ones are made 0600
 * (SQLite gives new ones the database's mode, which may have been looser).
 */
function secureCompanions(real: string, uid: number): void {
  for (const suffix of COMPANIONS) {
    if (suffix === '-journal' && lstatOwnFile(real + suffix, uid) === undefined) continue;
    const opened = openSafely(real + suffix, 'append', { uid, create: suffix !== '-journal', mode: PRIVATE_FILE_MODE });
    try {
      fs.fchmodSync(opened.fd, PRIVATE_FILE_MODE);
    } finally {
      fs.closeSync(opened.fd);
    }
  }
}

/**
 * A directory someone else can add or replace names in: refused unless sticky (like /tmp, where
 * nobody may rename or delete another's files, and the files we create stay ours).
 */
const STICKY = 0o1000;

function refuseSharedDirectory(real: string, uid: number): void {
  const dir = path.dirname(real);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dir);
  } catch {
    return; // missing: we create it, 0700
  }
  if (!openToOthers(stat, uid) || (stat.mode & STICKY) !== 0) return;
  throw new SafeFileError(
    'E_IO_UNSAFE_DIR',
    `the database directory ${dir} can be written by someone else (owner uid ${stat.uid}, mode ${(stat.mode & 0o7777).toString(8).padStart(4, '0')}), ` +
      'who could replace the database or its -wal file while it is in use; choose a directory only you can write (e.g. your home), ' +
      `or fix it: chown ${uid === 0 ? 'root' : uid} '${dir}' && chmod go-w '${dir}'`,
  );
}

/**
 * Before any PRAGMA changes it: an existing file must be empty or an emondguard database. Someone
 * else's SQLite file (a wrong --db) would be damaged by our tables and by the switch to WAL.
 */
function refuseIfNotOurs(db: Database.Database, file: string): void {
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[];
  if (tables.length === 0) return;
  const version = schemaVersion(db);
  if (version > 0 && tables.includes('alerts')) return;
  throw new StoreError(
    'E_IO_NOT_ALERT_DB',
    `${file} is a SQLite database of another program, not an emondguard alert database; it was left untouched. Check the --db path`,
  );
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
  const migrated = migrate(db);
  // An upgrade may leave the old copy of a rebuilt table as free pages (version 4 rebuilds alerts):
  // hand them back to the disk now rather than at the next prune.
  if (migrated.from > 0 && migrated.to > migrated.from) db.pragma('incremental_vacuum');
  return migrated;
}

function translate(file: string, error: unknown): unknown {
  if (error instanceof StoreError || error instanceof SafeFileError) return error;
  if (isAccessError(error)) return accessError(file, error);
  return error;
}
