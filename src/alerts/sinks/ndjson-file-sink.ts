import fs from 'node:fs';
import path from 'node:path';
import { PRIVATE_FILE_MODE } from '../../storage/file-modes.js';
import type { StoredAlert } from '../stored-alert.js';
import type { AgentDocument, AlertSink } from './alert-sink.js';

/**
 * The ECS NDJSON file for log shippers (Elastic Agent, Filebeat, Fluent Bit): one alert document
 * per line, appended, rotated by size by renaming (`alerts.ndjson` → `.1` → `.2` …), which those
 * shippers follow by inode. A write that fails half-way is cut back so the file never holds a
 * partial line, and the whole batch is retried.
 */

/** The file operations the sink uses; tests substitute failing ones (disk full) through this. */
export interface SinkFileSystem {
  openSync(file: string, flags: string, mode: number): number;
  writeSync(fd: number, buffer: Buffer, offset: number, length: number): number;
  fstatSync(fd: number): { size: number };
  ftruncateSync(fd: number, length: number): void;
  closeSync(fd: number): void;
  renameSync(from: string, to: string): void;
  existsSync(file: string): boolean;
  rmSync(file: string, options: { force: boolean }): void;
  mkdirSync(dir: string, options: { recursive: boolean; mode: number }): unknown;
}

export interface NdjsonFileSinkOptions {
  path: string;
  /** Rotate before a write would take the file past this size (default 50 MiB). */
  maxBytes?: number;
  /** Rotated files kept beside the live one (default 5). */
  maxFiles?: number;
  fileSystem?: SinkFileSystem;
}

export const DEFAULT_NDJSON_MAX_BYTES = 50 * 1024 * 1024;
export const DEFAULT_NDJSON_MAX_FILES = 5;

export class NdjsonFileSink implements AlertSink {
  readonly name = 'ndjson-file';
  readonly path: string;
  private readonly maxBytes: number;
  private readonly maxFiles: number;
  private readonly fs: SinkFileSystem;
  private fd: number | undefined;
  private size = 0;

  constructor(options: NdjsonFileSinkOptions) {
    this.path = options.path;
    this.maxBytes = options.maxBytes ?? DEFAULT_NDJSON_MAX_BYTES;
    this.maxFiles = options.maxFiles ?? DEFAULT_NDJSON_MAX_FILES;
    this.fs = options.fileSystem ?? (fs as unknown as SinkFileSystem);
  }

  write(alerts: readonly StoredAlert[]): void {
    this.append(alerts.map((a) => a.document));
  }

  /** The agent's lifecycle documents go in the same stream, so a shipper sends them with the alerts. */
  writeDocuments(documents: readonly AgentDocument[]): void {
    this.append(documents);
  }

  private append(documents: readonly object[]): void {
    if (documents.length === 0) return;
    const buffer = Buffer.from(documents.map((d) => `${JSON.stringify(d)}\n`).join(''), 'utf8');
    const fd = this.open();
    if (this.size > 0 && this.size + buffer.length > this.maxBytes) {
      this.rotate();
      return this.append(documents);
    }
    const before = this.size;
    try {
      let offset = 0;
      while (offset < buffer.length) offset += this.fs.writeSync(fd, buffer, offset, buffer.length - offset);
      this.size += buffer.length;
    } catch (error) {
      this.cutBack(fd, before);
      throw error;
    }
  }

  close(): void {
    if (this.fd !== undefined) this.fs.closeSync(this.fd);
    this.fd = undefined;
  }

  private open(): number {
    if (this.fd !== undefined) return this.fd;
    this.fs.mkdirSync(path.dirname(this.path), { recursive: true, mode: 0o700 });
    const fd = this.fs.openSync(this.path, 'a', PRIVATE_FILE_MODE);
    this.size = this.fs.fstatSync(fd).size;
    this.fd = fd;
    return fd;
  }

  private rotate(): void {
    this.close();
    this.fs.rmSync(`${this.path}.${this.maxFiles}`, { force: true });
    for (let n = this.maxFiles - 1; n >= 1; n--) {
      if (this.fs.existsSync(`${this.path}.${n}`)) this.fs.renameSync(`${this.path}.${n}`, `${this.path}.${n + 1}`);
    }
    if (this.maxFiles >= 1) this.fs.renameSync(this.path, `${this.path}.1`);
    else this.fs.rmSync(this.path, { force: true });
  }

  /** Removes the part of a failed write that did land, then reopens on the next attempt. */
  private cutBack(fd: number, size: number): void {
    try {
      this.fs.ftruncateSync(fd, size);
    } catch {
      // The retry rewrites the batch either way; a stray partial line is the lesser harm.
    }
    this.close();
  }
}
