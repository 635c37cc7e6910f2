import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AlertStore } from '../../src/storage/alert-store.js';
import { makeAlert } from '../helpers/alerts.js';
import { isRoot, tempDir } from '../helpers/store.js';

const CHILD = fileURLToPath(new URL('./children/open-store.mjs', import.meta.url));
const NOBODY = 65534;
const mode = (file: string): number => fs.statSync(file).mode & 0o777;

/**
 * Runs the child as `uid`: started as ourselves, so it can load the checkout wherever it is (a
 * 0700 directory is not traversable by another uid), it drops to `uid` before touching the store.
 */
function runAs(uid: number | undefined, args: string[]): { ok: boolean; code?: string; message?: string; count?: number } {
  const result = spawnSync(process.execPath, [CHILD, ...args, ...(uid === undefined ? [] : ['--as', String(uid)])], { encoding: 'utf8' });
  if (result.stdout === '') throw new Error(`the child printed nothing: ${result.stderr}`);
  return JSON.parse(result.stdout) as { ok: boolean; code?: string; message?: string };
}

describe('file modes', () => {
  it('create the database directory 0700 and the database, WAL and shared-memory files 0600', () => {
    const root = tempDir();
    const file = path.join(root, 'nested', 'emondguard', 'alerts.db');
    const previous = process.umask(0o022);
    try {
      const store = AlertStore.open(file);
      store.insertAlerts([{ document: makeAlert() }]);
      expect(mode(path.dirname(file))).toBe(0o700);
      expect(mode(file)).toBe(0o600);
      expect(mode(`${file}-wal`)).toBe(0o600);
      expect(mode(`${file}-shm`)).toBe(0o600);
      store.close();
    } finally {
      process.umask(previous);
    }
  });

  it('tighten an existing database file to 0600 but leave an existing shared directory alone', () => {
    const dir = tempDir();
    fs.chmodSync(dir, 0o755);
    const file = path.join(dir, 'alerts.db');
    fs.writeFileSync(file, '');
    fs.chmodSync(file, 0o644);
    AlertStore.open(file).close();
    expect(mode(file)).toBe(0o600);
    expect(mode(dir)).toBe(0o755);
  });

  it.runIf(isRoot)('as root: the files are root-owned, and a non-root user can neither read nor open them', () => {
    const dir = tempDir();
    fs.chmodSync(dir, 0o755); // the directory is traversable; the file's own mode must protect it
    const file = path.join(dir, 'alerts.db');
    const store = AlertStore.open(file);
    store.insertAlerts([{ document: makeAlert() }]);
    store.close();
    expect(fs.statSync(file).uid).toBe(0);
    const asNobody = runAs(NOBODY, [file, '--read']);
    expect(asNobody.ok).toBe(false);
    expect(asNobody.code).toBe('E_IO_DB_OPEN');
    expect(asNobody.message).toMatch(/run with sudo, or pass --db PATH/);
    expect(runAs(undefined, [file, '--read'])).toEqual({ ok: true, count: 1 });
  });

  it('as a non-root user: the store is created in a directory the user owns, private to that user', () => {
    const dir = tempDir();
    if (isRoot) fs.chownSync(dir, NOBODY, NOBODY);
    const file = path.join(dir, 'data', 'alerts.db');
    const outcome = runAs(isRoot ? NOBODY : undefined, [file]);
    expect(outcome).toEqual({ ok: true, count: 0 });
    expect(mode(path.dirname(file))).toBe(0o700);
    expect(mode(file)).toBe(0o600);
    if (isRoot) expect(fs.statSync(file).uid).toBe(NOBODY);
  });
});
