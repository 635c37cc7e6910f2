/**
 * The one event model every source produces and every later stage consumes (DESIGN §4).
 *
 * Field names are ECS, so an EQL query resolves `process.parent.name` by walking this object and
 * an alert is an ECS document without translation. The facts Endpoint Security gives that ECS has
 * no place for (pidversion, the pre-exec image, sequence numbers…) live under `es`; the process
 * tree needs them to resolve parents, and investigators want them in the alert.
 *
 * Conventions:
 * - exec: `process` is the program *after* the exec (ES `event.exec.target`); `es.image_before_exec`
 *   is what ran in that pid before (ES `msg->process`).
 * - fork: `process` is the new child; `process.parent` is the forking process (known exactly).
 * - exit: `process` is the exiting process, `process.exit_code` its exit status.
 * - Sources fill `process.parent.pid` from the target's ppid and whatever else they know of the
 *   parent; the process tree fills in the rest and says how in `es.parent_resolution`.
 */

export type ProcessAction = 'exec' | 'fork' | 'exit';

/** How `process.parent.name`/`executable` were obtained. */
export type ParentResolution =
  /** Seen by the process tree (a fork, an exec, or the start-up snapshot), pidversion-checked. */
  | 'tree'
  /** Reported by the source itself (the native addon resolves the parent path on the ES thread). */
  | 'source'
  /** The parent never appeared; taken from the pre-exec image of a fresh fork. */
  | 'inferred'
  /** Nothing known beyond the pid. */
  | 'unknown';

export interface ParentProcess {
  pid: number;
  entity_id?: string;
  name?: string;
  executable?: string;
  start?: string;
  /** The parent's code-signing identity, when the source or the process tree knows it. */
  code_signature?: CodeSignature;
}

export interface CodeSignature {
  exists: boolean;
  signing_id?: string;
  team_id?: string;
  /** True when the kernel marked the signature valid (CS_VALID in the codesigning flags). */
  trusted?: boolean;
}

export interface EcsProcess {
  pid: number;
  /** Unique per execution: see `entityId()`. */
  entity_id: string;
  /** Basename of `executable`. */
  name: string;
  executable: string;
  /** As kept by the source: at most maxArgs arguments, maxArgBytes in all, maxArgLength each. */
  args: string[];
  /** How many arguments the process really had (more than `args` holds when truncated). */
  args_count: number;
  command_line: string;
  /** Elastic Defend's extension block: `args_truncated` is true when the source's argv caps cut `args`. */
  Ext?: { args_truncated?: boolean };
  working_directory?: string;
  /** ISO-8601 start time of the process. */
  start?: string;
  exit_code?: number;
  code_signature?: CodeSignature;
  parent: ParentProcess;
}

/** What Endpoint Security (or eslogger) told us that ECS has no field for. */
export interface EsFacts {
  /** ES message version (1–10); decides which fields can exist. */
  message_version: number;
  seq_num?: number;
  global_seq_num?: number;
  /** pidversion of `process` (bumps on every exec, so exec-in-place is a new execution). */
  pidversion?: number;
  /** The target's ppid as ES reported it. */
  ppid?: number;
  original_ppid?: number;
  /** pidversion from the parent audit token (message version ≥ 4). */
  parent_pidversion?: number;
  responsible_pid?: number;
  /** exec only: the image in this pid before the exec (ES `msg->process`). */
  image_before_exec?: { pid: number; pidversion?: number; executable: string };
  executable_truncated?: boolean;
  /** argv was capped by the source (count or bytes). */
  args_truncated?: boolean;
  cdhash?: string;
  is_platform_binary?: boolean;
  codesigning_flags?: number;
  tty?: string;
  /** exec of a script: the script path (message version ≥ 2). */
  script?: string;
  /** Set by the process tree. */
  parent_resolution?: ParentResolution;
}

export interface ExecEvent {
  '@timestamp': string;
  event: {
    kind: 'event';
    category: ['process'];
    /** `['start']` for exec and fork, `['end']` for exit. */
    type: string[];
    action: ProcessAction;
    /** The global sequence number where the source has one. */
    sequence?: number;
    /** Where the event came from: `endpoint-security`, `eslogger`, `ecs`, `simulator`. */
    module?: string;
  };
  host: {
    name?: string;
    os: { type: 'macos'; version?: string };
  };
  process: EcsProcess;
  user: { id: string; name?: string; real?: { id: string } };
  group?: { id: string };
  es: EsFacts;
}

/** Basename of a path; the whole string when it has no slash. */
export function processName(executable: string): string {
  const slash = executable.lastIndexOf('/');
  return slash === -1 ? executable : executable.slice(slash + 1);
}

/**
 * A process entity id, unique per execution on a host: pid alone is reused, pid+pidversion is
 * unique per boot, and the start time separates boots.
 */
export function entityId(pid: number, pidversion: number | undefined, start: string | undefined): string {
  return `${pid}:${pidversion ?? 0}:${start ?? ''}`;
}

/** ECS `process.command_line`: args joined by spaces (what Elastic Defend does on macOS). */
export function commandLine(args: readonly string[]): string {
  // Not args.join(' '): on arguments sliced from one big batch string (the native decoder's), V8's
  // join costs ~9 ms per 250 KB argv, a rope built with += and flattened once ~1.5 ms — the
  // difference between keeping up with a flood of huge command lines and stalling on it.
  if (args.length === 0) return '';
  let line = args[0] as string;
  for (let i = 1; i < args.length; i++) line += ' ' + (args[i] as string);
  return line;
}
