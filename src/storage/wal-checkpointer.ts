import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { sqliteAddonPath, type Synchronous } from './open-database.js';

/**
 * Runs the WAL checkpoints of a writer's database on a thread of their own.
 *
 * SQLite's automatic checkpoint runs inside the commit that crosses `wal_autocheckpoint` pages:
 * that commit copies megabytes into the database file and fsyncs it, and better-sqlite3 is
 * synchronous, so the agent's event loop stalls for tens of milliseconds every second or so of a
 * flood and every alert queued behind it is late. A PASSIVE checkpoint from another connection
 * never blocks the writer (WAL lets the writer append while older frames are copied), so it runs
 * here, on a second connection in a worker thread, and the writer turns its own off once this
 * thread is running.
 *
 * Each pass also fsyncs the WAL before copying it, which is what makes `synchronous = NORMAL`
 * durable within a pass of a commit rather than at SQLite's next automatic checkpoint.
 *
 * Everything between the threads goes through shared memory, never messages: the writer may be
 * in a synchronous loop of commits that never yields to the event loop to read one — not even
 * the reason the thread failed, which must be there when the writer sees the failed state.
 */

export type CheckpointerState = 'starting' | 'running' | 'failed' | 'stopped';

export interface WalCheckpointerOptions {
  file: string;
  synchronous: Synchronous;
  /** Pause after a commit is announced before checkpointing, so one pass covers a burst. */
  delayMs?: number;
}

/** Slots of the shared Int32Array. */
const COMMITS = 0; // commits announced since the last pass began
const STOP = 1; // 1: end the thread
const STATE = 2; // STARTING → RUNNING → DONE, or FAILED
const REASON_BYTES = 3; // length of the UTF-8 failure reason, written before STATE says FAILED
const SLOTS = 4;

/** Room for the failure reason; a longer one is cut at a character boundary. */
const REASON_CAPACITY = 1024;

const STATE_CODES: Record<number, CheckpointerState> = { 0: 'starting', 1: 'running', 2: 'failed', 3: 'stopped' };

const DEFAULT_CHECKPOINT_DELAY_MS = 50;

/** How long stop() waits for the pass under way before the writer closes anyway. */
const STOP_TIMEOUT_MS = 5000;

// CommonJS evaluated in the worker: a separate file would not exist beside the TypeScript sources
// the tests run, and the loop is short. Atomics.wait blocks this thread only.
const THREAD_SOURCE = `
const { workerData } = require('node:worker_threads');
const flags = new Int32Array(workerData.flags);
let db;
let state = 3;
try {
  const Database = require(workerData.sqlite);
  db = new Database(workerData.file, workerData.addon ? { fileMustExist: true, nativeBinding: workerData.addon } : { fileMustExist: true });
  db.pragma('synchronous = ' + workerData.synchronous);
  db.pragma('checkpoint_fullfsync = ON');
  Atomics.store(flags, ${STATE}, 1);
  while (Atomics.load(flags, ${STOP}) === 0) {
    Atomics.wait(flags, ${COMMITS}, 0);
    if (Atomics.wait(flags, ${STOP}, 0, workerData.delayMs) !== 'timed-out') break;
    Atomics.store(flags, ${COMMITS}, 0);
    db.pragma('wal_checkpoint(PASSIVE)');
  }
} catch (error) {
  state = 2;
  const written = new TextEncoder().encodeInto(String((error && error.message) || error), new Uint8Array(workerData.reason));
  Atomics.store(flags, ${REASON_BYTES}, written.written);
} finally {
  try { if (db) db.close(); } catch {}
  Atomics.store(flags, ${STATE}, state);
  Atomics.notify(flags, ${STATE});
}
`;

export class WalCheckpointer {
  private readonly flags = new Int32Array(new SharedArrayBuffer(SLOTS * Int32Array.BYTES_PER_ELEMENT));
  private readonly reason = new Uint8Array(new SharedArrayBuffer(REASON_CAPACITY));
  private stopped = false;
  /** Why the thread died when it could not say so itself (an error outside its loop). */
  private crash: string | undefined;

  constructor(options: WalCheckpointerOptions) {
    const worker = new Worker(THREAD_SOURCE, {
      eval: true,
      workerData: {
        flags: this.flags.buffer,
        reason: this.reason.buffer,
        file: options.file,
        synchronous: options.synchronous,
        delayMs: options.delayMs ?? DEFAULT_CHECKPOINT_DELAY_MS,
        sqlite: createRequire(import.meta.url).resolve('better-sqlite3'),
        addon: sqliteAddonPath(),
      },
    });
    worker.on('error', (error) => {
      this.crash = error.message;
      Atomics.store(this.flags, STATE, 2);
    });
    // Neither it nor the thread may keep a finished scan alive.
    worker.unref();
  }

  state(): CheckpointerState {
    return STATE_CODES[Atomics.load(this.flags, STATE)] ?? 'failed';
  }

  /** What stopped the thread, when it failed. */
  failureReason(): string {
    const length = Atomics.load(this.flags, REASON_BYTES);
    // TextDecoder does not read shared memory: copy the bytes out first.
    if (length > 0) return new TextDecoder().decode(this.reason.slice(0, length));
    return this.crash ?? 'the checkpoint thread stopped unexpectedly';
  }

  /** Tells the thread a commit added frames to the WAL (an atomic add and a wake-up, no syscall when it is busy). */
  committed(): void {
    if (this.stopped) return;
    Atomics.add(this.flags, COMMITS, 1);
    Atomics.notify(this.flags, COMMITS);
  }

  /**
   * Ends the thread. When it has its connection open, waits (bounded) for it to close, so the
   * writer's close is the last one and folds the WAL into the database as usual; a thread still
   * starting sees the stop as soon as it has opened and closes again on its own.
   */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    Atomics.store(this.flags, STOP, 1);
    // Also counts as an announcement, so a thread not yet at its first wait does not sleep.
    Atomics.add(this.flags, COMMITS, 1);
    Atomics.notify(this.flags, COMMITS);
    Atomics.notify(this.flags, STOP);
    if (this.state() === 'running') Atomics.wait(this.flags, STATE, 1, STOP_TIMEOUT_MS);
  }
}
