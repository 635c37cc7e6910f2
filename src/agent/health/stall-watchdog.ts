import { Worker } from 'node:worker_threads';

/**
 * Exits the agent when its pipeline stops making progress while events wait: one event stuck in
 * a rule (or anything else holding the JavaScript thread) blinds the agent as surely as a kill,
 * and launchd's KeepAlive restarts a process that exits — not one that hangs.
 *
 * The check cannot run on the thread it watches: a blocked thread runs no timers. So it runs in a
 * worker thread that reads three numbers the pipeline publishes in shared memory — since when
 * the current batch is being handled (0: idle), how many batches are done, how many messages
 * the source took in since a batch last finished — and declares a stall when a batch has been in
 * hand for `stallSeconds`, or messages came in and no batch finished for that long.
 *
 * On a stall the worker writes why (stderr, which launchd keeps, the agent log file, and the
 * state record, so the next start's `unclean-shutdown` document carries the reason) and tells the
 * main thread, which exits with STALL_EXIT_CODE. A worker cannot end the process with an exit
 * code (process.exit there ends only the worker), so if the main thread is too stuck to take the
 * message within a second, the worker ends the process with SIGKILL; KeepAlive restarts it either way.
 */

export const STALL_EXIT_CODE = 70;

export interface StallWatchdogOptions {
  stallSeconds: number;
  /** The agent's JSON-lines log (agentLogPath), where the reason is appended; none when null. */
  agentLogPath: string | null;
  /** The agent state record, whose `endReason` gets the reason. */
  statePath: string;
  /** The main thread's side: log through the agent's logger and exit. Tests replace it. */
  onStall: (reason: string) => void;
  /**
   * How long the main thread has to act on the stall before the worker ends the process with
   * SIGKILL (default 1000 ms); null never does — for tests that run the watchdog in their own process.
   */
  killAfterMs?: number | null;
  /** The watchdog thread itself failed (it cannot watch any more): reported, never fatal. */
  onError?: (error: Error) => void;
}

const BUSY_SINCE = 0;
const PROGRESS = 1;
const QUEUED = 2;

export class StallWatchdog {
  private readonly shared = new BigInt64Array(new SharedArrayBuffer(3 * 8));
  private worker: Worker | undefined;

  constructor(private readonly options: StallWatchdogOptions) {}

  start(): void {
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        buffer: this.shared.buffer,
        stallMs: this.options.stallSeconds * 1000,
        agentLogPath: this.options.agentLogPath,
        statePath: this.options.statePath,
        pid: process.pid,
        killAfterMs: this.options.killAfterMs === undefined ? 1000 : this.options.killAfterMs,
      },
      // Its own small heap: it holds a few numbers.
      resourceLimits: { maxOldGenerationSizeMb: 8, maxYoungGenerationSizeMb: 2 },
    });
    this.worker.on('message', (message: { stall?: string }) => {
      if (typeof message.stall === 'string') this.options.onStall(message.stall);
    });
    this.worker.on('error', (error: Error) => this.options.onError?.(error));
    this.worker.unref();
  }

  /** The pipeline took a batch. */
  enter(): void {
    Atomics.store(this.shared, BUSY_SINCE, BigInt(Date.now()));
  }

  /** The pipeline finished a batch. */
  leave(): void {
    Atomics.store(this.shared, BUSY_SINCE, 0n);
    Atomics.add(this.shared, PROGRESS, 1n);
  }

  /**
   * The source's running count of messages taken in (each status tick). What came in since the
   * last tick on which a batch had finished is what waits: a count, never a difference of two
   * counters that could drift (a message the source takes in and discards would otherwise count
   * as "waiting" for ever and end an idle agent).
   */
  observeReceived(received: number): void {
    const progress = Atomics.load(this.shared, PROGRESS);
    if (progress !== this.progressAtBaseline || this.receivedBaseline === undefined) {
      this.progressAtBaseline = progress;
      this.receivedBaseline = received;
    }
    Atomics.store(this.shared, QUEUED, BigInt(Math.max(0, received - this.receivedBaseline)));
  }

  private progressAtBaseline = -1n;
  private receivedBaseline: number | undefined;

  async stop(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }
}

/**
 * The worker, as source text (CommonJS, evaluated): nothing to resolve from dist or from the
 * TypeScript sources, so it starts the same under `node dist/…` and under the test runner.
 */
const WORKER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const crypto = require('node:crypto');
const shared = new BigInt64Array(workerData.buffer);
const stallMs = workerData.stallMs;
let lastProgress = Atomics.load(shared, 1);
let progressAt = Date.now();
let declared = false;

function recordReason(reason) {
  try {
    fs.writeSync(2, new Date().toISOString() + ' emondguard: stall watchdog: ' + reason + '\\n');
  } catch {}
  if (workerData.agentLogPath) {
    try {
      const fd = fs.openSync(workerData.agentLogPath, fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_NOFOLLOW);
      try {
        fs.writeSync(fd, JSON.stringify({ level: 'error', message: 'stall watchdog: ' + reason, timestamp: new Date().toISOString() }) + '\\n');
      } finally {
        fs.closeSync(fd);
      }
    } catch {}
  }
  try {
    const fd = fs.openSync(workerData.statePath, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
    let record;
    try {
      const stat = fs.fstatSync(fd);
      if (!stat.isFile() || stat.size > 16384) return;
      record = JSON.parse(fs.readFileSync(fd, 'utf8'));
    } finally {
      fs.closeSync(fd);
    }
    if (record.pid !== workerData.pid) return;
    record.endReason = 'stall watchdog: ' + reason;
    const temporary = workerData.statePath + '.' + crypto.randomBytes(8).toString('hex') + '.tmp';
    const out = fs.openSync(temporary, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW, 0o600);
    try {
      fs.writeSync(out, JSON.stringify(record) + '\\n');
    } finally {
      fs.closeSync(out);
    }
    fs.renameSync(temporary, workerData.statePath);
  } catch {}
}

function check() {
  if (declared) return;
  const now = Date.now();
  const busySince = Number(Atomics.load(shared, 0));
  const progress = Atomics.load(shared, 1);
  const queued = Number(Atomics.load(shared, 2));
  if (progress !== lastProgress) {
    lastProgress = progress;
    progressAt = now;
  }
  let reason;
  if (busySince > 0 && now - busySince >= stallMs) {
    reason = 'one batch of events has been in the pipeline for ' + Math.round((now - busySince) / 1000) + ' s (a rule or sink does not return); exiting so launchd restarts the agent';
  } else if (busySince === 0 && queued > 0 && now - progressAt >= stallMs) {
    // Only while no batch is in the pipeline: one that is gets the reason above once it has been
    // in for stallMs, which says what is stuck (a rule or sink), not just that nothing finished.
    reason = queued + ' event(s) are queued and no batch has been processed for ' + Math.round((now - progressAt) / 1000) + ' s; exiting so launchd restarts the agent';
  }
  if (!reason) return;
  declared = true;
  recordReason(reason);
  parentPort.postMessage({ stall: reason });
  // The main thread exits with the stall code if it can take the message; if it is stuck, end it here.
  if (workerData.killAfterMs !== null) setTimeout(() => process.kill(workerData.pid, 'SIGKILL'), workerData.killAfterMs);
}

setInterval(check, Math.max(100, Math.min(1000, stallMs / 4)));
`;
