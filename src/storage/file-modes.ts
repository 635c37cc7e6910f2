import fs from 'node:fs';
import path from 'node:path';
import { currentUid, makeDirectory, openSafely } from './safe-files.js';

/**
 * Alerts hold command lines, which can carry secrets, so everything the store writes is private
 * to its owner: directories 0700, files 0600 (DESIGN §9). SQLite gives its -wal and -shm files the
 * mode of the database file, so creating that file 0600 ourselves covers all three.
 */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/**
 * Creates `dir` (and missing parents) 0700. An existing directory is left alone: it may be shared
 * (a user's home, /tmp), and tightening someone else's directory is not ours to do. Symlinks on
 * the way are followed only when safe-files.ts allows it.
 */
export function ensurePrivateDir(dir: string, uid: number = currentUid()): void {
  makeDirectory(dir, PRIVATE_DIR_MODE, uid);
}

/**
 * Creates `file` empty with mode 0600 if it is missing (O_EXCL), and makes an existing one 0600 —
 * only once the opened descriptor shows it is the caller's own regular file with one link: a
 * planted symlink or hard link is refused (SafeFileError), never chmod-ed through. Returns the
 * real path (symlinks the caller may follow resolved).
 */
export function ensurePrivateFile(file: string, uid: number = currentUid()): string {
  ensurePrivateDir(path.dirname(file), uid);
  const opened = openSafely(file, 'append', { uid, create: true, mode: PRIVATE_FILE_MODE });
  try {
    fs.fchmodSync(opened.fd, PRIVATE_FILE_MODE);
  } finally {
    fs.closeSync(opened.fd);
  }
  return opened.path;
}
