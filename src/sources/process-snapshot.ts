import type { ProcessInfo } from '../native/native-types.js';
import type { SnapshotProcess } from '../process/process-record.js';
import { isoFromEpoch } from './es-time.js';

/**
 * The addon's process list as the process tree takes it: the start time in the form events carry
 * in `process.start`, so a process seeded here has the entity id its later events give it.
 */
export function snapshotProcesses(processes: readonly ProcessInfo[]): SnapshotProcess[] {
  return processes.map(({ pid, ppid, pidversion, executable, startTime }) => {
    const entry: SnapshotProcess = { pid, ppid, executable };
    if (pidversion !== undefined) entry.pidversion = pidversion;
    if (startTime !== undefined) entry.start = isoFromEpoch(startTime.sec, startTime.usec, 6);
    return entry;
  });
}
