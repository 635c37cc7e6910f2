import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { AlertStore } from '../../src/storage/alert-store.js';
import { makeAlert } from '../helpers/alerts.js';
import { tempDbPath } from '../helpers/store.js';

const UNCLOSED_WRITER = fileURLToPath(new URL('./children/unclosed-writer.mjs', import.meta.url));

const alerts = (n: number, from = 0) => Array.from({ length: n }, (_, i) => ({ document: makeAlert({ pid: from + i }) }));

/** Polls `check` until it holds or `timeoutMs` passes; returns whether it held. */
async function eventually(check: () => boolean, timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await sleep(25);
  }
  return check();
}

/** eventually(), but blocking: no event-loop turn runs while it waits. */
function eventuallyWithoutYielding(check: () => boolean, timeoutMs = 10_000): boolean {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    Atomics.wait(pause, 0, 0, 25);
  }
  return check();
}

const sizeOf = (file: string): number => (fs.existsSync(file) ? fs.statSync(file).size : 0);

describe('WAL checkpoints', () => {
  it('move to a thread after the first alert, which copies commits into the database while the writer stays open', async () => {
    const store = AlertStore.open(tempDbPath());
    store.insertAlerts(alerts(300));
    // Only a checkpoint moves pages from the WAL into the database file; 300 alerts are far below
    // SQLite's own threshold (1,000 pages), so the growth is the thread's doing.
    expect(await eventually(() => sizeOf(store.file) > 300 * 1000)).toBe(true);
    store.close();
  });

  it('stay in the commit when the thread is turned off, and happen at SQLite\'s threshold only', async () => {
    const store = AlertStore.open(tempDbPath(), { backgroundCheckpointAfter: false });
    store.insertAlerts(alerts(300));
    await sleep(500);
    expect(sizeOf(store.file)).toBeLessThan(100 * 1000);
    expect(sizeOf(`${store.file}-wal`)).toBeGreaterThan(300 * 1000);
    store.close();
    const check = new Database(store.file, { readonly: true });
    expect(check.prepare('SELECT count(*) FROM alerts').pluck().get()).toBe(300);
    check.close();
  });

  it('keep the WAL near its size limit under a flood the thread alone never catches up with', () => {
    const limit = 1024 * 1024;
    const store = AlertStore.open(tempDbPath(), { journalSizeLimitBytes: limit });
    let largestWal = 0;
    const batches = 80;
    // One synchronous loop of commits, never yielding: the worst case for a thread that has to
    // find the WAL fully copied to let it start over.
    for (let b = 0; b < batches; b++) {
      store.insertAlerts(alerts(500, b * 500));
      largestWal = Math.max(largestWal, sizeOf(`${store.file}-wal`));
    }
    const inserted = sizeOf(store.file) + sizeOf(`${store.file}-wal`);
    store.close();
    expect(inserted).toBeGreaterThan(30 * limit);
    // Without the writer's catch-up the WAL holds the whole flood (the ~34 MB inserted).
    expect(largestWal).toBeLessThan(16 * limit);
    expect(fs.existsSync(`${store.file}-wal`)).toBe(false);
  });

  it('fall back to the writer, with an agent event saying why, when the thread cannot run', async () => {
    const file = tempDbPath();
    const store = AlertStore.open(file);
    // The thread opens the database by its path; moved away, it cannot, and stops.
    fs.renameSync(file, `${file}.moved`);
    store.insertAlerts(alerts(1));
    const failed = () => {
      store.commit({});
      return store.agentEvents({ kinds: ['store_failure'] }).length > 0;
    };
    // Polled without ever yielding to the event loop, as a writer in a loop of commits does:
    // the thread's reason must reach it through shared memory, not a message it would never read.
    expect(eventuallyWithoutYielding(failed)).toBe(true);
    const [event] = store.agentEvents({ kinds: ['store_failure'] });
    expect(event?.message).toMatch(/WAL checkpoint thread stopped \(.*unable to open.*\); checkpoints run in the writer again/);
    // The store keeps working, and says so once.
    expect(store.insertAlerts(alerts(5, 100))).toHaveLength(5);
    expect(store.agentEvents({ kinds: ['store_failure'] })).toHaveLength(1);
    expect(store.count()).toBe(6);
    store.close();
  });

  it('never keep a process alive that did not close its store', () => {
    const file = tempDbPath();
    const child = spawnSync(process.execPath, [UNCLOSED_WRITER, file, '2000'], { encoding: 'utf8', timeout: 20_000 });
    expect(child.error).toBeUndefined();
    expect(child.status).toBe(0);
    expect(child.stdout).toBe('committed 2000\n');
    const check = new Database(file, { readonly: true });
    expect(check.prepare('SELECT count(*) FROM alerts').pluck().get()).toBe(2000);
    expect(check.pragma('quick_check', { simple: true })).toBe('ok');
    check.close();
  });
});
