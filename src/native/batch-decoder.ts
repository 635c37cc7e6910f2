import type { EsEventName, NativeEvent, NativeEventStream, NativeInstigator, NativeProcess } from './native-types.js';

/**
 * Decodes the addon's batch encoding (native/src/batch_encoding.h). The addon sends numbers in a
 * Float64Array (NUMBER_SLOTS per event) and every string of the batch in one JS string with UTF-16
 * end offsets, because V8 builds object literals and slices here much faster than N-API can create
 * values one by one. Slot order, flags and string order mirror batch_encoding.h: change both
 * together.
 */
export const NUMBER_SLOTS = 28;

const enum Slot {
  Kind = 0,
  Version,
  Flags,
  TimeSec,
  TimeNsec,
  SeqNum,
  GlobalSeqNum,
  HandlerEntryNs,
  Pid,
  Pidversion,
  Ppid,
  OriginalPpid,
  Auid,
  Euid,
  Egid,
  Ruid,
  Rgid,
  CodesigningFlags,
  StartSec,
  StartUsec,
  ParentPid,
  ParentPidversion,
  ResponsiblePid,
  InstigatorPid,
  InstigatorPidversion,
  ArgCount,
  KeptArgs,
  ExitStatus,
}

const enum Flag {
  SeqNum = 1 << 0,
  GlobalSeqNum = 1 << 1,
  Tty = 1 << 2,
  StartTime = 1 << 3,
  Tokens = 1 << 4,
  ExecutableTruncated = 1 << 5,
  PlatformBinary = 1 << 6,
  ArgsTruncated = 1 << 7,
  Cwd = 1 << 8,
  CwdTruncated = 1 << 9,
  Script = 1 << 10,
  ParentPath = 1 << 11,
  ParentPathVerified = 1 << 12,
  InstigatorTruncated = 1 << 13,
}

const KINDS: readonly EsEventName[] = ['exec', 'fork', 'exit'];

/** Every event of a batch as its own object (the `EsClient.start` API). */
export function decodeBatch(numbers: Float64Array, text: string, ends: Uint32Array): NativeEvent[] {
  const count = numbers.length / NUMBER_SLOTS;
  const events: NativeEvent[] = new Array<NativeEvent>(count);
  const reader = new BatchReader(numbers, text, ends);
  for (let i = 0; i < count; i++) {
    const event = emptyEvent();
    reader.readInto(event);
    events[i] = event;
  }
  return events;
}

/**
 * Reads a batch in place, one event at a time, into one NativeEvent it reuses (the
 * `EsClient.startStreaming` API). The daemon converts each event before reading the next, so a
 * batch never exists as hundreds of live objects: a scavenge finds almost nothing to copy, and
 * the young generation can stay small without costing CPU.
 */
export class BatchReader implements NativeEventStream {
  length = 0;
  private readonly event = emptyEvent();
  private index = 0;
  private stringIndex = 0;
  private stringStart = 0;

  constructor(
    private numbers: Float64Array = new Float64Array(0),
    private text = '',
    private ends: Uint32Array = new Uint32Array(0),
  ) {
    this.length = numbers.length / NUMBER_SLOTS;
  }

  /** Starts over on a new batch (one reader serves a client's whole run). */
  load(numbers: Float64Array, text: string, ends: Uint32Array): this {
    this.numbers = numbers;
    this.text = text;
    this.ends = ends;
    this.length = numbers.length / NUMBER_SLOTS;
    this.index = 0;
    this.stringIndex = 0;
    this.stringStart = 0;
    return this;
  }

  next(): NativeEvent | undefined {
    if (this.index >= this.length) return undefined;
    this.readInto(this.event);
    return this.event;
  }

