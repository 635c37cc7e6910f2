import type { ArgvCaps } from '../events/argv-caps.js';
import type { ExecEvent } from '../events/exec-event.js';
import { EventReader } from '../events/event-reader.js';
import { LineStats } from '../events/line-stats.js';

/**
 * An EventReader that hands its events over in batches, one per chunk of input, so a stream
 * source crosses into the pipeline once per read instead of once per line.
 */
export class BatchingReader {
  readonly stats: LineStats;
  private readonly reader: EventReader;
  private batch: ExecEvent[] = [];

  constructor(
    input: string,
    private readonly onEvents: (events: ExecEvent[]) => void,
    stats: LineStats = new LineStats(),
    argvCaps?: Readonly<ArgvCaps>,
  ) {
    this.stats = stats;
    this.reader = new EventReader((event) => this.batch.push(event), { input, stats, ...(argvCaps ? { argvCaps } : {}) });
  }

  push(chunk: Buffer): void {
    this.reader.push(chunk);
    this.flush();
  }

  end(): void {
    this.reader.end();
    this.flush();
  }

  private flush(): void {
    if (this.batch.length === 0) return;
    const events = this.batch;
    this.batch = [];
    this.onEvents(events);
  }
}
