import { afterEach, describe, expect, it } from 'vitest';
import { collect, deliver, emondShellExec, handedOver, resetSimulator, settle, shProcess, sim } from './sim-helpers.js';
import type { SimMessageSpec } from '../../src/native/native-types.js';

afterEach(resetSimulator);

const fork = (gap = 0, globalGap = 0, version = 7) => ({
  type: 'fork' as const,
  version,
  seqGap: gap,
  globalSeqGap: globalGap,
  process: { pid: 300, pidversion: 7, executable: '/sbin/emond' },
  child: { pid: 301, pidversion: 11 },
});

describe('kernel drop accounting from sequence numbers', () => {
  it('counts seq_num gaps per event type and global_seq_num gaps per client exactly', async () => {
    const c = collect();
    deliver([
      emondShellExec(), // exec seq 1, global 1
      emondShellExec({ seqGap: 3, globalSeqGap: 3 }), // exec seq 5 (2,3,4 lost), global 5
      fork(), // fork seq 1, global 6
      fork(2, 2), // fork seq 4 (2,3 lost), global 9 (7,8 lost)
      emondShellExec({ globalSeqGap: 10 }), // exec seq 6, global 20 (10 lost: of types we never see)
      { type: 'exit', version: 7, process: { pid: 301 }, seqGap: 0 }, // exit seq 1, global 21
    ]);
    await c.waitFor(6);
    expect(c.client.stats().kernelDrops).toEqual({ perType: { exec: 3, fork: 2, exit: 0 }, global: 3 + 2 + 10 });
    expect(c.events.map((e) => e.seqNum)).toEqual([1, 5, 1, 4, 6, 1]);
    expect(c.events.map((e) => e.globalSeqNum)).toEqual([1, 5, 6, 9, 20, 21]);
  });

  it('uses explicit sequence numbers as given: dropped = seq − (previous + 1)', async () => {
    const c = collect();
    deliver([
      emondShellExec({ seqNum: 100, globalSeqNum: 1000 }),
      emondShellExec({ seqNum: 101, globalSeqNum: 1001 }),
      emondShellExec({ seqNum: 150, globalSeqNum: 1100 }),
    ]);
    await c.waitFor(3);
    expect(c.client.stats().kernelDrops).toEqual({ perType: { exec: 48, fork: 0, exit: 0 }, global: 98 });
  });

  it('cannot count without sequence numbers: version 1 has none, versions 2–3 only per type', async () => {
    const c = collect();
    deliver([fork(0, 0, 1), fork(5, 5, 1), fork(0, 0, 3), fork(4, 4, 3)]);
    await c.waitFor(4);
    const stats = c.client.stats();
    expect(stats.kernelDrops.perType.fork).toBe(4);
    expect(stats.kernelDrops.global).toBe(0);
  });

  it('hands the cumulative drop counts to each batch', async () => {
    const c = collect({ batchSize: 1 });
    deliver([emondShellExec(), emondShellExec({ seqGap: 2, globalSeqGap: 2 })]);
    await c.waitFor(2);
    expect(c.drops.at(-1)).toMatchObject({ kernelDrops: 2, kernelDropsGlobal: 2, queueDrops: 0 });
  });
});

