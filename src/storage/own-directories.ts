import path from 'node:path';
import { currentUid, ensureOwnDirectory } from './safe-files.js';

/** Where the daemon writes: each file's directory must be the daemon's own (checked before writing). */
export interface OwnFiles {
  database: string;
  status: string;
  agentLog?: string | null;
  alertsNdjson?: string | null;
}

/**
 * Before the agent writes anything: the data, status and log directories must belong to the
 * caller (root, for the daemon) and not be writable by group or others, or someone else could
 * swap the files in them between two of the agent's opens. A missing one is created (0700; the
 * status directory 0755, since `status` reads the file without root). Refuses with
 * E_IO_UNSAFE_DIR (exit 2), naming the directory and the fix.
 */
export function checkOwnDirectories(files: OwnFiles, uid: number = currentUid()): void {
  const wanted: Array<[string, number]> = [
    [path.dirname(path.resolve(files.database)), 0o700],
    [path.dirname(path.resolve(files.status)), 0o755],
  ];
  for (const log of [files.agentLog, files.alertsNdjson]) {
    if (log) wanted.push([path.dirname(path.resolve(log)), 0o700]);
  }
  for (const [dir, mode] of wanted) ensureOwnDirectory(dir, mode, uid);
}
