import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, realpathSync, type Stats } from 'node:fs';
import { EmondguardError } from '../errors.js';

/**
 * Reads a file that someone else may have planted, without letting it hang or flood the reader:
 * only regular files are read, and never more than `maxBytes`.
 *
 * - `lstat` first; a symlink is resolved to its real path (emond and launchd follow symlinks, so
 *   the audit must see what they would see), and the resolved path is opened with `O_NOFOLLOW`, so
 *   a symlink swapped in after the check is refused instead of followed.
 * - `O_NONBLOCK`: a FIFO swapped in between the check and the open does not block the open
 *   waiting for a writer (it is refused by the `fstat` check just after).
 * - `fstat` of the descriptor decides, not the path: a regular file, at most `maxBytes`. A file
 *   that grows while it is read is cut at `maxBytes + 1` bytes and refused as too large.
 *
 * Errors (`EmondguardError`), each naming the path:
 * - `E_IO_NOT_REGULAR` "not a regular file (a FIFO)" — FIFOs, devices (/dev/zero), sockets, folders;
 * - `E_IO_TOO_LARGE`   "too large (… bytes; the limit is …)";
 * - `E_IO_READ`        anything the system refused (ENOENT, EACCES, ELOOP…), with its code.
 */
export function readRegularFile(path: string, maxBytes: number): Buffer {
  let fd: number | undefined;
  try {
    let target = path;
    const link = lstatSync(path);
    if (link.isSymbolicLink()) target = realpathSync(path);
    else if (!link.isFile()) throw notRegular(path, link);
    fd = openSync(target, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw notRegular(path, stats);
    if (stats.size > maxBytes) throw tooLarge(path, stats.size, maxBytes);
    return readAtMost(fd, path, stats.size, maxBytes);
  } catch (error) {
    if (error instanceof EmondguardError) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? 'EIO';
    const why = code === 'ELOOP' ? 'it was replaced by a symlink while being read' : (error as Error).message;
    throw new EmondguardError('E_IO_READ', `${path}: cannot be read (${code}: ${why}); check the path and permissions`, {
      cause: error,
    });
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Reads until end of file, but never past `maxBytes + 1` (one byte more proves it is too large). */
function readAtMost(fd: number, path: string, expected: number, maxBytes: number): Buffer {
  let buffer = Buffer.alloc(Math.min(expected, maxBytes) + 1);
  let length = 0;
  for (;;) {
    if (length === buffer.length) {
      if (length > maxBytes) throw tooLarge(path, length, maxBytes, true);
      const grown = Buffer.alloc(Math.min(buffer.length * 2, maxBytes + 1));
      buffer.copy(grown, 0, 0, length);
      buffer = grown;
    }
    const read = readSync(fd, buffer, length, buffer.length - length, null);
    if (read === 0) return buffer.subarray(0, length);
    length += read;
  }
}

export function fileTypeName(stats: Stats): string {
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  if (stats.isDirectory()) return 'a folder';
  if (stats.isSymbolicLink()) return 'a symlink';
  return 'not a file';
}

function notRegular(path: string, stats: Stats): EmondguardError {
  return new EmondguardError('E_IO_NOT_REGULAR', `${path}: not a regular file (${fileTypeName(stats)}); only regular files are read`);
}

function tooLarge(path: string, size: number, maxBytes: number, grew = false): EmondguardError {
  const what = grew ? `more than ${maxBytes} bytes (it grew while being read)` : `${size} bytes`;
  return new EmondguardError('E_IO_TOO_LARGE', `${path}: too large (${what}; the limit is ${maxBytes} bytes)`);
}
