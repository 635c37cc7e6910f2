import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';

/** A fresh temporary directory per call, removed after the test. */
const made: string[] = [];

export function tempDir(prefix = 'emondguard-store-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}

afterEach(() => {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** A database path in a fresh directory (the file does not exist yet). */
export function tempDbPath(): string {
  return path.join(tempDir(), 'alerts.db');
}

export const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
