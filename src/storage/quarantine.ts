import fs from 'node:fs';

export interface QuarantineRecord {
  /** Where the damaged database now is (its -wal and -shm beside it, same suffix). */
  movedTo: string;
  reason: string;
  at: number;
}

/**
 * Moves a damaged database and its WAL files aside, never deleting them: what they hold may be
 * the only copy of an attack's alerts, and someone may be able to salvage rows from them.
 */
export function quarantineDatabase(file: string, reason: string, now: number): QuarantineRecord {
  const stamp = new Date(now).toISOString().replace(/[:.]/g, '-');
  let movedTo = `${file}.corrupt-${stamp}`;
  for (let n = 1; fs.existsSync(movedTo); n++) movedTo = `${file}.corrupt-${stamp}-${n}`;
  fs.renameSync(file, movedTo);
  for (const suffix of ['-wal', '-shm']) {
    if (fs.existsSync(file + suffix)) fs.renameSync(file + suffix, movedTo + suffix);
  }
  return { movedTo, reason, at: now };
}
