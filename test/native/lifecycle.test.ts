import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { addon, collect, deliver, emondShellExec, handedOver, resetSimulator, settle, sim } from './sim-helpers.js';

afterEach(resetSimulator);

function runFixture(name: string, args: string[] = [], nodeArgs: string[] = []) {
  const script = fileURLToPath(new URL(`../fixtures/native/${name}`, import.meta.url));
  return spawnSync(process.execPath, [...nodeArgs, script, ...args], { encoding: 'utf8', timeout: 120_000 });
}

describe('start and stop', () => {
  it('stop() is idempotent and stats survive it', async () => {
    const c = collect();
    deliver([emondShellExec(), emondShellExec()]);
    await c.waitFor(2);
    c.client.stop();
    c.client.stop();
    expect(c.client.running).toBe(false);
    expect(c.client.stats()).toMatchObject({ received: 2, delivered: 2 });
    expect(sim().clients()).toHaveLength(0);
  });

  it('refuses a second start() while running', () => {
    const c = collect();
    expect(() => c.client.start(() => {}, () => {})).toThrow(/already started/);
  });

  it('can start again after stop(), counting afresh', async () => {
    const c = collect();
    deliver([emondShellExec()]);
    await c.waitFor(1);
    c.client.stop();
    const again: unknown[] = [];
    c.client.start((events) => again.push(...events), () => {});
    deliver([emondShellExec(), emondShellExec()]);
    await handedOver(() => c.client.stats());
    expect(again).toHaveLength(2);
    expect(c.client.stats().received).toBe(2);
    c.client.stop();
  });

  it('stops promptly in the middle of a burst and delivers what was already received', async () => {
    const c = collect({ queueCapacity: 1 << 16 });
    sim().burst({ message: emondShellExec(), count: 1_000_000, ratePerSecond: 200_000 });
    await c.waitFor(1);
    const started = performance.now();
    c.client.stop();
    expect(performance.now() - started).toBeLessThan(2000);
    expect(sim().clients()).toHaveLength(0);
    await settle(100);
    const stats = c.client.stats();
    expect(stats.received).toBeLessThan(1_000_000);
    expect(stats.delivered + stats.queueDrops).toBe(stats.received);
    expect(c.events).toHaveLength(stats.delivered);
  });

  it('keeps every message the handler was given while it stops (none ignored mid-unsubscribe)', async () => {
    // At full speed the simulated ES thread is almost always inside a handler call when stop()
    // begins; a handler that stopped accepting before es_delete_client returned lost that message.
    for (let round = 0; round < 20; round++) {
      sim().resetHandlerTiming();
      const c = collect({ queueCapacity: 1 << 16 });
      sim().burst({ message: emondShellExec(), count: 1_000_000 });
      await c.waitFor(1);
      c.client.stop();
      await settle(20);
      const stats = c.client.stats();
      expect(stats.queueDrops).toBe(0);
      expect(stats.received).toBe(sim().handlerTiming().calls);
      expect(c.events).toHaveLength(stats.received);
    }
  });

  it('can be stopped from inside its own batch callback during a burst', async () => {
    const Client = addon().EsClient;
    const client = new Client({ batchSize: 8 });
    let batches = 0;
    client.start(
      () => {
        batches++;
        if (batches === 2) client.stop();
      },
      () => {},
    );
    sim().burst({ message: emondShellExec(), count: 100_000, ratePerSecond: 100_000 });
    await settle(300);
    expect(client.running).toBe(false);
    expect(sim().clients()).toHaveLength(0);
    const stats = client.stats();
    expect(stats.received).toBeLessThan(100_000);
    // What was received before stop() still arrived.
    expect(stats.delivered + stats.queueDrops).toBe(stats.received);
  });

  it('keeps RSS flat over 100 start/stop cycles', () => {
    const run = runFixture('start-stop-cycles.mjs', ['100'], ['--expose-gc']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const result = JSON.parse(run.stdout) as { delivered: number; warmRss: number; finalRss: number; stillRunning: number[] };
    expect(result.stillRunning).toEqual([]);
    expect(result.delivered).toBeGreaterThan(10_000);
    // 90 cycles after warm-up deliver ~45,000 events; a leak of one event or one client per cycle
    // would show as tens of megabytes. Allow allocator noise only (3–5 MB measured, most under load).
    expect(result.finalRss - result.warmRss).toBeLessThan(16 * 1024 * 1024);
  });

  it('exits cleanly when process.exit() runs inside a batch callback during a burst', () => {
    const run = runFixture('exit-during-burst.mjs', ['in-callback']);
    expect(run.signal).toBeNull();
    expect(run.status).toBe(7);
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toMatchObject({ batches: 3 });
  });

  it('exits cleanly when process.exit() runs from a timer with batches in flight', () => {
    const run = runFixture('exit-during-burst.mjs', ['from-timer']);
    expect(run.signal).toBeNull();
    expect(run.status).toBe(7);
    expect(run.stderr).toBe('');
    const result = JSON.parse(run.stdout) as { stats: { received: number } };
    expect(result.stats.received).toBeGreaterThan(0);
  });
});

describe('teardown in a worker', () => {
  it('survives a worker terminated with batches still queued for it', () => {
    const run = runFixture('worker-teardown.mjs', ['terminate', '10']);
    expect(run.signal).toBeNull();
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({ rounds: 10, lastCode: 1 });
  });

  it('survives process.exit() inside a worker\'s batch callback with more batches queued', () => {
    const run = runFixture('worker-teardown.mjs', ['exit', '10']);
    expect(run.stderr).not.toMatch(/FATAL ERROR/);
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ rounds: 10, lastCode: 3 });
  });
});

