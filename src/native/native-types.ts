/**
 * The typed surface of the native addon (native/). `src/native/addon.ts` is the only module that
 * loads the binary; everything else codes against these interfaces.
 */

/** ES events a client can subscribe to (NOTIFY only). */
export type EsEventName = 'exec' | 'fork' | 'exit';

export interface EsClientOptions {
  /** Events to subscribe to. Default: exec, fork and exit. */
  events?: EsEventName[];
  /** Events per JavaScript call (1–65536). Default 256. */
  batchSize?: number;
  /** Longest wait for a batch to fill once an event is queued, in ms (0–10000). Default 1. */
  batchLatencyMs?: number;
  /** Events the ES thread may queue for JavaScript before it drops and counts (2–16M). Default 16384. */
  queueCapacity?: number;
  /** Arguments kept per exec (0–1M). Default 1024; more sets `argsTruncated`. */
  maxArgs?: number;
  /** Argument bytes kept per exec (0–1 GiB). Default 256 KiB; more sets `argsTruncated`. */
  maxArgBytes?: number;
  /** Bytes kept of any one argument (0–1 GiB); a longer one is cut and sets `argsTruncated`. Default 64 KiB. */
  maxArgLength?: number;
  /**
   * MB the queued events may hold, from the ES thread until JavaScript is done with them (1–65536).
   * Default 64. Past it events are dropped and counted in `queueDrops` and `queueByteDrops`.
   */
  queueMaxMB?: number;
  /** Mute the agent's own process (es_mute_process). Default true. */
  muteSelf?: boolean;
  /**
   * `full` (default): every exec/fork/exit on the host.
   * `emond-only` (macOS 13+): inverted path muting, so ES delivers only messages whose *instigating
   * process image* is one of `emondPaths`. Far less traffic, but it cannot see:
   * - exec chains in place: when emond's child `sh -c "curl …"` execs curl, the instigator of that
   *   exec is sh, not emond, so the curl exec (whose parent is still emond) is never delivered;
   * - masquerading copies at other paths (`/tmp/emond`, which Elastic's own test uses): path muting
   *   matches exact paths, not names;
   * - the exits of emond's children, and every fork/exec not started by emond, so the process tree
   *   only knows emond's direct children and the start-up snapshot;
   * - anything on macOS before 13 (start() fails with E_ES_UNSUPPORTED_OS).
   */
  mode?: 'full' | 'emond-only';
  /** Images selected in `emond-only` mode. Default ['/sbin/emond']. */
  emondPaths?: string[];
}

/** A process as ES described it. Optional fields depend on the message version. */
export interface NativeProcess {
  pid: number;
  pidversion: number;
  ppid: number;
  originalPpid: number;
  auid: number;
  euid: number;
  egid: number;
  ruid: number;
  rgid: number;
  codesigningFlags: number;
  isPlatformBinary: boolean;
  executable: string;
  executableTruncated: boolean;
  signingId: string;
  teamId: string;
  /** 40 upper-case hex digits. */
  cdhash: string;
  /** Version ≥ 2, when the process has a controlling terminal. */
  tty?: string;
  /** Version ≥ 3: process start (fork) time. */
  startSec?: number;
  startUsec?: number;
  /** Version ≥ 4: from the parent and responsible audit tokens. */
  parentPid?: number;
  parentPidversion?: number;
  responsiblePid?: number;
}

/** The process that caused the message: the pre-exec image (exec), the parent (fork), itself (exit). */
export interface NativeInstigator {
  pid: number;
  pidversion: number;
  executable: string;
  executableTruncated: boolean;
}

/** One ES message as the addon hands it to JavaScript. */
export interface NativeEvent {
  type: EsEventName;
  /** ES message version (1–10). */
  version: number;
  timeSec: number;
  timeNsec: number;
  /** Version ≥ 2. */
  seqNum?: number;
  /** Version ≥ 4. */
  globalSeqNum?: number;
  /** nowNs() when the ES handler was entered (for latency measurement). */
  handlerEntryNs: number;
  /** exec: the new image (target); fork: the child; exit: the exiting process. */
  process: NativeProcess;
  instigator: NativeInstigator;
  /** exec: the kept arguments. */
  args?: string[];
  /** exec: the argument count ES reported (may exceed args.length). */
  argCount?: number;
  argsTruncated?: boolean;
  /** exec, version ≥ 3. */
  cwd?: string;
  cwdTruncated?: boolean;
  /** exec, version ≥ 2, when a script was executed directly. */
  script?: string;
  /** exec: the parent's executable, resolved on the ES thread. */
  parentExecutable?: string;
  /** True when checked against the parent's pidversion (version ≥ 4), false when by pid only. */
  parentPathVerified?: boolean;
  /** exit: wait(2) status. */
  exitStatus?: number;
}

