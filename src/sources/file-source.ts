import type { ArgvCaps } from '../events/argv-caps.js';
import { readInto } from '../events/event-reader.js';
import type { EventSource, SourceCounters, SourceDescription, SourceHandlers } from './event-source.js';
import { BatchingReader } from './reader-batches.js';

/**
 * `--source file:PATH`: a recorded eslogger trace (or ECS NDJSON) run through the live pipeline,
 * once, to the end — alerts land in the store like live ones. The demo uses it where the native
 * addon is not available.
 */
export class FileSource implements EventSource {
  private reader: BatchingReader | undefined;
  private stopped = false;
  private reading: AbortController | undefined;

  constructor(
    private readonly path: string,
    private readonly argvCaps?: Readonly<ArgvCaps>,
  ) {}

  describe(): SourceDescription {
    return { kind: 'file', note: this.path };
  }

  async start(handlers: SourceHandlers): Promise<void> {
    this.stopped = false;
    const reader = new BatchingReader(
      this.path,
      (events) => {
        if (!this.stopped) handlers.onEvents(events);
      },
      undefined,
      this.argvCaps,
    );
    this.reader = reader;
    this.reading = new AbortController();
    // Reading runs on after start() resolves; a read failure ends the source like a dead eslogger.
    readInto(reader, this.path, process.stdin, this.reading.signal)
      .then(() => {
        if (!this.stopped) handlers.onEnd?.();
      })
      .catch((error: unknown) => handlers.onFatal(error instanceof Error ? error : new Error(String(error))));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.reading?.abort();
  }

  counters(): SourceCounters {
    return { kernelDrops: 0, queueDrops: 0, skipped: this.reader?.stats.skippedTotal ?? 0 };
  }

  snapshot(): [] {
    return [];
  }
}