describe('a handler call after the client was deleted', () => {
  it('never reaches a stopped client (Apple does not promise es_delete_client rules it out)', async () => {
    const c = collect();
    deliver([emondShellExec()]);
    await c.waitFor(1);
    sim().deliverAfterDelete(emondShellExec({ target: { pid: 999, executable: '/bin/sh' } }), 50);
    c.client.stop();
    expect(c.client.stats()).toMatchObject({ received: 1, delivered: 1 });
    // Start again at once: the stopped run (its session, its queue) is freed before the late call.
    const again: unknown[] = [];
    c.client.start((events) => again.push(...events), () => {});
    expect(sim().lateDeliveriesDone(5000)).toBe(true);
    expect(sim().handlerTiming().calls).toBe(2); // the late call did happen
    await settle(30);
    expect(c.client.stats()).toMatchObject({ received: 0, delivered: 0 });
    expect(again).toEqual([]);
    expect(c.events.map((event) => event.process.pid)).not.toContain(999);
  });
});

describe('errors in the JavaScript callback', () => {
  it('reports an exception to onError and keeps delivering', async () => {
    const Client = addon().EsClient;
    const client = new Client({ batchSize: 1 });
    const seen: number[] = [];
    const errors: unknown[] = [];
    client.start(
      (events) => {
        for (const event of events) seen.push(event.process.pid);
        if (seen.length === 1) throw new Error('handler bug');
      },
      (error) => errors.push(error),
    );
    try {
      deliver([1, 2, 3].map((pid) => emondShellExec({ target: { pid, executable: '/bin/sh' } })));
      await handedOver(() => client.stats());
      expect(seen).toEqual([1, 2, 3]);
      expect(errors).toHaveLength(1);
      expect((errors[0] as Error).message).toBe('handler bug');
      expect(client.stats().callbackErrors).toBe(1);
      expect(client.stats().delivered).toBe(3);
    } finally {
      client.stop();
    }
  });

  it('survives an onError that throws too', async () => {
    const Client = addon().EsClient;
    const client = new Client({ batchSize: 1 });
    let calls = 0;
    client.start(
      () => {
        calls++;
        throw new Error('first');
      },
      () => {
        throw new Error('second');
      },
    );
    try {
      deliver([emondShellExec(), emondShellExec()]);
      await handedOver(() => client.stats());
      expect(calls).toBe(2);
      expect(client.stats().callbackErrors).toBe(2);
    } finally {
      client.stop();
    }
  });
});

describe('options', () => {
  it.each([
    [{ batchSize: 0 }, /batchSize must be an integer from 1 to 65536/],
    [{ batchLatencyMs: 1.5 }, /batchLatencyMs/],
    [{ queueCapacity: 1 }, /queueCapacity/],
    [{ events: [] }, /events must be a non-empty array/],
    [{ events: ['open'] }, /accepts only "exec", "fork" and "exit"/],
    [{ mode: 'emond' }, /mode must be "full" or "emond-only"/],
    [{ emondPaths: ['emond'] }, /absolute paths/],
  ])('rejects %j', (options, message) => {
    const Client = addon().EsClient;
    expect(() => new Client(options as never)).toThrow(message);
  });
});
