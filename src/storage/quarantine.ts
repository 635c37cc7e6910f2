import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import { currentUid, lstatOwnFile, renameNoReplace } from './safe-files.js';

export interface QuarantineRecord {
  /** Where the damaged database now is (its -wal and -shm beside it, same suffix). */
  movedTo: string;
  reason: string;
  at: number;
}

/**
 * Moves a damaged database and its WAL files aside, never deleting them: what they hold may be
 * the only copy of an attack's alerts, and someone may be able to salvage rows from them.
 *
 * `file` is the real path (open-writable.ts resolved it and checked it is the caller's). The new
 * name is never one that exists (a link that fails on an existing name, not a rename that would
 * replace a planted one), and only companions that are the caller's own regular files are moved:
 * a planted `-wal` symlink stays where it is, and the checks of the reopen refuse it.
 */
export function quarantineDatabase(file: string, reason: string, now: number, uid: number = currentUid()): QuarantineRecord {
  const stamp = new Date(now).toISOString().replace(/[:.]/g, '-');
  lstatOwnFile(file, uid);
  let movedTo = `${file}.corrupt-${stamp}`;
  while (!renameNoReplace(file, movedTo)) movedTo = `${file}.corrupt-${stamp}-${randomBytes(4).toString('hex')}`;
  for (const suffix of ['-wal', '-shm']) {
    let own: fs.Stats | undefined;
    try {
      own = lstatOwnFile(file + suffix, uid);
    } catch {
      continue; // not ours: left alone, never followed
    }
    if (own === undefined) continue;
    // A planted name at the destination must not make us leave an old WAL beside the new database.
    let to = movedTo + suffix;
    while (!renameNoReplace(file + suffix, to)) to = `${movedTo}-${randomBytes(4).toString('hex')}${suffix}`;
  }
  return { movedTo, reason, at: now };
}
