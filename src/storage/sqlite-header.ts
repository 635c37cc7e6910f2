import fs from 'node:fs';
import { StoreError } from './store-errors.js';

/** Every SQLite database file starts with these 16 bytes. */
const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

/**
 * Refuses a file that exists, is not empty and is not SQLite at all: a mistyped `--db` (a trace,
 * a note) must be left exactly as it is, not treated as a damaged database and moved aside.
 * Missing and empty files are fine (a new database starts there).
 */
export function refuseIfNotSqlite(file: string): void {
  let header: Buffer;
  try {
    const fd = fs.openSync(file, 'r');
    try {
      header = Buffer.alloc(SQLITE_MAGIC.length);
      header = header.subarray(0, fs.readSync(fd, header, 0, header.length, 0));
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return; // missing, a directory or unreadable: opening it reports that, with what to do
  }
  if (header.length === 0 || header.equals(SQLITE_MAGIC)) return;
  throw new StoreError(
    'E_IO_NOT_ALERT_DB',
    `${file} is not a SQLite database, so not an emondguard alert database; it was left untouched. ` +
      'Check the --db path (or EMONDGUARD_DB): it names the alert database, a new file or one emondguard wrote. ' +
      "If it is the agent's own database, damaged, restart the agent: it moves the file aside and starts a new one",
  );
}