/** Cumulative drop counters handed with each batch. */
export interface NativeDropInfo {
  queueDrops: number;
  /** The part of queueDrops dropped because the byte budget (queueMaxMB) was full. */
  queueByteDrops: number;
  kernelDrops: number;
  kernelDropsGlobal: number;
}

export interface EsClientStats {
  /** Messages the ES handler received. */
  received: number;
  /** Events handed to the JavaScript callback. */
  delivered: number;
  /**
   * Messages the ES handler could not keep because something in it failed (std::bad_alloc when
   * memory runs out): counted, never std::terminate. Part of `queueDrops` too.
   */
  handlerDrops: number;
  /**
   * Events dropped between the ES thread and JavaScript: the queue was full in events or in bytes,
   * or the handler failed (`handlerDrops` and `queueByteDrops` are both part of it).
   */
  queueDrops: number;
  /** The part of queueDrops dropped because the queued events held queueMaxMB already. */
  queueByteDrops: number;
  /** Bytes held now by queued events and batches not yet handed back by JavaScript. */
  queueBytes: number;
  /** The most queueBytes has been. */
  maxQueueBytes: number;
  /** Messages the kernel dropped, from sequence-number gaps. */
  kernelDrops: { perType: { exec: number; fork: number; exit: number }; global: number };
  batches: number;
  maxQueueDepth: number;
  /** Exceptions thrown by the batch callback (each also reported to onError). */
  callbackErrors: number;
}

/** One delivered batch, read in place: no array of events, one NativeEvent object reused. */
export interface NativeEventStream {
  /** Events in the batch. */
  readonly length: number;
  /**
   * The next event, or undefined after the last. The object (and its `process` and `instigator`)
   * is overwritten by the following call: keep its strings, numbers and `args`, never the objects.
   */
  next(): NativeEvent | undefined;
}

export interface EsClient {
  /**
   * Creates the ES client and starts delivering. `onBatch` runs on the JS thread; an exception it
   * throws goes to `onError` and delivery continues. Throws EsClientError when ES refuses.
   */
  start(onBatch: (events: NativeEvent[], drops: NativeDropInfo) => void, onError: (error: unknown) => void): void;
  /**
   * start() for a consumer that converts each event before reading the next (the daemon): the
   * batch arrives as a stream that reuses one event object, so a batch costs no per-event objects.
   */
  startStreaming(onBatch: (batch: NativeEventStream, drops: NativeDropInfo) => void, onError: (error: unknown) => void): void;
  /** Idempotent. Events received before stop() are still delivered afterwards. */
  stop(): void;
  /** Counters of the current run, or of the last one after stop(). */
  stats(): EsClientStats;
  readonly running: boolean;
}

export type LogLevel = 'debug' | 'info' | 'default' | 'error' | 'fault';

export interface LogOptions {
  /** Log `message` as %{public}s; otherwise %s (OS default privacy: shown as <private>). */
  public?: boolean;
  /** Appended with %s (OS default privacy). */
  detail?: string;
}

export interface ProcessInfo {
  pid: number;
  ppid: number;
  /** Missing when it cannot be read (not root, or the process is gone). */
  pidversion?: number;
  executable: string;
  /** When the process started (proc_pidinfo's pbi_start_tv*); missing when it cannot be read. */
  startTime?: { sec: number; usec: number };
}

/** A synthetic ES process for the simulator. Strings may be Buffers (any bytes). */
export interface SimProcessSpec {
  pid?: number;
  pidversion?: number;
  ppid?: number;
  originalPpid?: number;
  auid?: number;
  euid?: number;
  egid?: number;
  ruid?: number;
  rgid?: number;
  asid?: number;
  groupId?: number;
  sessionId?: number;
  codesigningFlags?: number;
  isPlatformBinary?: boolean;
  isEsClient?: boolean;
  cdhash?: string;
  signingId?: string | Buffer;
  teamId?: string | Buffer;
  executable?: string | Buffer | { path: string | Buffer; truncated?: boolean };
  tty?: string | Buffer | { path: string | Buffer; truncated?: boolean };
  startTime?: { sec: number; usec?: number };
  parent?: { pid: number; pidversion?: number };
  responsible?: { pid: number; pidversion?: number };
}

