import type { ArgvCaps } from '../events/argv-caps.js';
import { LineStats } from '../events/line-stats.js';
import type { EventSource, SourceCounters, SourceDescription, SourceHandlers } from './event-source.js';
import { EsloggerProcess } from './eslogger-process.js';
import { BatchingReader } from './reader-batches.js';

export interface EsloggerSourceOptions {
  path: string;
  events: readonly string[];
  /** The configuration's argv caps, the same the native source applies. */
  argvCaps?: Readonly<ArgvCaps>;
  /** Passed to the process supervisor (tests shorten the backoff). */
  backoff?: { initialBackoffMs?: number; maxBackoffMs?: number; startGraceMs?: number };
}

/**
 * The live source for Macs without the Endpoint Security entitlement (macOS 13+): Apple's eslogger
 * as a child process, its JSON lines parsed by the same reader as `scan`.
 */
export class EsloggerSource implements EventSource {
  private readonly stats = new LineStats();
  private process: EsloggerProcess | undefined;
  private stopped = false;
  /** Sequence gaps seen in eslogger's own seq_num/global_seq_num (kernel drops it could not avoid). */
  private kernelDrops = 0;
  private lastGlobalSeq: number | undefined;
  /** Printed lines that were not events, as of the last batch. */
  private notEventsSeen = 0;

  constructor(private readonly options: EsloggerSourceOptions) {}

  describe(): SourceDescription {
    return {
      kind: 'eslogger',
      note:
        'eslogger fallback (no Endpoint Security entitlement): its output format is not API, it runs unprotected ' +
        'as a separate process, and events are copied twice',
    };
  }

  async start(handlers: SourceHandlers): Promise<void> {
    this.stopped = false;
    this.process = new EsloggerProcess(
      { path: this.options.path, events: this.options.events, ...this.options.backoff },
      {
        onOutput: (stdout) => {
          // A fresh reader per child: a line cut short by a dying eslogger must not join the next one's first line.
          const reader = new BatchingReader('eslogger', (events) => {
            if (this.stopped) return;
            this.countGaps(events);
            handlers.onEvents(events);
          }, this.stats, this.options.argvCaps);
          this.lastGlobalSeq = undefined;
          stdout.on('data', (chunk: Buffer) => reader.push(chunk));
          stdout.on('end', () => reader.end());
        },
        onFatal: (error) => handlers.onFatal(error),
        onRestart: ({ attempt, delayMs, reason }) =>
          handlers.onWarning(new Error(`${reason}; restarting eslogger in ${delayMs} ms (attempt ${attempt}); events in between are not seen`)),
      },
    );
    await this.process.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.process?.stop();
  }

  counters(): SourceCounters {
    return { kernelDrops: this.kernelDrops, queueDrops: 0, skipped: this.stats.skippedTotal };
  }

  snapshot(): [] {
    return [];
  }

  /**
   * eslogger numbers messages per client (global_seq_num, version ≥ 4): a gap is a kernel drop —
   * unless a line in between was one eslogger did print but the reader skipped (malformed,
   * irrelevant), which used a number too and is already counted as skipped.
   */
  private countGaps(events: readonly { event: { sequence?: number } }[]): void {
    let gap = 0;
    for (const event of events) {
      const seq = event.event.sequence;
      if (seq === undefined) continue;
      if (this.lastGlobalSeq !== undefined && seq > this.lastGlobalSeq + 1) gap += seq - this.lastGlobalSeq - 1;
      this.lastGlobalSeq = seq;
    }
    const notEvents = this.stats.lines - this.stats.blank - this.stats.events;
    this.kernelDrops += Math.max(0, gap - (notEvents - this.notEventsSeen));
    this.notEventsSeen = notEvents;
  }
}
