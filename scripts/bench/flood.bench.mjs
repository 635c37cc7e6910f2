#!/usr/bin/env node
// Benchmark of the daemon under a flood of huge command lines (run by `npm run bench -- flood`,
// issue 11 §2): `emondguard run --source simulator --load 2000 --load-arg-bytes 250000` in its own
// process, as launchd starts it (the node options of launchd/com.emondguard.agent.plist), for 20 s,
// side by side with the same rate and ordinary (small) argv.
//
// Measured from outside: RSS max/avg from /proc every 100 ms; from the status file (rewritten every
// second here): events seen, queue drops and how many of them the byte budget (queueMaxMB) made,
// kernel drops, and the longest gap between two updates of the file.
// Goal: RSS < 200 MB, the status file keeps updating, drops are counted.
//
// BENCH_SECONDS changes the run length (default 20).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeProgramArguments } from '../../dist/doctor/install-layout.js';
import { parseXmlPlist } from '../../dist/plist/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = path.join(root, 'dist', 'cli', 'main.js');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const RATE = 2000;
const ARG_BYTES = 250_000;
const PAGE = 4096;
const log = (text) => process.stderr.write(`${text}\n`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function daemonNodeOptions(file) {
  const args = parseXmlPlist(readFileSync(file, 'utf8')).ProgramArguments;
  const split = Array.isArray(args) ? nodeProgramArguments(args.map(String)) : undefined;
  if (split === undefined) throw new Error(`${file}: ProgramArguments has no script to run`);
  return split.nodeOptions;
}
const NODE_OPTIONS = daemonNodeOptions(path.join(root, 'launchd', 'com.emondguard.agent.plist'));

function rssBytes(pid) {
  try {
    return Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]) * PAGE;
  } catch {
    return undefined;
  }
}

function readStatus(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

async function runFlood(argBytes) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'emondguard-flood-'));
  const statusPath = path.join(dir, 'status.json');
  const config = path.join(dir, 'config.json');
  writeFileSync(
    config,
    JSON.stringify({
      databasePath: path.join(dir, 'alerts.db'),
      statusPath,
      agentLogPath: path.join(dir, 'agent.log'),
      alertsNdjsonPath: path.join(dir, 'alerts.ndjson'),
      statusIntervalSeconds: 1,
    }),
  );
  const args = [...NODE_OPTIONS, cli, 'run', '--config', config, '--source', 'simulator', '--load', String(RATE), '--emond-every', '5'];
  if (argBytes !== undefined) args.push('--load-arg-bytes', String(argBytes));
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (text) => (stderr = (stderr + text).slice(-4000)));
  const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  while (readStatus(statusPath)?.state !== 'running') {
    if (child.exitCode !== null) throw new Error(`the daemon exited at start: ${stderr}`);
    await sleep(50);
  }
  const rss = [];
  const updates = [];
  let last;
  const end = Date.now() + SECONDS * 1000;
  while (Date.now() < end) {
    const bytes = rssBytes(child.pid);
    if (bytes !== undefined) rss.push(bytes);
    const status = readStatus(statusPath);
    if (status && status.updatedAt !== last?.updatedAt) {
      updates.push(Date.parse(status.updatedAt));
      last = status;
    }
    await sleep(100);
  }
  // The gap still open at the end counts too: a file that stopped updating must show.
  updates.push(Date.now());
  const gaps = updates.slice(1).map((t, i) => t - updates[i]);
  const stopAt = Date.now();
  child.kill('SIGTERM');
  // A daemon that does not stop within 10 s is killed, and the row says so.
  const code = await Promise.race([exited, sleep(10_000).then(() => 'timeout')]);
  if (code === 'timeout') {
    child.kill('SIGKILL');
    await exited;
  }
  const stopMs = Date.now() - stopAt;
  return {
    argBytes,
    rssMaxMB: Math.max(...rss) / 2 ** 20,
    rssAvgMB: rss.reduce((a, b) => a + b, 0) / rss.length / 2 ** 20,
    events: last?.events.total ?? 0,
    queueDrops: last?.drops.queue ?? 0,
    byteDrops: last?.drops.queueByteBudget ?? 0,
    kernelDrops: last?.drops.kernel ?? 0,
    statusUpdates: updates.length - 1,
    maxGapMs: Math.max(...gaps),
    exitCode: code,
    stop: code === 'timeout' ? 'no (SIGKILL after 10 s)' : `${stopMs} ms, exit ${code}`,
  };
}

const results = [];
for (const argBytes of [undefined, ARG_BYTES]) {
  log(`flood bench: ${RATE} exec/s, ${argBytes ?? 'small'} argv bytes, ${SECONDS} s…`);
  const r = await runFlood(argBytes);
  log(`  RSS max ${r.rssMaxMB.toFixed(1)} MB · events ${r.events} · queue drops ${r.queueDrops} (byte budget ${r.byteDrops}) · status gap max ${r.maxGapMs} ms`);
  results.push(r);
}
const [small, huge] = results;
const verdict = (ok) => (ok ? '✅ pass' : '❌ fail');
const lines = [
  '## Big-argv flood (`flood`)',
  '',
  `\`emondguard run --source simulator --load ${RATE} [--load-arg-bytes ${ARG_BYTES}]\` in its own process with the LaunchDaemon's node options (${NODE_OPTIONS.map((o) => `\`${o}\``).join(' ') || 'none'}) and the default configuration (queueMaxMB 64, maxArgBytes 256 KiB), status file every second, ${SECONDS} s per row; RSS sampled from /proc every 100 ms; counters from the last status file; the status gap is the longest time between two rewrites of the file (the open gap at the end included). Load average at the end: ${os.loadavg().map((l) => l.toFixed(2)).join(', ')} on ${os.cpus().length} cores.`,
  '',
  '| argv per exec | RSS max / avg (MB) | events seen | queue drops | of which byte budget | kernel drops | status updates | longest status gap (ms) | SIGTERM → exit |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
  ...results.map(
    (r) =>
      `| ${r.argBytes === undefined ? 'small (`git status --short`)' : `${r.argBytes.toLocaleString('en-US')} B`} | ${r.rssMaxMB.toFixed(1)} / ${r.rssAvgMB.toFixed(1)} | ${r.events} | ${r.queueDrops} | ${r.byteDrops} | ${r.kernelDrops} | ${r.statusUpdates} | ${r.maxGapMs} | ${r.stop} |`,
  ),
  '',
  `Huge against small argv, side by side: RSS max ${(huge.rssMaxMB / small.rssMaxMB).toFixed(2)}×.`,
  '',
  '| goal | measured | result |',
  '| --- | --- | --- |',
  `| RSS < 200 MB under the flood | ${huge.rssMaxMB.toFixed(1)} MB | ${verdict(huge.rssMaxMB < 200)} |`,
  `| the status file keeps updating (no gap over 3 intervals) | longest gap ${huge.maxGapMs} ms | ${verdict(huge.maxGapMs <= 3000)} |`,
  `| drops are counted | ${huge.queueDrops} queue drops, ${huge.byteDrops} by the byte budget | ${verdict(huge.queueDrops > 0 && huge.byteDrops > 0)} |`,
];
process.stdout.write(`${lines.join('\n')}\n`);
