import { readFileSync } from 'node:fs';
import { EmondguardError } from '../../errors.js';
import { writeFileAtomically } from '../../storage/safe-files.js';

/**
 * The health snapshot the daemon rewrites every few seconds and `emondguard status` reads. A file,
 * not a socket, so it can be read by an MDM extension attribute, by `cat`, and after a crash.
 */
export interface AgentStatus {
  schema: 1;
  /** `stopped` is written on a clean shutdown, so a stale file is told apart from a stop. */
  state: 'running' | 'stopped';
  pid: number;
  /**
   * The agent process's start time as the platform reports it (ProcessIdentity): with the pid, who
   * the agent is. `status` says "running" only while that pid has that start time.
   */
  processStart?: string | null;
  agentVersion: string;
  startedAt: string;
  updatedAt: string;
  uptimeSeconds: number;
  /** How often the file is rewritten; a reader calls it stale after a few missed updates. */
  intervalSeconds: number;
  source: { kind: string; mode?: string; note?: string };
  events: { total: number; perSecond: number; lastEventAt: string | null; skipped: number };
  /**
   * `queue`: every event lost in a hand-off queue; `queueByteBudget`: the part of `queue` lost
   * because the queue already held queueMaxMB. `queueBytes`: bytes waiting in it now.
   */
  drops: { kernel: number; queue: number; queueByteBudget?: number; queueBytes?: number };
  /**
   * `total` alerts stored (rows), `merged` into identical ones, `heldBack`: the part of `total` not
   * notified (over max_signals for its rule, parent and program).
   */
  alerts: { total: number; merged: number; heldBack: number; lastAlertAt: string | null };
  database: { path: string; sizeBytes: number | null };
  resources: { rssBytes: number; cpuPercent: number };
  /** ES-thread time converting messages, where measurable (simulator builds). */
  esThread?: { messages: number; busyNs: number };
  /** Budgets currently exceeded (self-watchdog), in words. */
  warnings: string[];
}

export class StatusFileError extends EmondguardError {}

/**
 * Written to a temporary file and renamed over the old one, so a reader never sees half a file.
 * The temporary name is random and created with O_EXCL (safe-files.ts): a predictable one could be
 * planted beforehand as a symlink that root then writes through. World-readable: `status` and MDM
 * extension attributes read it without root; it holds counters, no alert content.
 */
export function writeStatusFile(file: string, status: AgentStatus, uid?: number): void {
  writeFileAtomically(file, `${JSON.stringify(status, null, 2)}\n`, { mode: 0o644, dirMode: 0o755, ...(uid === undefined ? {} : { uid }) });
}

export function readStatusFile(file: string): AgentStatus {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new StatusFileError(
      missing ? 'E_STATUS_MISSING' : 'E_STATUS_READ',
      missing
        ? `no status file at ${file}: the agent is not running (or never ran with this configuration). ` +
            'Start it with `sudo launchctl kickstart -k system/com.emondguard.agent`, or check `emondguard doctor`.'
        : `cannot read the status file ${file}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  try {
    const status = JSON.parse(text) as AgentStatus;
    if (status.schema !== 1) throw new Error(`unknown schema ${String(status.schema)}`);
    return status;
  } catch (error) {
    throw new StatusFileError('E_STATUS_CORRUPT', `the status file ${file} is not a status snapshot (${(error as Error).message}); the agent rewrites it within seconds when running.`, { cause: error });
  }
}

/** A snapshot older than three missed updates means the agent stopped or hangs. */
export function isStale(status: AgentStatus, now: Date = new Date()): boolean {
  const age = (now.getTime() - Date.parse(status.updatedAt)) / 1000;
  return !(age <= Math.max(3 * status.intervalSeconds, 10));
}