describe('the bounded queue', () => {
  it('wakes the delivery thread in time when batchSize is larger than the queue', async () => {
    // A batch of 64 can never be waited for in a ring of 16: half the ring is the batch then.
    const c = collect({ queueCapacity: 16, batchSize: 64, batchLatencyMs: 1000 });
    sim().burst({ message: emondShellExec(), count: 200, ratePerSecond: 2000 });
    // Not waitUntilIdle(): it would block the JS thread that drains the queue.
    await c.waitFor(200, 10_000);
    expect(c.client.stats()).toMatchObject({ received: 200, delivered: 200, queueDrops: 0 });
  });
  it('drops and counts when full, never blocking the ES thread', async () => {
    const c = collect({ queueCapacity: 64, batchSize: 16 });
    // The JS thread is stuck in waitUntilIdle while the burst runs, so nothing drains the queue
    // into JavaScript beyond what the delivery thread can hand over (8 batches in flight). If the
    // ES thread blocked on the full queue, waitUntilIdle would time out.
    sim().burst({ message: emondShellExec(), count: 5000 });
    expect(sim().waitUntilIdle(10_000)).toBe(true);
    await handedOver(() => c.client.stats());
    const stats = c.client.stats();
    expect(stats.received).toBe(5000);
    expect(stats.queueDrops).toBeGreaterThan(0);
    expect(stats.delivered + stats.queueDrops).toBe(5000);
    expect(stats.maxQueueDepth).toBeLessThanOrEqual(64);
    expect(c.events).toHaveLength(stats.delivered);
    expect(c.drops.at(-1)?.queueDrops).toBe(stats.queueDrops);
  });

  it('loses nothing when the queue has room', async () => {
    const c = collect({ queueCapacity: 1 << 14 });
    sim().burst({ message: emondShellExec(), count: 5000 });
    await c.waitFor(5000);
    const stats = c.client.stats();
    expect(stats).toMatchObject({ received: 5000, delivered: 5000, queueDrops: 0 });
    expect(stats.batches).toBeGreaterThanOrEqual(Math.ceil(5000 / 256));
    // Every message was numbered consecutively: no kernel drops either.
    expect(stats.kernelDrops.perType.exec).toBe(0);
  });
});

describe('simulated load', () => {
  it('cycles through a burst pattern in order and stamps each delivery with the current time', async () => {
    const c = collect({ queueCapacity: 1 << 14 });
    const sh = emondShellExec();
    const curl = emondShellExec({ target: shProcess({ executable: '/usr/bin/curl' }) });
    const before = Date.now();
    sim().burst({ pattern: [{ message: sh, repeat: 3 }, { message: curl }], count: 10 });
    await c.waitFor(10);
    const names = c.events.map((e) => e.process.executable.split('/').pop());
    expect(names).toEqual(['sh', 'sh', 'sh', 'curl', 'sh', 'sh', 'sh', 'curl', 'sh', 'sh']);
    // The messages themselves carry an old fixed time; stampNow was not asked for.
    expect(c.events[0]?.timeSec).toBe(sh.time?.sec);

    sim().burst({ message: sh, count: 2, stampNow: true });
    await c.waitFor(12);
    const stamped = c.events.slice(10).map((e) => e.timeSec * 1000 + Math.floor(e.timeNsec / 1e6));
    for (const ms of stamped) {
      expect(ms).toBeGreaterThanOrEqual(before - 1000);
      expect(ms).toBeLessThanOrEqual(Date.now() + 1000);
    }
  });
});

