import fs from 'node:fs';
import path from 'node:path';

/**
 * Alerts hold command lines, which can carry secrets, so everything the store writes is private
 * to its owner: directories 0700, files 0600 (DESIGN §9). SQLite gives its -wal and -shm files the
 * mode of the database file, so creating that file 0600 ourselves covers all three.
 */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/**
 * Creates `dir` (and missing parents) 0700. An existing directory is left alone: it may be shared
 * (a user's home, /tmp), and tightening someone else's directory is not ours to do.
 */
export function ensurePrivateDir(dir: string): void {
  const created = fs.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  // mkdir's mode is filtered by the umask, so set the directory we made (the deepest one) exactly.
  if (created !== undefined) fs.chmodSync(dir, PRIVATE_DIR_MODE);
}

/** Creates `file` empty with mode 0600 if it is missing, and makes an existing one 0600. */
export function ensurePrivateFile(file: string): void {
  ensurePrivateDir(path.dirname(file));
  const fd = fs.openSync(file, fs.constants.O_CREAT | fs.constants.O_WRONLY | fs.constants.O_APPEND, PRIVATE_FILE_MODE);
  try {
    fs.fchmodSync(fd, PRIVATE_FILE_MODE);
  } finally {
    fs.closeSync(fd);
  }
}
