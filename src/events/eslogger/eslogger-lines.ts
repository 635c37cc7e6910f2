/**
 * Writes eslogger JSON lines — the format `scan` reads and the daemon's eslogger source parses —
 * for the demo's recorded trace and for tests.
 *
 * Builders of eslogger JSON lines for any ES message version 1–10, shaped like Apple's output:
 * fields appear only from the version that introduced them (ESMessage.h), audit tokens are
 * objects up to version 9 and 8-integer arrays from version 10, paths are written with `\/`,
 * and every file carries a `stat` like the real thing (so lines have realistic sizes).
 */

export interface ProcessSpec {
  pid: number;
  pidversion: number;
  executable: string;
  ppid: number;
  /** Defaults to ppid. */
  originalPpid?: number;
  /** pidversion in the parent audit token (version ≥ 4); defaults to 1. */
  parentPidversion?: number;
  /** Defaults to ppid. */
  parentTokenPid?: number;
  euid?: number;
  ruid?: number;
  egid?: number;
  rgid?: number;
  auid?: number;
  asid?: number;
  signingId?: string | null;
  teamId?: string | null;
  cdhash?: string;
  platformBinary?: boolean;
  codesigningFlags?: number;
  tty?: string | null;
  startTime?: string;
  responsiblePid?: number;
  executableTruncated?: boolean;
}

export interface MessageOptions {
  /** ES message version; 9 (macOS 15) unless given. */
  version?: number;
  time?: string;
  seqNum?: number;
  globalSeqNum?: number;
  /** Audit token spelling; by default arrays from version 10, objects before. */
  tokens?: 'object' | 'array';
}

export interface ExecOptions {
  args?: string[];
  env?: string[];
  cwd?: string | null;
  script?: string | null;
}

export type Json = { [key: string]: unknown };

const DEFAULT_TIME = '2025-08-07T13:21:35.880814738Z';
const DEFAULT_START = '2025-08-07T13:21:35.877422Z';
const EVENT_TYPE = { exec: 9, fork: 11, exit: 15 } as const;

export function execMessage(before: ProcessSpec, target: ProcessSpec, exec: ExecOptions = {}, options: MessageOptions = {}): Json {
  const version = options.version ?? 9;
  const body: Json = {
    target: processJson(target, options),
    args: exec.args ?? [target.executable],
    env: exec.env ?? ['PATH=/usr/bin:/bin:/usr/sbin:/sbin', 'HOME=/var/root', 'SHELL=/bin/sh'],
  };
  if (version >= 2) body['script'] = exec.script === undefined || exec.script === null ? null : fileJson(exec.script);
  if (version >= 3) body['cwd'] = fileJson(exec.cwd ?? '/');
  if (version >= 4) {
    body['last_fd'] = 2;
    body['fds'] = [0, 1, 2].map((fd) => ({ fd, fdtype: 1 }));
  }
  if (version >= 6) {
    body['image_cputype'] = 16777228;
    body['image_cpusubtype'] = 2;
  }
  if (version >= 7) body['dyld_exec_path'] = target.executable;
  return message('exec', processJson(before, options), body, options);
}

export function forkMessage(parent: ProcessSpec, child: ProcessSpec, options: MessageOptions = {}): Json {
  return message('fork', processJson(parent, options), { child: processJson(child, options) }, options);
}

export function exitMessage(process: ProcessSpec, stat: number, options: MessageOptions = {}): Json {
  return message('exit', processJson(process, options), { stat }, options);
}