describe('the byte budget (queueMaxMB)', () => {
  // About 240 KB of argv per exec, the size the default maxArgBytes lets through.
  // By a user's shell (pre-exec image /bin/zsh, not in emondPaths): no share of emond's reserve.
  const hugeExec = (): SimMessageSpec =>
    emondShellExec({
      process: { pid: 700, pidversion: 9, ppid: 1, executable: '/bin/zsh' },
      args: ['/bin/sh', '-c', 'a'.repeat(60_000), 'b'.repeat(60_000), 'c'.repeat(60_000), 'd'.repeat(60_000)],
    });

  it('drops huge-argv events once the queued ones hold queueMaxMB, and counts each drop exactly', async () => {
    // A ring of 64 Ki events would hold 15 GB of these; the budget is 4 MB.
    const c = collect({ queueCapacity: 1 << 16, batchSize: 16, queueMaxMB: 4 });
    // The JS thread is stuck in waitUntilIdle, so nothing is handed back while the burst runs.
    sim().burst({ message: hugeExec(), count: 2000 });
    expect(sim().waitUntilIdle(20_000)).toBe(true);
    const during = c.client.stats();
    expect(during.maxQueueBytes).toBeLessThanOrEqual(4 * 2 ** 20);
    expect(during.queueBytes).toBeGreaterThan(2 * 2 ** 20);
    await handedOver(() => c.client.stats());
    const stats = c.client.stats();
    expect(stats.received).toBe(2000);
    expect(stats.queueByteDrops).toBeGreaterThan(1900);
    // The ring never filled: every drop is a byte-budget drop, and events in = delivered + drops.
    expect(stats.queueDrops).toBe(stats.queueByteDrops);
    expect(stats.delivered + stats.queueDrops).toBe(2000);
    expect(c.events).toHaveLength(stats.delivered);
    expect(c.events[0]?.args?.[2]).toHaveLength(60_000);
    expect(c.drops.at(-1)).toMatchObject({ queueDrops: stats.queueDrops, queueByteDrops: stats.queueByteDrops });
    // JavaScript handed every event back: the budget is free again.
    expect(stats.queueBytes).toBe(0);
  });

  it('gives the bytes back: after a flood, ordinary events flow again, and recycled events do not keep huge buffers', async () => {
    const c = collect({ queueCapacity: 1 << 16, batchSize: 16, queueMaxMB: 1 });
    sim().burst({ message: hugeExec(), count: 300 });
    expect(sim().waitUntilIdle(20_000)).toBe(true);
    await handedOver(() => c.client.stats());
    const afterFlood = c.client.stats();
    expect(afterFlood.queueByteDrops).toBeGreaterThan(0);
    // 200 small execs while JavaScript is stuck again: had the recycled events kept their 240 KB
    // buffers, each would be charged for them and most would be dropped against 1 MB.
    sim().burst({ message: emondShellExec(), count: 200 });
    expect(sim().waitUntilIdle(20_000)).toBe(true);
    expect(c.client.stats().queueBytes).toBeLessThan(200 * 8192);
    await handedOver(() => c.client.stats());
    const stats = c.client.stats();
    expect(stats.queueByteDrops).toBe(afterFlood.queueByteDrops);
    expect(stats.delivered - afterFlood.delivered).toBe(200);
  });

  it('hands JavaScript batches of at most a sixteenth of the budget in bytes, so one batch is never the whole queue', async () => {
    // 16 MB budget: batches of at most 1 MiB, i.e. 5 of these 240 KB events (the fifth crosses it).
    // Before the cap, a batch took up to batchSize events whatever their size: all 40 at once.
    const c = collect({ queueCapacity: 1 << 16, batchSize: 256, queueMaxMB: 16 });
    sim().burst({ message: hugeExec(), count: 40 });
    expect(sim().waitUntilIdle(20_000)).toBe(true);
    await c.waitFor(40);
    expect(c.client.stats().queueByteDrops).toBe(0);
    expect(Math.max(...c.batchSizes)).toBeLessThanOrEqual(5);
    expect(c.batchSizes.reduce((a, b) => a + b, 0)).toBe(40);
  });

  it('keeps a reserve for emond: its child\'s exec is queued even when a flood has spent the budget', async () => {
    // The flood: huge execs by a user's shell (pre-exec image /bin/zsh), while JavaScript is stuck.
    const c = collect({ queueCapacity: 1 << 16, batchSize: 16, queueMaxMB: 4 });
    sim().burst({ message: hugeExec(), count: 500 });
    expect(sim().waitUntilIdle(20_000)).toBe(true);
    expect(c.client.stats().queueByteDrops).toBeGreaterThan(400);
    // Then emond's child (pre-exec image /sbin/emond, in emondPaths by default): not dropped.
    // As large as a flood event, so it cannot slip into what the budget has left.
    deliver([emondShellExec({ args: ['/bin/sh', '-c', 'the real one', 'a'.repeat(60_000), 'b'.repeat(60_000), 'c'.repeat(60_000), 'd'.repeat(60_000)] })]);
    await handedOver(() => c.client.stats());
    const stats = c.client.stats();
    expect(c.events.filter((e) => e.args?.[2] === 'the real one')).toHaveLength(1);
    expect(stats.delivered + stats.queueDrops).toBe(501);
  });

  it('always takes an event into an empty queue, even one larger than the whole budget', async () => {
    const c = collect({ queueMaxMB: 1, maxArgBytes: 4 << 20, maxArgLength: 4 << 20 });
    deliver([emondShellExec({ args: ['/bin/sh', '-c', 'x'.repeat(2 << 20)] })]);
    const [event] = await c.waitFor(1);
    expect(event?.args?.[2]).toHaveLength(2 << 20);
    expect(c.client.stats().queueByteDrops).toBe(0);
  });

  it('rejects a queueMaxMB outside 1–65536, naming the option', () => {
    expect(() => collect({ queueMaxMB: 0 })).toThrow(/queueMaxMB must be an integer from 1 to 65536/);
  });
});
