import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { ArgvCaps } from './argv-caps.js';
import { EventParseError, inputErrorFrom } from './errors.js';
import type { ExecEvent } from './exec-event.js';
import { LineSplitter, type LineSink } from './line-splitter.js';
import { LineStats } from './line-stats.js';
import { parseLine } from './parse-line.js';

export interface EventReaderOptions {
  /** Where line references point (`trace.ndjson:42`); `-` reads as `stdin`. */
  input?: string;
  stats?: LineStats;
  maxLineBytes?: number;
  /** The argv caps (the configuration's maxArgs, maxArgBytes, maxArgLength); the defaults otherwise. */
  argvCaps?: Readonly<ArgvCaps>;
}

/**
 * Bytes in, events out: splits lines, parses each (format detected per line) and hands events
 * to `onEvent`; irrelevant and malformed lines are counted in `stats` and never stop the stream.
 * Push-based, so the same reader serves files, stdin and a live eslogger child's stdout.
 */
export class EventReader implements LineSink {
  readonly stats: LineStats;
  private readonly splitter: LineSplitter;
  private readonly label: string;
  private readonly argvCaps: Readonly<ArgvCaps> | undefined;

  constructor(
    private readonly onEvent: (event: ExecEvent) => void,
    options: EventReaderOptions = {},
  ) {
    this.stats = options.stats ?? new LineStats();
    this.label = options.input === undefined || options.input === '-' ? 'stdin' : options.input;
    this.argvCaps = options.argvCaps;
    this.splitter = new LineSplitter(this, options.maxLineBytes === undefined ? {} : { maxLineBytes: options.maxLineBytes });
  }

  /** Bytes pushed so far. */
  get bytes(): number {
    return this.splitter.bytes;
  }

  push(chunk: Buffer): void {
    this.splitter.push(chunk);
  }

  end(): void {
    this.splitter.end();
  }

  line(text: string, lineNumber: number, lossy: boolean): void {
    const stats = this.stats;
    stats.lines++;
    if (lossy) stats.lossyUtf8++;
    if (isBlank(text)) {
      stats.blank++;
      return;
    }
    let parsed;
    try {
      parsed = parseLine(text, this.argvCaps);
    } catch (error) {
      if (!(error instanceof EventParseError)) throw error;
      stats.recordSkipped(error.reason, `${this.label}:${lineNumber}`);
      return;
    }
    if (parsed.kind === 'irrelevant') {
      stats.recordIrrelevant(parsed.reason);
      return;
    }
    stats.recordEvent(parsed.format, parsed.event.event.action);
    this.onEvent(parsed.event);
  }

  tooLong(lineNumber: number): void {
    this.stats.lines++;
    this.stats.recordSkipped('line_too_long', `${this.label}:${lineNumber}`);
  }
}

function isBlank(text: string): boolean {
  // Nearly every line starts with '{': decide those without scanning the line.
  if (text.length === 0) return true;
  return text.charCodeAt(0) !== 0x7b && text.trim().length === 0;
}

/**
 * Checks that an input can be read and returns its size in bytes (undefined for stdin, `-`), so
 * a command can reject a mistyped path before it produces any output.
 */
export async function inputSize(input: string): Promise<number | undefined> {
  if (input === '-') return undefined;
  try {
    const info = await stat(input);
    if (info.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    return info.size;
  } catch (error) {
    throw inputErrorFrom(error, input);
  }
}

/** Chunk size for file reads: large enough that per-chunk overhead vanishes, small enough to stay flat. */
const READ_CHUNK_BYTES = 1024 * 1024;

/**
 * Streams one input (a file path, or `-` for stdin) through a reader. File-system problems become
 * InputError (`E_IO_…`), checked before the first byte so a typo fails fast.
 */
export async function readInto(
  reader: Pick<EventReader, 'push' | 'end'>,
  input: string,
  stdin: Readable = process.stdin,
  signal?: AbortSignal,
): Promise<void> {
  let stream: Readable;
  if (input === '-') {
    stream = stdin;
  } else {
    await inputSize(input);
    stream = createReadStream(input, { highWaterMark: READ_CHUNK_BYTES });
  }
  const chunks = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  try {
    for (;;) {
      let next: IteratorResult<Buffer>;
      try {
        next = await chunks.next();
      } catch (error) {
        // Only failures of the stream itself are I/O errors; the consumer's own errors pass through.
        throw inputErrorFrom(error, input);
      }
      if (next.done === true) break;
      // A stopped consumer (the agent shutting down) ends the read early; the file is closed below.
      if (signal?.aborted) return;
      reader.push(next.value);
    }
  } finally {
    // Stops and closes the file if the consumer threw mid-stream (a no-op once the stream ended).
    await chunks.return?.();
  }
  reader.end();
}
