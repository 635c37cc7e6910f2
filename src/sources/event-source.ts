import type { ExecEvent } from '../events/exec-event.js';
import type { SnapshotProcess } from '../process/process-record.js';

/**
 * What the agent needs from wherever events come from: the native Endpoint Security client, the
 * simulator, an eslogger child process, or a recorded file. The pipeline behind it is the same.
 */
export interface EventSource {
  /** Shown in the status file and the log: kind, mode, and a note on what this source cannot see. */
  describe(): SourceDescription;
  /**
   * Starts delivering. Resolves once the source runs; rejects with a typed error whose message
   * says how to fix what stopped it (Full Disk Access, root, entitlement…).
   */
  start(handlers: SourceHandlers): Promise<void>;
  /** Stops delivering; no `onEvents` call happens after the promise resolves. Idempotent. */
  stop(): Promise<void>;
  counters(): SourceCounters;
  /** Processes running now, to seed the process tree (empty where the source cannot tell). */
  snapshot(): SnapshotProcess[];
}

export interface SourceHandlers {
  onEvents(events: ExecEvent[]): void;
  /** Something went wrong but the source goes on (drops, a bad line, a restart). */
  onWarning(error: Error): void;
  /** The source stopped for good: it cannot recover (a revoked permission). */
  onFatal(error: Error): void;
  /** A finite source (a file) has delivered everything. */
  onEnd?(): void;
}

export interface SourceDescription {
  kind: 'endpoint-security' | 'eslogger' | 'simulator' | 'file';
  mode?: string;
  note?: string;
}

export interface SourceCounters {
  /** Events lost before the agent saw them: sequence gaps reported by the kernel. */
  kernelDrops: number;
  /** Events lost because the agent fell behind: a hand-off queue was full, in events or in bytes. */
  queueDrops: number;
  /** The part of queueDrops lost because the queue's byte budget (queueMaxMB) was full. */
  queueByteDrops?: number;
  /** Lines or messages the source could not use. */
  skipped: number;
  /** Events waiting to be handed to the pipeline, where the source can tell (heartbeats, the stall watchdog). */
  queued?: { events: number; bytes: number | null };
  /** Messages the source has taken in so far, where it counts them (the stall watchdog's "events keep coming"). */
  received?: number;
  /** Time spent converting messages on the ES thread, where the source can measure it (the simulator). */
  esThread?: { messages: number; busyNs: number };
}
