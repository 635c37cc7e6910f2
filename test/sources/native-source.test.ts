import { afterEach, describe, expect, it } from 'vitest';
import type { ExecEvent } from '../../src/events/exec-event.js';
import { NativeSource } from '../../src/sources/native-source.js';
import { addon, emondShellExec, resetSimulator, sim } from '../native/sim-helpers.js';

afterEach(resetSimulator);

describe('NativeSource', () => {
  it('hands over, on stop, the events the client had already received', async () => {
    // A long batch latency: without the hand-off on stop, these events would still be waiting.
    const source = new NativeSource(addon(), { batchLatencyMs: 10_000 });
    const seen: ExecEvent[] = [];
    await source.start({ onEvents: (events) => seen.push(...events), onWarning: () => {}, onFatal: () => {} });
    sim().inject([emondShellExec(), emondShellExec(), emondShellExec()]);
    expect(sim().waitUntilIdle(5000)).toBe(true);
    await source.stop();
    expect(seen).toHaveLength(3);
    expect(seen.map((e) => e.process.name)).toEqual(['sh', 'sh', 'sh']);
  });

  it('delivers nothing after stop() has resolved', async () => {
    const source = new NativeSource(addon(), {});
    const seen: ExecEvent[] = [];
    await source.start({ onEvents: (events) => seen.push(...events), onWarning: () => {}, onFatal: () => {} });
    await source.stop();
    sim().inject([emondShellExec()]);
    await new Promise((r) => setTimeout(r, 50));
    expect(seen).toHaveLength(0);
  });

  it('marks a capped exec process.Ext.args_truncated, keeps the real args_count, and reports byte-budget drops in its counters', async () => {
    const source = new NativeSource(addon(), { maxArgs: 2, batchLatencyMs: 1 });
    const seen: ExecEvent[] = [];
    await source.start({ onEvents: (events) => seen.push(...events), onWarning: () => {}, onFatal: () => {} });
    sim().inject([emondShellExec(), emondShellExec({ args: ['/bin/sh'] })]);
    expect(sim().waitUntilIdle(5000)).toBe(true);
    await source.stop();
    expect(seen[0]?.process.args).toEqual(['/bin/sh', '-c']);
    expect(seen[0]?.process.args_count).toBe(3);
    expect(seen[0]?.process.Ext).toEqual({ args_truncated: true });
    expect(seen[1]?.process.Ext).toBeUndefined();
    expect(source.counters()).toMatchObject({ queueDrops: 0, queueByteDrops: 0, queued: { events: 0, bytes: 0 } });
  });
});