  /** Decodes the next event into `event`, setting every field (absent ones to undefined). */
  readInto(event: NativeEvent): void {
    const numbers = this.numbers;
    const base = this.index++ * NUMBER_SLOTS;
    const flags = numbers[base + Slot.Flags] ?? 0;
    const type = KINDS[numbers[base + Slot.Kind] ?? 0] ?? 'exec';
    const hasStart = (flags & Flag.StartTime) !== 0;
    const hasTokens = (flags & Flag.Tokens) !== 0;

    const process = event.process;
    process.pid = numbers[base + Slot.Pid] ?? 0;
    process.pidversion = numbers[base + Slot.Pidversion] ?? 0;
    process.ppid = numbers[base + Slot.Ppid] ?? 0;
    process.originalPpid = numbers[base + Slot.OriginalPpid] ?? 0;
    process.auid = numbers[base + Slot.Auid] ?? 0;
    process.euid = numbers[base + Slot.Euid] ?? 0;
    process.egid = numbers[base + Slot.Egid] ?? 0;
    process.ruid = numbers[base + Slot.Ruid] ?? 0;
    process.rgid = numbers[base + Slot.Rgid] ?? 0;
    process.codesigningFlags = numbers[base + Slot.CodesigningFlags] ?? 0;
    process.isPlatformBinary = (flags & Flag.PlatformBinary) !== 0;
    process.executable = this.nextString();
    process.executableTruncated = (flags & Flag.ExecutableTruncated) !== 0;
    process.signingId = this.nextString();
    process.teamId = this.nextString();
    process.cdhash = this.nextString();
    process.tty = flags & Flag.Tty ? this.nextString() : undefined;
    process.startSec = hasStart ? numbers[base + Slot.StartSec] : undefined;
    process.startUsec = hasStart ? numbers[base + Slot.StartUsec] : undefined;
    process.parentPid = hasTokens ? numbers[base + Slot.ParentPid] : undefined;
    process.parentPidversion = hasTokens ? numbers[base + Slot.ParentPidversion] : undefined;
    process.responsiblePid = hasTokens ? numbers[base + Slot.ResponsiblePid] : undefined;

    event.type = type;
    event.version = numbers[base + Slot.Version] ?? 0;
    event.timeSec = numbers[base + Slot.TimeSec] ?? 0;
    event.timeNsec = numbers[base + Slot.TimeNsec] ?? 0;
    event.handlerEntryNs = numbers[base + Slot.HandlerEntryNs] ?? 0;
    event.seqNum = flags & Flag.SeqNum ? numbers[base + Slot.SeqNum] : undefined;
    event.globalSeqNum = flags & Flag.GlobalSeqNum ? numbers[base + Slot.GlobalSeqNum] : undefined;

    const instigator = event.instigator;
    instigator.pid = numbers[base + Slot.InstigatorPid] ?? 0;
    instigator.pidversion = numbers[base + Slot.InstigatorPidversion] ?? 0;
    instigator.executable = this.nextString();
    instigator.executableTruncated = (flags & Flag.InstigatorTruncated) !== 0;

    const exec = type === 'exec';
    if (exec) {
      const kept = numbers[base + Slot.KeptArgs] ?? 0;
      // A fresh array every time: it becomes the ExecEvent's process.args.
      const args = new Array<string>(kept);
      for (let a = 0; a < kept; a++) args[a] = this.nextString();
      event.args = args;
    } else {
      event.args = undefined;
    }
    event.argCount = exec ? numbers[base + Slot.ArgCount] : undefined;
    event.argsTruncated = exec ? (flags & Flag.ArgsTruncated) !== 0 : undefined;
    const cwd = exec && (flags & Flag.Cwd) !== 0;
    event.cwd = cwd ? this.nextString() : undefined;
    event.cwdTruncated = cwd ? (flags & Flag.CwdTruncated) !== 0 : undefined;
    event.script = exec && flags & Flag.Script ? this.nextString() : undefined;
    const parentPath = exec && (flags & Flag.ParentPath) !== 0;
    event.parentExecutable = parentPath ? this.nextString() : undefined;
    event.parentPathVerified = parentPath ? (flags & Flag.ParentPathVerified) !== 0 : undefined;
    event.exitStatus = type === 'exit' ? numbers[base + Slot.ExitStatus] : undefined;
  }

  /** The batch's strings, handed out in order. */
  private nextString(): string {
    const end = this.ends[this.stringIndex++] ?? this.stringStart;
    const value = this.text.slice(this.stringStart, end);
    this.stringStart = end;
    return value;
  }
}

/**
 * An event with every field present, so all events decoded share one hidden class (the reused
 * one stays monomorphic) and optional fields read as undefined when the message lacks them.
 */
function emptyEvent(): NativeEvent {
  const process: NativeProcess = {
    pid: 0,
    pidversion: 0,
    ppid: 0,
    originalPpid: 0,
    auid: 0,
    euid: 0,
    egid: 0,
    ruid: 0,
    rgid: 0,
    codesigningFlags: 0,
    isPlatformBinary: false,
    executable: '',
    executableTruncated: false,
    signingId: '',
    teamId: '',
    cdhash: '',
    tty: undefined,
    startSec: undefined,
    startUsec: undefined,
    parentPid: undefined,
    parentPidversion: undefined,
    responsiblePid: undefined,
  };
  const instigator: NativeInstigator = { pid: 0, pidversion: 0, executable: '', executableTruncated: false };
  return {
    type: 'exec',
    version: 0,
    timeSec: 0,
    timeNsec: 0,
    seqNum: undefined,
    globalSeqNum: undefined,
    handlerEntryNs: 0,
    process,
    instigator,
    args: undefined,
    argCount: undefined,
    argsTruncated: undefined,
    cwd: undefined,
    cwdTruncated: undefined,
    script: undefined,
    parentExecutable: undefined,
    parentPathVerified: undefined,
    exitStatus: undefined,
  };
}
