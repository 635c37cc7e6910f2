import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * Who a pid is: a pid alone is reused, so the agent records its own start time beside it, and
 * `status` says "running" only when a process with that pid *and* that start time exists. The
 * start time is an opaque token, compared for equality only, read the same way at both ends.
 */
export interface ProcessIdentity {
  /** The start-time token of `pid`, or null when no such process exists (or it cannot be read). */
  startToken(pid: number): string | null;
}

/** Linux: field 22 of /proc/PID/stat, the start time in clock ticks since boot (world-readable). */
export const procStatIdentity: ProcessIdentity = {
  startToken(pid) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      return null;
    }
    // The command (field 2) is in parentheses and may hold spaces or ')': count from the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null;
  },
};

/** macOS (and other BSDs): `ps -o lstart=`, which any user may run for a root process. */
export const psIdentity: ProcessIdentity = {
  startToken(pid) {
    try {
      const text = execFileSync('/bin/ps', ['-o', 'lstart=', '-p', String(pid)], { encoding: 'utf8', timeout: 2000, stdio: ['ignore', 'pipe', 'ignore'] }).trim();
      return text === '' ? null : text.replace(/\s+/g, ' ');
    } catch {
      // ps exits 1 when there is no such process.
      return null;
    }
  },
};

export function platformIdentity(platform: NodeJS.Platform = process.platform): ProcessIdentity {
  return platform === 'linux' ? procStatIdentity : psIdentity;
}
