/**
 * Defects found reviewing the addon against Apple's headers (issue 12), each driven through the
 * simulator's failure injection: a failed start-up leaves no ES client behind, an allocation
 * failure on the ES thread is a counted drop rather than std::terminate, and the process snapshot
 * treats "nothing read" as the failure it is and survives a pid reused while it reads.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { addon, collect, deliver, emondShellExec, handedOver, resetSimulator, sim } from './sim-helpers.js';

afterEach(resetSimulator);

describe('EsClient.start() when a step after es_new_client fails', () => {
  for (const point of ['tsfn', 'thread'] as const) {
    it(`deletes the client it created when creating the ${point === 'tsfn' ? 'thread-safe function' : 'delivery thread'} fails`, async () => {
      const client = new (addon().EsClient)();
      sim().failNext(point);
      expect(() => client.start(() => {}, () => {})).toThrow(point === 'tsfn' ? /threadsafe_function/ : /delivery thread/);
      expect(client.running).toBe(false);
      // The session was running: without the clean-up it would still be subscribed, and stay so.
      expect(sim().clients()).toHaveLength(0);
      // And the object is usable afterwards: the next start() works and delivers.
      const events: unknown[] = [];
      client.start((batch) => events.push(...batch), () => {});
      try {
        deliver([emondShellExec()]);
        await handedOver(() => client.stats());
        expect(events).toHaveLength(1);
      } finally {
        client.stop();
      }
    });
  }
});

describe('an allocation failure in the ES handler', () => {
  it('is caught and counted as a drop; the next messages are delivered', async () => {
    const c = collect();
    sim().failNext('handler_alloc');
    deliver([emondShellExec(), emondShellExec(), emondShellExec()]);
    await handedOver(() => c.client.stats());
    const stats = c.client.stats();
    expect(stats).toMatchObject({ received: 3, delivered: 2, queueDrops: 1, handlerDrops: 1 });
    expect(c.events).toHaveLength(2);
    expect(c.drops.at(-1)?.queueDrops).toBe(1);
  });
});

describe('listProcesses failures and races', () => {
  it('fails with a clear error when proc_listallpids reads nothing (it returns 0, not only -1)', () => {
    sim().setProcessTable([{ pid: 1, ppid: 0, pidversion: 1, executable: '/sbin/launchd' }]);
    sim().failNext('proc_listallpids', 2);
    expect(() => addon().listProcesses()).toThrow(/proc_listallpids failed/);
  });

  it('fails when only the first call (the count) reads nothing, instead of listing from a guess', () => {
    sim().setProcessTable([{ pid: 1, ppid: 0, pidversion: 1, executable: '/sbin/launchd' }]);
    sim().failNext('proc_listallpids', 1);
    expect(() => addon().listProcesses()).toThrow(/proc_listallpids failed/);
  });

  it('never mixes two processes that shared a pid: re-reads an entry whose pidversion changed', () => {
    sim().setProcessTable([
      { pid: 1, ppid: 0, pidversion: 1, executable: '/sbin/launchd' },
      { pid: 300, ppid: 1, pidversion: 7, executable: '/sbin/emond' },
    ]);
    // emond exits right after its BSD info is read; pid 300 is reused by a shell under pid 1.
    sim().reuseDuringSnapshot({ pid: 300, ppid: 42, pidversion: 8, executable: '/bin/zsh' });
    expect(addon().listProcesses()).toEqual([
      { pid: 1, ppid: 0, pidversion: 1, executable: '/sbin/launchd' },
      { pid: 300, ppid: 42, pidversion: 8, executable: '/bin/zsh' },
    ]);
  });
});

describe("the simulator keeps Apple's rule that muted paths are real paths", () => {
  it('a mute of /tmp/emond selects nothing that runs as /private/tmp/emond (the agent must resolve first)', async () => {
    const linkPath = collect({ mode: 'emond-only', emondPaths: ['/tmp/emond'] });
    deliver([emondShellExec({ process: { pid: 301, pidversion: 11, ppid: 300, executable: '/private/tmp/emond' } })]);
    await handedOver(() => linkPath.client.stats());
    expect(linkPath.client.stats().received).toBe(0);
    linkPath.client.stop();

    const realPath = collect({ mode: 'emond-only', emondPaths: ['/private/tmp/emond'] });
    deliver([emondShellExec({ process: { pid: 301, pidversion: 11, ppid: 300, executable: '/private/tmp/emond' } })]);
    await realPath.waitFor(1);
    expect(realPath.events).toHaveLength(1);
  });
});
