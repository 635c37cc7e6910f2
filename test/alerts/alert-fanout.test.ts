import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { createAlertFanOut } from '../../src/alerts/alert-fanout.js';
import type { AlertSink } from '../../src/alerts/sinks/alert-sink.js';
import { NdjsonFileSink } from '../../src/alerts/sinks/ndjson-file-sink.js';
import { UnifiedLogAlertSink } from '../../src/alerts/sinks/unified-log-sink.js';
import type { StoredAlert } from '../../src/alerts/stored-alert.js';
import type { AlertDocument } from '../../src/alerts/alert-document.js';
import { AlertStore } from '../../src/storage/alert-store.js';
import { makeAlert, testRule } from '../helpers/alerts.js';
import { tempDbPath, tempDir } from '../helpers/store.js';
import { RecordingUnifiedLog } from '../helpers/unified-log.js';

/** A masquerading emond in a user's home. */
const FAKE = '/Users/x/.cache/emond';

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Reads the store through a second connection, as `alerts list` would. */
function rowsSeenByReader(file: string): number {
  const reader = new Database(file, { readonly: true });
  const n = reader.prepare('SELECT count(*) FROM alerts').pluck().get() as number;
  reader.close();
  return n;
}

/** A sink that fails until `up()` is called, then records what it is given. */
function flakySink(): { sink: AlertSink; received: StoredAlert[]; up: () => void } {
  const received: StoredAlert[] = [];
  let down = true;
  const sink: AlertSink = {
    name: 'flaky',
    write: (alerts) => {
      if (down) throw new Error('down');
      received.push(...alerts);
    },
  };
  return { sink, received, up: () => (down = false) };
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

  it('throttles: merged duplicates raise the stored count, held-back alerts are stored, counted and not notified', async () => {
    const store = AlertStore.open(tempDbPath());
    const sent: StoredAlert[] = [];
    const fanOut = createAlertFanOut({ store, throttle: { mergeIntervalMs: 60_000 }, sinks: [{ name: 'probe', write: (a) => void sent.push(...a) }] });
    const rule = testRule({ max_signals: 2 });
    const t = (s: number): string => new Date(Date.parse('2025-08-07T13:00:00Z') + s * 1000).toISOString();
    const alert = (s: number, args?: string[]) => makeAlert({ rule, time: t(s), parentExecutable: FAKE, ...(args ? { args } : {}) });
    const results = [
      fanOut.submit(alert(0), rule),
      fanOut.submit(alert(1), rule), // merged before the first is committed
    ];
    await nextTurn();
    results.push(fanOut.submit(alert(2), rule)); // merged after it is committed
    results.push(fanOut.submit(alert(3, ['other']), rule));
    results.push(fanOut.submit(alert(4, ['third']), rule));
    results.push(fanOut.submit(alert(5, ['fourth']), rule));
    results.push(fanOut.submit(alert(6, ['fourth']), rule)); // merged into a held-back one: held back too
    await fanOut.close();
    expect(results).toEqual(['keep', 'merge', 'merge', 'keep', 'held-back', 'held-back', 'merge']);
    // Every alert is in the store; the notification sinks got the first two keys' worth only.
    const rows = store.list({ order: 'oldest' });
    expect(rows.map((r) => [r.process.args.at(-1), r.count, r.notifications_held_back])).toEqual([
      ['http://203.0.113.7/payload.sh', 3, 0],
      ['other', 1, 0],
      ['third', 1, 1],
      ['fourth', 2, 2],
    ]);
    expect(sent.map((a) => a.document.process.args.at(-1))).toEqual(['http://203.0.113.7/payload.sh', 'other']);
    expect(store.get(rows[2]?.id as number)?.document.emondguard.notification_held_back).toBe(true);
    expect(store.suppressions()).toEqual([
      expect.objectContaining({ rule_id: rule.id, window_start: '2025-08-07T13:00:00.000Z', emitted: 2, merged: 3, suppressed: 2 }),
    ]);
    expect(store.stats().totals).toMatchObject({ alerts: 4, merged: 3, suppressed: 2 });
    expect(fanOut.stats().throttle).toMatchObject({ kept: 4, merged: 3, heldBack: 2 });
    store.close();
  });

  describe('a decoy flood from a fake emond', () => {
    /** The agent's notification sinks: NDJSON file and (simulated) unified log. */
    function agentSinks() {
      const ndjson = path.join(tempDir(), 'alerts.ndjson');
      const unifiedLog = new RecordingUnifiedLog();
      return {
        sinks: [new NdjsonFileSink({ path: ndjson }), new UnifiedLogAlertSink(unifiedLog)],
        ndjsonLines: () => fs.readFileSync(ndjson, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as AlertDocument),
        unifiedLog,
      };
    }
    const rule = testRule({ max_signals: 100 });
    const t = (ms: number): string => new Date(Date.parse('2025-08-07T13:00:00Z') + ms).toISOString();
    const real = (): AlertDocument => makeAlert({ rule, time: t(5000), pid: 9999, args: ['sh', '-c', 'the real one'], parentExecutable: '/sbin/emond' });

    async function expectRealEverywhere(store: AlertStore, out: ReturnType<typeof agentSinks>): Promise<void> {
      const [stored] = store.list({ rules: [rule.id] }).filter((a) => a.process.pid === 9999);
      expect(stored).toMatchObject({ notifications_held_back: 0, process: { parent: { executable: '/sbin/emond' } } });
      const line = out.ndjsonLines().find((d) => d.process.pid === 9999);
      expect(line?.kibana?.alert.uuid).toBe(stored?.uuid);
      expect(line?.event.id).toBe(stored?.uuid);
      // By its pid field: a random uuid may contain 9999 too.
      const logged = out.unifiedLog.records.filter((r) => / process\.pid=9999 /.test(r.message));
      expect(logged).toHaveLength(1);
      expect(logged[0]?.message).toContain(stored?.uuid as string);
    }

    it('100 alerts from /Users/x/.cache/emond, then the real one: it is in the database, the NDJSON and the unified log', async () => {
      const store = AlertStore.open(tempDbPath());
      const out = agentSinks();
      const fanOut = createAlertFanOut({ store, sinks: out.sinks });
      for (let i = 0; i < 100; i++) fanOut.submit(makeAlert({ rule, time: t(i), pid: 1000 + i, args: ['sh', String(i)], parentExecutable: FAKE }), rule);
      expect(fanOut.submit(real(), rule)).toBe('keep');
      expect(await fanOut.close()).toBe(true);
      await expectRealEverywhere(store, out);
      expect(store.count()).toBe(101);
      store.close();
    });

    it('the real one is committed as it arrives, not behind the decoys queued in the same turn', () => {
      const file = tempDbPath();
      const store = AlertStore.open(file);
      const fanOut = createAlertFanOut({ store, sinks: [] });
      for (let i = 0; i < 500; i++) fanOut.submit(makeAlert({ rule, time: t(i), pid: 1000 + i, args: ['sh', String(i)], parentExecutable: FAKE }), rule);
      fanOut.submit(real(), rule);
      // Still in the same turn: the real alert is visible to another connection, the decoys are not yet.
      expect(rowsSeenByReader(file)).toBe(1);
      expect(store.list({ rules: [rule.id] }).map((a) => a.process.pid)).toEqual([9999]);
      fanOut.flush();
      expect(rowsSeenByReader(file)).toBe(501);
      store.close();
    });

    it('in a sink queue far behind, the real one goes first and is never the copy shed', async () => {
      const store = AlertStore.open(tempDbPath());
      const { sink: flaky, received, up } = flakySink();
      const fanOut = createAlertFanOut({ store, sinks: [flaky], delivery: { maxQueue: 5, retryDelayMs: 5 } });
      fanOut.submit(real(), rule);
      for (let i = 0; i < 20; i++) fanOut.submit(makeAlert({ rule, time: t(i), pid: 1000 + i, args: ['sh', String(i)], parentExecutable: FAKE }), rule);
      await nextTurn();
      up();
      await fanOut.close(500);
      // Queued first and then buried under 20 decoys against a queue of 5: the decoys were shed, not it.
      expect(received.map((a) => a.document.process.pid)).toEqual([9999, 1016, 1017, 1018, 1019]);
      expect(fanOut.stats().sinks[0]).toMatchObject({ dropped: 16 });
      expect(store.count()).toBe(21);
      store.close();
    });

    it('a flood of many distinct fake keys, then the real one: still everywhere, and the flood is counted', async () => {
      const store = AlertStore.open(tempDbPath());
      const out = agentSinks();
      const fanOut = createAlertFanOut({ store, sinks: out.sinks, throttle: { maxKeys: 64 } });
      for (let i = 0; i < 3000; i++) {
        fanOut.submit(makeAlert({ rule, time: t(i), pid: 1000 + i, args: ['sh', String(i)], parentExecutable: `/Users/x/${i}/emond` }), rule);
      }
      expect(fanOut.submit(real(), rule)).toBe('keep');
      expect(await fanOut.close()).toBe(true);
      await expectRealEverywhere(store, out);
      // Every alert stored; 64 fake keys of their own, the rest sharing one budget of 100. The
      // real one takes no key: a trusted parent is never throttled.
      expect(store.count()).toBe(3001);
      expect(fanOut.stats().throttle).toMatchObject({ kept: 3001, keys: 64, keysAggregated: 3000 - 64, heldBack: 3000 - 64 - 100 });
      expect(out.ndjsonLines()).toHaveLength(64 + 100 + 1);
      store.close();
    });
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

  it('a sink backlog is written one batch per turn of the event loop, so commits and events get their turn in between', async () => {
    const store = AlertStore.open(tempDbPath());
    const writes: number[] = [];
    const sync: AlertSink = { name: 'sync', write: (alerts) => void writes.push(alerts.length) };
    const fanOut = createAlertFanOut({ store, throttle: false, sinks: [sync], delivery: { maxBatch: 2 } });
    for (let i = 0; i < 10; i++) fanOut.submit(makeAlert({ pid: i, args: [String(i)] }), testRule());
    fanOut.flush();
    // Every microtask run, and still only the first batch: the rest wait for later turns.
    for (let i = 0; i < 50; i++) await new Promise<void>((resolve) => queueMicrotask(resolve));
    expect(writes).toEqual([2]);
    await nextTurn();
    expect(writes).toEqual([2, 2]);
    await fanOut.close(500);
    expect(writes).toEqual([2, 2, 2, 2, 2]);
    store.close();
  });

  it('a sink far behind drops its oldest copies (counted), never the store rows', async () => {
    const store = AlertStore.open(tempDbPath());
    const { sink: flaky, received, up } = flakySink();
    const fanOut = createAlertFanOut({ store, throttle: false, sinks: [flaky], delivery: { maxQueue: 3, retryDelayMs: 5 } });
    for (let i = 0; i < 5; i++) fanOut.submit(makeAlert({ pid: i, args: [String(i)] }), testRule());
    await nextTurn();
    up();
    await fanOut.close(500);
    expect(received.map((a) => a.document.process.pid)).toEqual([2, 3, 4]);
    expect(fanOut.stats().sinks[0]).toMatchObject({ dropped: 2 });
    expect(store.count()).toBe(5);
    store.close();
  });
});
