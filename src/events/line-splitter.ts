import { isUtf8 } from 'node:buffer';

export interface LineSink {
  /** A complete line without its terminator (`\n` or `\r\n`); `lossy` when invalid UTF-8 was replaced. */
  line(text: string, lineNumber: number, lossy: boolean): void;
  /** A line longer than the limit; its bytes were dropped as they arrived, never buffered whole. */
  tooLong(lineNumber: number, bytes: number): void;
}

/** Real eslogger lines are a few KB; an exec with a maximal argv and environment stays under 4 MiB. */
export const DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024;

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const REPLACEMENT_CHARACTER = '\uFFFD';

/**
 * Splits a byte stream into lines with memory bounded by the longest accepted line: it holds the
 * chunk it is given plus at most one unfinished line, and stops keeping a line's bytes once the
 * line is over the limit. Handles `\r\n`, a last line without a newline, a UTF-8 byte-order mark
 * and invalid UTF-8 (decoded with U+FFFD and reported, because dropping the line could drop an
 * alert).
 */
export class LineSplitter {
  private readonly maxLineBytes: number;
  /** Pieces of the line that started in an earlier chunk. */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** The current line is over the limit: its bytes are counted, not kept. */
  private discarding = false;
  private lineNumber = 0;
  private atStart = true;
  private bytesSeen = 0;

  constructor(
    private readonly sink: LineSink,
    options: { maxLineBytes?: number } = {},
  ) {
    this.maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  }

  /** Total bytes pushed so far (for progress). */
  get bytes(): number {
    return this.bytesSeen;
  }

  /** Lines completed so far. */
  get lines(): number {
    return this.lineNumber;
  }

  push(chunk: Buffer): void {
    this.bytesSeen += chunk.length;
    let start = 0;
    if (this.atStart && chunk.length > 0) {
      this.atStart = false;
      if (chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) start = 3;
    }
    for (;;) {
      const newline = chunk.indexOf(NEWLINE, start);
      if (newline === -1) {
        this.keep(chunk, start, chunk.length);
        return;
      }
      if (this.pendingBytes === 0 && !this.discarding) {
        this.emit(chunk, start, newline);
      } else {
        this.keep(chunk, start, newline);
        this.flushPending();
      }
      start = newline + 1;
    }
  }

  /** Call once the input ends: a last line without a newline is still a line. */
  end(): void {
    if (this.pendingBytes > 0 || this.discarding) this.flushPending();
  }

  private keep(chunk: Buffer, start: number, end: number): void {
    if (end <= start) return;
    const length = end - start;
    if (this.discarding) {
      this.pendingBytes += length;
      return;
    }
    if (this.pendingBytes + length > this.maxLineBytes) {
      // Over the limit: drop what we held and only count from now on.
      this.pending = [];
      this.pendingBytes += length;
      this.discarding = true;
      return;
    }
    // Copy: the caller may reuse the chunk's memory once push() returns.
    this.pending.push(Buffer.from(chunk.subarray(start, end)));
    this.pendingBytes += length;
  }

  private flushPending(): void {
    if (this.discarding) {
      this.lineNumber++;
      this.sink.tooLong(this.lineNumber, this.pendingBytes);
    } else {
      const line = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes);
      this.emit(line, 0, line.length);
    }
    this.pending = [];
    this.pendingBytes = 0;
    this.discarding = false;
  }

  private emit(buffer: Buffer, start: number, end: number): void {
    this.lineNumber++;
    if (end > start && buffer[end - 1] === CARRIAGE_RETURN) end--;
    if (end - start > this.maxLineBytes) {
      this.sink.tooLong(this.lineNumber, end - start);
      return;
    }
    const text = buffer.toString('utf8', start, end);
    // U+FFFD in the text is either real (encoded as EF BF BD) or a replaced invalid sequence;
    // only then is the slower validity check worth running.
    const lossy = text.includes(REPLACEMENT_CHARACTER) && !isUtf8(buffer.subarray(start, end));
    this.sink.line(text, this.lineNumber, lossy);
  }
}
