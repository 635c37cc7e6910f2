import { spawnSync } from 'node:child_process';
import { mkdtempSync, openSync, closeSync, ftruncateSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EmondguardError } from '../../src/errors.js';
import { MAX_PLIST_FILE_BYTES, readPlistFile, readRegularFile } from '../../src/plist/index.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'emondguard-read-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function refusal(run: () => unknown): EmondguardError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(EmondguardError);
    return error as EmondguardError;
  }
  throw new Error('expected a refusal');
}

function fifo(name: string): string {
  const file = path.join(dir, name);
  expect(spawnSync('mkfifo', [file]).status).toBe(0);
  return file;
}

describe('readRegularFile reads only regular files, never more than the cap', () => {
  it('reads a regular file, and one behind a symlink (as emond would)', () => {
    const file = path.join(dir, 'a.plist');
    writeFileSync(file, 'hello');
    symlinkSync(file, path.join(dir, 'link'));
    expect(readRegularFile(file, 100).toString()).toBe('hello');
    expect(readRegularFile(path.join(dir, 'link'), 100).toString()).toBe('hello');
    expect(readRegularFile(file, 5).toString()).toBe('hello');
  });

  it('refuses a FIFO without waiting for a writer', () => {
    const error = refusal(() => readRegularFile(fifo('emond.plist'), 100));
    expect(error.code).toBe('E_IO_NOT_REGULAR');
    expect(error.message).toMatch(/emond\.plist: not a regular file \(a FIFO\)/);
  });

  it('refuses a symlink to a FIFO or to /dev/zero', () => {
    symlinkSync(fifo('pipe'), path.join(dir, 'to-fifo'));
    symlinkSync('/dev/zero', path.join(dir, 'to-zero'));
    expect(refusal(() => readRegularFile(path.join(dir, 'to-fifo'), 100)).message).toMatch(/not a regular file \(a FIFO\)/);
    const zero = refusal(() => readRegularFile(path.join(dir, 'to-zero'), 100));
    expect(zero.code).toBe('E_IO_NOT_REGULAR');
    expect(zero.message).toMatch(/not a regular file \(a character device\)/);
  });

  it('refuses a folder', () => {
    expect(refusal(() => readRegularFile(dir, 100)).message).toMatch(/not a regular file \(a folder\)/);
  });

  it('refuses a file over the cap by its size, without reading it', () => {
    const file = path.join(dir, 'big.plist');
    const fd = openSync(file, 'w');
    ftruncateSync(fd, MAX_PLIST_FILE_BYTES + 1); // sparse: costs no disk
    closeSync(fd);
    const error = refusal(() => readPlistFile(file));
    expect(error.code).toBe('E_IO_TOO_LARGE');
    expect(error.message).toMatch(/big\.plist: too large \(16777217 bytes; the limit is 16777216 bytes\)/);
  });

  it('names the system error for a missing file', () => {
    const error = refusal(() => readRegularFile(path.join(dir, 'none'), 100));
    expect(error.code).toBe('E_IO_READ');
    expect(error.message).toMatch(/none: cannot be read \(ENOENT/);
  });
});
