import path from 'node:path';
import type { Check } from '../check.js';

const MIB = 1024 * 1024;
/** Below this the database cannot grow and SQLite's WAL checkpoints start failing. */
export const DISK_FAIL_BYTES = 100 * MIB;
export const DISK_WARN_BYTES = 1024 * MIB;

export const diskSpaceCheck: Check = {
  id: 'disk-space',
  title: 'Disk space',
  async run({ env }) {
    const { path: dbPath } = env.databasePath();
    // statfs needs an existing path: the nearest existing ancestor of the database folder.
    let probe = path.dirname(dbPath);
    while (!env.fs.stat(probe) && path.dirname(probe) !== probe) probe = path.dirname(probe);
    const free = env.fs.freeBytes(probe);
    const details = { path: probe, freeBytes: free };
    const shown = `${(free / MIB).toFixed(0)} MiB free on the volume of ${probe}`;
    if (free < DISK_FAIL_BYTES) return { status: 'fail', summary: shown, fix: 'free space on that volume; alerts cannot be stored when it is full', details };
    if (free < DISK_WARN_BYTES) return { status: 'warn', summary: shown, fix: 'free space on that volume soon', details };
    return { status: 'pass', summary: shown, details };
  },
};
