import fs from 'node:fs';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../../storage/file-modes.js';
import { openSafely } from '../../storage/safe-files.js';
import type { StoredAlert } from '../stored-alert.js';
import type { AgentDocument, AlertSink } from './alert-sink.js';

/**
 * The ECS NDJSON file for log shippers (Elastic Agent, Filebeat, Fluent Bit): one alert document
 * per line, appended, rotated by size by renaming (`alerts.ndjson` → `.1` → `.2` …), which those
 * shippers follow by inode. A write that fails half-way is cut back so the file never holds a
 * partial line, and the whole batch is retried.
 *
 * The file is opened through safe-files.ts: created with O_EXCL, or reopened with O_NOFOLLOW and
 * refused unless the descriptor is the agent's own regular file with one link, so a symlink or
 * hard link planted at the live name (before the first write or between a rotation and the next
 * open) is never written through. Rotation renames within the real directory; rename moves a
 * planted name without following it.
 */

/** The file operations the sink uses after opening; tests substitute failing ones (disk full) through this. */
export interface SinkFileSystem {
  writeSync(fd: number, buffer: Buffer, offset: number, length: number): number;
  fstatSync(fd: number): { size: number };
  ftruncateSync(fd: number, length: number): void;
  closeSync(fd: number): void;
  renameSync(from: string, to: string): void;
  existsSync(file: string): boolean;
  rmSync(file: string, options: { force: boolean }): void;
}

export interface NdjsonFileSinkOptions {
  path: string;
  /** Rotate before a write would take the file past this size (default 50 MiB). */
  maxBytes?: number;
  /** Rotated files kept beside the live one (default 5). */
  maxFiles?: number;
  fileSystem?: SinkFileSystem;
  /** The uid the file must belong to (safe-files.ts); default the effective uid. */
  uid?: number;
}

export const DEFAULT_NDJSON_MAX_BYTES = 50 * 1024 * 1024;
export const DEFAULT_NDJSON_MAX_FILES = 5;

export class NdjsonFileSink implements AlertSink {
  readonly name = 'ndjson-file';
  readonly path: string;
  private readonly maxBytes: number;
  private readonly maxFiles: number;
  private readonly fs: SinkFileSystem;
  private readonly uid: number | undefined;
  private fd: number | undefined;
  private size = 0;
  /** The real path opened last (symlinks the agent may follow resolved): rotation works on it. */
  private real: string;

  constructor(options: NdjsonFileSinkOptions) {
    this.path = options.path;
    this.real = options.path;
    this.maxBytes = options.maxBytes ?? DEFAULT_NDJSON_MAX_BYTES;
    this.maxFiles = options.maxFiles ?? DEFAULT_NDJSON_MAX_FILES;
    this.fs = options.fileSystem ?? (fs as unknown as SinkFileSystem);
    this.uid = options.uid;
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
    const opened = openSafely(this.path, 'append', {
      create: true,
      mode: PRIVATE_FILE_MODE,
      dirMode: PRIVATE_DIR_MODE,
      ...(this.uid === undefined ? {} : { uid: this.uid }),
    });
    this.real = opened.path;
    this.size = opened.stat.size;
    this.fd = opened.fd;
    return opened.fd;
  }

  private rotate(): void {
    this.close();
    const live = this.real;
    this.fs.rmSync(`${live}.${this.maxFiles}`, { force: true });
    for (let n = this.maxFiles - 1; n >= 1; n--) {
      if (this.fs.existsSync(`${live}.${n}`)) this.fs.renameSync(`${live}.${n}`, `${live}.${n + 1}`);
    }
    if (this.maxFiles >= 1) this.fs.renameSync(live, `${live}.1`);
    else this.fs.rmSync(live, { force: true });
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