export interface SimMessageSpec {
  /** `open` is a type the addon does not convert (it must be ignored). */
  type: EsEventName | 'open';
  /** 1–10, default 7. Fields newer than the version hold poison values. */
  version?: number;
  time?: { sec: number; nsec?: number };
  /** Explicit sequence numbers; otherwise the simulated client numbers messages itself. */
  seqNum?: number;
  globalSeqNum?: number;
  /** Messages "dropped by the kernel" just before this one. */
  seqGap?: number;
  globalSeqGap?: number;
  process?: SimProcessSpec;
  target?: SimProcessSpec;
  child?: SimProcessSpec;
  args?: Array<string | Buffer>;
  env?: Array<string | Buffer>;
  cwd?: string | Buffer | { path: string | Buffer; truncated?: boolean };
  script?: string | Buffer | { path: string | Buffer; truncated?: boolean };
  exitStatus?: number;
}

export interface SimClientSnapshot {
  subscriptions: number[];
  mutedProcesses: Array<{ pid: number; pidversion: number }>;
  mutedPaths: Array<{ path: string; type: number }>;
  processMutingInverted: boolean;
  pathMutingInverted: boolean;
  targetPathMutingInverted: boolean;
}

export interface SimLogRecord {
  subsystem: string;
  category: string;
  level: LogLevel;
  format: string;
  /** What `log show` would display: private arguments as <private>. */
  message: string;
  args: Array<{ value: string; public: boolean }>;
}

export type SimFaultPoint = 'proc_listallpids' | 'tsfn' | 'thread' | 'handler_alloc';

/** The simulator's control API (simulator builds only). */
export interface SimulatorControls {
  /** Queues messages for every live client; returns how many clients got them. */
  inject(messages: SimMessageSpec[]): number;
  /**
   * `count` deliveries at `ratePerSecond` (0: as fast as the handler goes) of `message`, or cycling
   * through `pattern` (each message `repeat` times, default 1). `stampNow` gives each delivery the
   * wall-clock time, as the kernel would, so a long-running load has live timestamps.
   */
  burst(
    options: ({ message: SimMessageSpec } | { pattern: Array<{ message: SimMessageSpec; repeat?: number }> }) & {
      count: number;
      ratePerSecond?: number;
      stampNow?: boolean;
    },
  ): number;
  /** Blocks until every client handled all queued messages; false on timeout. */
  waitUntilIdle(timeoutMs?: number): boolean;
  clients(): SimClientSnapshot[];
  /** Make es_new_client return this result (0 restores success). */
  setNewClientResult(result: number): void;
  /** Time spent inside the ES handler block, over all messages since the last reset. */
  handlerTiming(): { calls: number; totalNs: number; maxNs: number };
  resetHandlerTiming(): void;
  /**
   * One-shot: the next es_delete_client returns without waiting, and `message` reaches that
   * client's handler `delayMs` (default 20) later — a race Apple's documentation does not rule out.
   */
  deliverAfterDelete(message: SimMessageSpec, delayMs?: number): void;
  /** Waits until every such late delivery has run; false on timeout. */
  lateDeliveriesDone(timeoutMs?: number): boolean;
  setProcessTable(entries: ProcessInfo[]): void;
  /**
   * One-shot: right after the snapshot's next proc_pidinfo() of `replacement.pid`, that process
   * exits and its pid is reused by `replacement` (the race the snapshot must survive).
   */
  reuseDuringSnapshot(replacement: ProcessInfo): void;
  /**
   * Failure injection: the next `times` (default 1) passes through `point` fail as the real call can.
   * `proc_listallpids` returns 0; `tsfn` / `thread`: EsClient.start() cannot create its
   * thread-safe function / delivery thread; `handler_alloc`: an allocation in the ES handler throws
   * std::bad_alloc (while it copies an exec argument).
   */
  failNext(point: SimFaultPoint, times?: number): void;
  clearFaults(): void;
  /** sizeof / offsetof / constant values of the simulator's Apple declarations (native/sim/apple_layout.json). */
  layout(): { sizeof: Record<string, number>; offsetof: Record<string, number>; constants: Record<string, number> };
  /** The audit token the addon reads as its own (for self-muting). */
  setSelf(token: { pid: number; pidversion?: number }): void;
  logRecords(): SimLogRecord[];
  clearLogRecords(): void;
}

export interface NativeAddon {
  /** `endpoint-security` on macOS, `simulator` elsewhere. */
  readonly backend: 'endpoint-security' | 'simulator';
  readonly platform: string;
  readonly EsClient: new (options?: EsClientOptions) => EsClient;
  /** Creates and deletes a client: the raw es_new_client_result_t (0 = success). */
  probeClient(): number;
  log(subsystem: string, category: string, level: LogLevel, message: string, options?: LogOptions): void;
  listProcesses(): ProcessInfo[];
  /** The addon's monotonic clock, the one `handlerEntryNs` uses. */
  nowNs(): number;
  /** Present only in simulator builds. */
  readonly sim?: SimulatorControls;
}
