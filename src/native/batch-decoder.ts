import type { EsEventName, NativeEvent, NativeProcess } from './native-types.js';

/**
 * Decodes the addon's batch encoding (native/src/batch_encoding.h) into plain objects. The addon
 * sends numbers in a Float64Array (NUMBER_SLOTS per event) and every string of the batch in one
 * JS string with UTF-16 end offsets, because V8 builds object literals and slices here much
 * faster than N-API can create values one by one. Slot order, flags and string order mirror
 * batch_encoding.h: change both together.
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

export function decodeBatch(numbers: Float64Array, text: string, ends: Uint32Array): NativeEvent[] {
  const count = numbers.length / NUMBER_SLOTS;
  const events: NativeEvent[] = new Array<NativeEvent>(count);
  const strings = new StringCursor(text, ends);
  for (let i = 0; i < count; i++) events[i] = decodeEvent(numbers, i * NUMBER_SLOTS, strings);
  return events;
}

/** Hands out the batch's strings in order. */
class StringCursor {
  #index = 0;
  #start = 0;
  constructor(
    private readonly text: string,
    private readonly ends: Uint32Array,
  ) {}

  next(): string {
    const end = this.ends[this.#index++] ?? this.#start;
    const value = this.text.slice(this.#start, end);
    this.#start = end;
    return value;
  }
}

function decodeEvent(numbers: Float64Array, base: number, strings: StringCursor): NativeEvent {
  const n = (slot: Slot): number => numbers[base + slot] ?? 0;
  const flags = n(Slot.Flags);
  const type = KINDS[n(Slot.Kind)] ?? 'exec';
  const process: NativeProcess = {
    pid: n(Slot.Pid),
    pidversion: n(Slot.Pidversion),
    ppid: n(Slot.Ppid),
    originalPpid: n(Slot.OriginalPpid),
    auid: n(Slot.Auid),
    euid: n(Slot.Euid),
    egid: n(Slot.Egid),
    ruid: n(Slot.Ruid),
    rgid: n(Slot.Rgid),
    codesigningFlags: n(Slot.CodesigningFlags),
    isPlatformBinary: (flags & Flag.PlatformBinary) !== 0,
    executable: strings.next(),
    executableTruncated: (flags & Flag.ExecutableTruncated) !== 0,
    signingId: strings.next(),
    teamId: strings.next(),
    cdhash: strings.next(),
  };
  if (flags & Flag.Tty) process.tty = strings.next();
  if (flags & Flag.StartTime) {
    process.startSec = n(Slot.StartSec);
    process.startUsec = n(Slot.StartUsec);
  }
  if (flags & Flag.Tokens) {
    process.parentPid = n(Slot.ParentPid);
    process.parentPidversion = n(Slot.ParentPidversion);
    process.responsiblePid = n(Slot.ResponsiblePid);
  }
  const event: NativeEvent = {
    type,
    version: n(Slot.Version),
    timeSec: n(Slot.TimeSec),
    timeNsec: n(Slot.TimeNsec),
    handlerEntryNs: n(Slot.HandlerEntryNs),
    process,
    instigator: {
      pid: n(Slot.InstigatorPid),
      pidversion: n(Slot.InstigatorPidversion),
      executable: strings.next(),
      executableTruncated: (flags & Flag.InstigatorTruncated) !== 0,
    },
  };
  if (flags & Flag.SeqNum) event.seqNum = n(Slot.SeqNum);
  if (flags & Flag.GlobalSeqNum) event.globalSeqNum = n(Slot.GlobalSeqNum);
  if (type === 'exec') {
    const kept = n(Slot.KeptArgs);
    const args = new Array<string>(kept);
    for (let a = 0; a < kept; a++) args[a] = strings.next();
    event.args = args;
    event.argCount = n(Slot.ArgCount);
    event.argsTruncated = (flags & Flag.ArgsTruncated) !== 0;
    if (flags & Flag.Cwd) {
      event.cwd = strings.next();
      event.cwdTruncated = (flags & Flag.CwdTruncated) !== 0;
    }
    if (flags & Flag.Script) event.script = strings.next();
    if (flags & Flag.ParentPath) {
      event.parentExecutable = strings.next();
      event.parentPathVerified = (flags & Flag.ParentPathVerified) !== 0;
    }
  } else if (type === 'exit') {
    event.exitStatus = n(Slot.ExitStatus);
  }
  return event;
}
