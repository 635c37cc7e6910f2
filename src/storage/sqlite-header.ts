import fs from 'node:fs';
import { openSafely, SafeFileError, type SafeOpened } from './safe-files.js';
import { StoreError } from './store-errors.js';

/** Every SQLite database file starts with these 16 bytes. */
const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

/** The first bytes of an open file: enough for the magic. */
export function readMagic(fd: number): Buffer {
  const header = Buffer.alloc(SQLITE_MAGIC.length);
  return header.subarray(0, fs.readSync(fd, header, 0, header.length, 0));
}

/** Empty (a new database starts there) or SQLite by its header. */
export function looksLikeSqlite(header: Buffer): boolean {
  return header.length === 0 || header.equals(SQLITE_MAGIC);
}

export function notSqliteError(file: string): StoreError {
  return new StoreError(
    'E_IO_NOT_ALERT_DB',
    `${file} is not a SQLite database, so not an emondguard alert database; it was left untouched. ` +
      'Check the --db path (or EMONDGUARD_DB): it names the alert database, a new file or one emondguard wrote. ' +
      "If it is the agent's own database, damaged, restart the agent: it moves the file aside and starts a new one",
  );
}

/**
 * Refuses a file that exists, is not empty and is not SQLite at all: a mistyped `--db` (a trace,
 * a note) must be left exactly as it is, not treated as a damaged database and moved aside.
 * Missing and empty files are fine (a new database starts there). Opened without following a
 * planted symlink and without blocking on a FIFO (safe-files.ts); any owner is fine for reading.
 */
export function refuseIfNotSqlite(file: string, uid?: number): void {
  let opened: SafeOpened;
  try {
    opened = openSafely(file, 'read', { anyOwner: true, ...(uid === undefined ? {} : { uid }) });
  } catch (error) {
    if (error instanceof SafeFileError) throw error;
    return; // missing, a directory or unreadable: opening it reports that, with what to do
  }
  let header: Buffer;
  try {
    header = readMagic(opened.fd);
  } finally {
    fs.closeSync(opened.fd);
  }
  if (!looksLikeSqlite(header)) throw notSqliteError(file);
}
