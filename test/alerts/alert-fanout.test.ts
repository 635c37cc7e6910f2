import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { createAlertFanOut } from '../../src/alerts/alert-fanout.js';
import type { AlertSink } from '../../src/alerts/sinks/alert-sink.js';
import { NdjsonFileSink } from '../../src/alerts/sinks/ndjson-file-sink.js';
import { UnifiedLogAlertSink } from '../../src/alerts/sinks/unified-log-sink.js';
import type { StoredAlert } from '../../src/alerts/stored-alert.js';
import { AlertStore } from '../../src/storage/alert-store.js';
import { makeAlert, testRule } from '../helpers/alerts.js';
import { tempDbPath, tempDir } from '../helpers/store.js';
import { RecordingUnifiedLog } from '../helpers/unified-log.js';

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Reads the store through a second connection, as `alerts list` would. */
function rowsSeenByReader(file: string): number {
  const reader = new Database(file, { readonly: true });
  const n = reader.prepare('SELECT count(*) FROM alerts').pluck().get() as number;
  reader.close();
  return n;
}

describe('alert fan-out', () => {
  it('commits a lone alert on the next turn of the event loop, visible to another connection', async () => {
    const store = AlertStore.open(tempDbPath());
    const fanOut = createAlertFanOut({ store, throttle: false });
    expect(fanOut.submit(makeAlert(), testRule())).toBe('keep');
    expect(rowsSeenByReader(store.file)).toBe(0);
    await nextTurn();
    expect(rowsSeenByReader(store.file)).toBe(1);
    await fanOut.close();
    store.close();
  });

  it('batches a burst that arrives in one turn into one transaction', async () => {
    const store = AlertStore.open(tempDbPath());
    const fanOut = createAlertFanOut({ store, throttle: false });
    for (let i = 0; i < 1000; i++) fanOut.submit(makeAlert({ pid: i, args: ['sh', String(i)] }), testRule());
    await nextTurn();
    expect(fanOut.stats().store).toMatchObject({ commits: 1, committedAlerts: 1000, largestBatch: 1000 });
    await fanOut.close();
    store.close();
  });

  it('sends an alert to the other sinks only after it is committed, with its row id', async () => {
    const store = AlertStore.open(tempDbPath());
    const seen: Array<{ id: number | null; inStore: boolean }> = [];
    const probe: AlertSink = {
      name: 'probe',
      write: (alerts) => {
        for (const a of alerts) seen.push({ id: a.id, inStore: a.id !== null && rowsSeenByReader(store.file) >= a.id });
      },
    };
    const fanOut = createAlertFanOut({ store, throttle: false, sinks: [probe] });
    fanOut.submit(makeAlert({ pid: 1 }), testRule());
    fanOut.submit(makeAlert({ pid: 2 }), testRule());
    await fanOut.close();
    expect(seen).toEqual([{ id: 1, inStore: true }, { id: 2, inStore: true }]);
    store.close();
  });

  it('throttles: merged duplicates raise the stored count, suppressed alerts land in a summary row', async () => {
    const store = AlertStore.open(tempDbPath());
    const fanOut = createAlertFanOut({ store, throttle: { mergeIntervalMs: 60_000 } });
    const rule = testRule({ max_signals: 2 });
    const t = (s: number): string => new Date(Date.parse('2025-08-07T13:00:00Z') + s * 1000).toISOString();
    const results = [
      fanOut.submit(makeAlert({ rule, time: t(0) }), rule),
      fanOut.submit(makeAlert({ rule, time: t(1) }), rule), // merged before the first is committed
    ];
    await nextTurn();
    results.push(fanOut.submit(makeAlert({ rule, time: t(2) }), rule)); // merged after it is committed
    results.push(fanOut.submit(makeAlert({ rule, time: t(3), args: ['other'] }), rule));
    results.push(fanOut.submit(makeAlert({ rule, time: t(4), args: ['third'] }), rule));
    results.push(fanOut.submit(makeAlert({ rule, time: t(5), args: ['fourth'] }), rule));
    await fanOut.close();
    expect(results).toEqual(['keep', 'merge', 'merge', 'keep', 'suppress', 'suppress']);
    const [newest, oldest] = store.list();
    expect(oldest).toMatchObject({ count: 3, last_seen: t(2) });
    expect(newest).toMatchObject({ count: 1 });
    expect(store.suppressions()).toEqual([
      expect.objectContaining({ rule_id: rule.id, window_start: '2025-08-07T13:00:00.000Z', emitted: 2, merged: 2, suppressed: 2 }),
    ]);
    expect(store.stats().totals).toMatchObject({ alerts: 2, merged: 2, suppressed: 2 });
    store.close();
  });

  it('keeps a batch the database refused (locked) and commits it when the lock goes, losing nothing', async () => {
    const file = tempDbPath();
    const store = AlertStore.open(file, { busyTimeoutMs: 20 });
    const errors: string[] = [];
    const fanOut = createAlertFanOut({
      store,
      throttle: false,
      writer: { retryDelayMs: 20 },
      log: { error: (m) => errors.push(m), warn: () => undefined, info: () => undefined, debug: () => undefined },
    });
    const blocker = new Database(file);
    blocker.exec('BEGIN IMMEDIATE');
    for (let i = 0; i < 10; i++) fanOut.submit(makeAlert({ pid: i, args: [String(i)] }), testRule());
    await vi.waitFor(() => expect(fanOut.stats().store.failedCommits).toBeGreaterThan(0), { timeout: 5000, interval: 10 });
    expect(fanOut.stats().store.pendingAlerts).toBe(10);
    expect(errors[0]).toMatch(/could not commit alerts to the database; keeping them and retrying/);
    blocker.exec('ROLLBACK');
    blocker.close();
    // The next retry (backing off) commits them all.
    await vi.waitFor(() => expect(fanOut.stats().store).toMatchObject({ pendingAlerts: 0, committedAlerts: 10 }), { timeout: 5000, interval: 10 });
    expect(store.count()).toBe(10);
    await fanOut.close();
    store.close();
  });

  it('a sink that fails (disk full) is reported and retried; the SQLite copy is never affected', async () => {
    const store = AlertStore.open(tempDbPath());
    const dir = tempDir();
    let fullDisk = 3;
    const ndjson = new NdjsonFileSink({
      path: path.join(dir, 'alerts.ndjson'),
      fileSystem: {
        ...fs,
        writeSync: (fd: number, buffer: Buffer, offset: number, length: number) => {
          if (fullDisk > 0) {
            fullDisk -= 1;
            // Part of the batch lands before the disk fills: the sink must cut it back.
            fs.writeSync(fd, buffer, offset, Math.min(length, 10));
            throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
          }
          return fs.writeSync(fd, buffer, offset, length);
        },
      } as never,
    });
    const unified = new RecordingUnifiedLog();
    const logged: string[] = [];
    const fanOut = createAlertFanOut({
      store,
      throttle: false,
      sinks: [ndjson, new UnifiedLogAlertSink(unified)],
      delivery: { retryDelayMs: 10 },
      log: { error: (m) => logged.push(m), warn: (m) => logged.push(m), info: () => undefined, debug: () => undefined },
    });
    for (let i = 0; i < 5; i++) fanOut.submit(makeAlert({ pid: i, args: [String(i)] }), testRule());
    await nextTurn();
    // Committed and in the unified log at once, whatever the file sink does.
    expect(store.count()).toBe(5);
    expect(unified.records).toHaveLength(5);
    expect(await fanOut.close(2000)).toBe(true);
    const lines = fs.readFileSync(path.join(dir, 'alerts.ndjson'), 'utf8').split('\n').filter(Boolean);
    expect(lines.map((l) => (JSON.parse(l) as { process: { pid: number } }).process.pid)).toEqual([0, 1, 2, 3, 4]);
    const [sinkStats] = fanOut.stats().sinks;
    expect(sinkStats).toMatchObject({ sink: 'ndjson-file', delivered: 5, failures: 3, queued: 0 });
    expect(logged).toContain('sink ndjson-file failed; its alerts are kept in the database and retried');
    expect(logged).toContain('sink ndjson-file recovered');
    // Both ends of the failure are recorded for `alerts stats`.
    expect(store.agentEvents().map((e) => e.kind).sort()).toEqual(['sink_failure', 'sink_recovered']);
    store.close();
  });

  it('a sink that never recovers is given up on at close, and the alerts stay in the store', async () => {
    const store = AlertStore.open(tempDbPath());
    const broken: AlertSink = { name: 'broken', write: () => Promise.reject(new Error('log daemon unreachable')) };
    const fanOut = createAlertFanOut({ store, throttle: false, sinks: [broken], delivery: { retryDelayMs: 5 } });
    fanOut.submit(makeAlert(), testRule());
    expect(await fanOut.close(100)).toBe(false);
    expect(fanOut.stats().sinks[0]).toMatchObject({ queued: 1, delivered: 0, lastError: 'log daemon unreachable' });
    expect(store.count()).toBe(1);
    store.close();
  });

  it('a sink far behind drops its oldest copies (counted), never the store rows', async () => {
    const store = AlertStore.open(tempDbPath());
    const received: StoredAlert[] = [];
    let down = true;
    const flaky: AlertSink = {
      name: 'flaky',
      write: (alerts) => {
        if (down) throw new Error('down');
        received.push(...alerts);
      },
    };
    const fanOut = createAlertFanOut({ store, throttle: false, sinks: [flaky], delivery: { maxQueue: 3, retryDelayMs: 5 } });
    for (let i = 0; i < 5; i++) fanOut.submit(makeAlert({ pid: i, args: [String(i)] }), testRule());
    await nextTurn();
    down = false;
    await fanOut.close(500);
    expect(received.map((a) => a.document.process.pid)).toEqual([2, 3, 4]);
    expect(fanOut.stats().sinks[0]).toMatchObject({ dropped: 2 });
    expect(store.count()).toBe(5);
    store.close();
  });
});