/** A message object as one eslogger line (compact JSON, slashes escaped as eslogger does). */
export function toLine(value: Json): string {
  // JSON.stringify never writes '/' inside an escape sequence, so escaping every '/' is exact.
  return JSON.stringify(value).replace(/\//g, '\\/');
}

export function execLine(before: ProcessSpec, target: ProcessSpec, exec: ExecOptions = {}, options: MessageOptions = {}): string {
  return toLine(execMessage(before, target, exec, options));
}

export function forkLine(parent: ProcessSpec, child: ProcessSpec, options: MessageOptions = {}): string {
  return toLine(forkMessage(parent, child, options));
}

export function exitLine(process: ProcessSpec, stat = 0, options: MessageOptions = {}): string {
  return toLine(exitMessage(process, stat, options));
}

function message(kind: keyof typeof EVENT_TYPE, process: Json, body: Json, options: MessageOptions): Json {
  const version = options.version ?? 9;
  const msg: Json = {
    schema_version: 1,
    version,
    time: options.time ?? DEFAULT_TIME,
    mach_time: 289350913517,
    event_type: EVENT_TYPE[kind],
    action_type: 1,
    action: { result: { result_type: 0, result: { auth: 0 } } },
    process,
    event: { [kind]: body },
  };
  if (version >= 2) msg['seq_num'] = options.seqNum ?? 0;
  if (version >= 4) {
    msg['global_seq_num'] = options.globalSeqNum ?? 0;
    msg['thread'] = { thread_id: 505819 };
  }
  return msg;
}

function processJson(spec: ProcessSpec, options: MessageOptions): Json {
  const version = options.version ?? 9;
  const arrays = (options.tokens ?? (version >= 10 ? 'array' : 'object')) === 'array';
  const token = (pid: number, pidversion: number) =>
    auditToken({ ...spec, pid, pidversion }, arrays);
  const process: Json = {
    audit_token: token(spec.pid, spec.pidversion),
    ppid: spec.ppid,
    original_ppid: spec.originalPpid ?? spec.ppid,
    group_id: spec.pid,
    session_id: spec.pid,
    codesigning_flags: spec.codesigningFlags ?? 0x22020203,
    is_platform_binary: spec.platformBinary ?? spec.executable.startsWith('/bin/'),
    is_es_client: false,
    cdhash: spec.cdhash ?? '28CD2C759132B07D63C3A2B377AD440A6C66098E',
    signing_id: spec.signingId === undefined ? `com.apple.${spec.executable.split('/').pop()}` : spec.signingId,
    team_id: spec.teamId === undefined ? null : spec.teamId,
    executable: { ...fileJson(spec.executable), path_truncated: spec.executableTruncated ?? false },
  };
  if (version >= 2) process['tty'] = spec.tty === undefined || spec.tty === null ? null : fileJson(spec.tty);
  if (version >= 3) process['start_time'] = spec.startTime ?? DEFAULT_START;
  if (version >= 4) {
    process['responsible_audit_token'] = token(spec.responsiblePid ?? spec.pid, spec.pidversion);
    process['parent_audit_token'] = token(spec.parentTokenPid ?? spec.ppid, spec.parentPidversion ?? 1);
  }
  if (version >= 8) process['cs_validation_category'] = 1;
  return process;
}

function auditToken(spec: ProcessSpec, asArray: boolean): Json | number[] {
  const fields = {
    auid: spec.auid ?? 4294967295,
    euid: spec.euid ?? 0,
    egid: spec.egid ?? 0,
    ruid: spec.ruid ?? 0,
    rgid: spec.rgid ?? 0,
    pid: spec.pid,
    asid: spec.asid ?? 100017,
    pidversion: spec.pidversion,
  };
  if (asArray) return [fields.auid, fields.euid, fields.egid, fields.ruid, fields.rgid, fields.pid, fields.asid, fields.pidversion];
  return fields;
}

function fileJson(path: string): Json {
  return {
    path,
    path_truncated: false,
    stat: {
      st_dev: 16777234,
      st_ino: 13982224,
      st_mode: 33261,
      st_nlink: 1,
      st_uid: 0,
      st_gid: 0,
      st_rdev: 0,
      st_size: 38146864,
      st_blocks: 74512,
      st_blksize: 4096,
      st_flags: 0,
      st_gen: 0,
      st_atimespec: '2025-08-07T12:32:35.400606076Z',
      st_mtimespec: '2025-04-29T23:31:45.000000000Z',
      st_ctimespec: '2025-05-09T11:57:32.842789602Z',
      st_birthtimespec: '2025-04-29T23:31:45.000000000Z',
    },
  };
}

/**
 * A small process simulation that writes the eslogger lines a real system would: pids keep
 * their pidversion across forks and bump it on exec, children record their parent's pidversion.
 */
export class TraceBuilder {
  readonly lines: string[] = [];
  private nextPidversion = 1000;
  private seq = 0;

  /**
   * `clock`, when given, stamps every message and every new process with its time (the demo's
   * trace happens "now"); without it the times are fixed, as tests want.
   */
  constructor(
    private readonly options: MessageOptions = {},
    private readonly clock?: () => string,
  ) {}

  /** A process that exists already (its birth is not in the trace). */
  existing(pid: number, executable: string, ppid = 1, parentPidversion = 1): ProcessSpec {
    return { pid, pidversion: this.nextPidversion++, executable, ppid, parentPidversion, ...this.startNow() };
  }

  fork(parent: ProcessSpec, childPid: number): ProcessSpec {
    const child: ProcessSpec = {
      pid: childPid,
      pidversion: this.nextPidversion++,
      executable: parent.executable,
      ppid: parent.pid,
      parentPidversion: parent.pidversion,
      euid: parent.euid,
      ...this.startNow(),
    };
    this.lines.push(forkLine(parent, child, this.next()));
    return child;
  }

  /** Execs `executable` in place; returns the process after the exec (same pid, new pidversion). */
  exec(process: ProcessSpec, executable: string, args: string[] = [executable], parent?: ProcessSpec, extra: Partial<ProcessSpec> = {}): ProcessSpec {
    const target: ProcessSpec = {
      ...process,
      pidversion: this.nextPidversion++,
      executable,
      ...(parent === undefined ? {} : { ppid: parent.pid, parentPidversion: parent.pidversion }),
      ...extra,
    };
    this.lines.push(execLine(process, target, { args }, this.next()));
    return target;
  }

  /** Fork then exec, the way a program is started: returns the child after its exec. */
  spawn(parent: ProcessSpec, childPid: number, executable: string, args: string[] = [executable]): ProcessSpec {
    return this.exec(this.fork(parent, childPid), executable, args);
  }

  exit(process: ProcessSpec, stat = 0): void {
    this.lines.push(exitLine(process, stat, this.next()));
  }

  text(): string {
    return this.lines.map((line) => `${line}\n`).join('');
  }

  private next(): MessageOptions {
    this.seq++;
    return { ...this.options, seqNum: this.seq, globalSeqNum: this.seq, ...(this.clock ? { time: this.clock() } : {}) };
  }

  private startNow(): { startTime?: string } {
    // eslogger prints process start times with microseconds.
    return this.clock ? { startTime: this.clock().replace(/(\.\d{6})\d*Z$/, '$1Z') } : {};
  }
}
