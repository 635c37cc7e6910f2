import type { EsEventName, NativeEvent, NativeProcess } from './native-types.js';

/**
 * Decodes the addon's batch encoding (native/src/batch_encoding.h) into plain objects. The addon
 * sends numbers in a Float64Array (NUMBER_SLOTS per event) and strings in one array, because V8
 * builds object literals here much faster than N-API can set properties. Slot order and flags
 * mirror batch_encoding.h: change both together.
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

export function decodeBatch(numbers: Float64Array, strings: readonly string[]): NativeEvent[] {
  const count = numbers.length / NUMBER_SLOTS;
  const events: NativeEvent[] = new Array<NativeEvent>(count);
  let s = 0;
  const next = (): string => strings[s++] ?? '';
  for (let i = 0; i < count; i++) {
    const base = i * NUMBER_SLOTS;
    const n = (slot: Slot): number => numbers[base + slot] ?? 0;
    const flags = n(Slot.Flags);
    const has = (flag: Flag): boolean => (flags & flag) !== 0;
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
      isPlatformBinary: has(Flag.PlatformBinary),
      executable: next(),
      executableTruncated: has(Flag.ExecutableTruncated),
      signingId: next(),
      teamId: next(),
      cdhash: next(),
    };
    if (has(Flag.Tty)) process.tty = next();
    if (has(Flag.StartTime)) {
      process.startSec = n(Slot.StartSec);
      process.startUsec = n(Slot.StartUsec);
    }
    if (has(Flag.Tokens)) {
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
        executable: next(),
        executableTruncated: has(Flag.InstigatorTruncated),
      },
    };
    if (has(Flag.SeqNum)) event.seqNum = n(Slot.SeqNum);
    if (has(Flag.GlobalSeqNum)) event.globalSeqNum = n(Slot.GlobalSeqNum);
    if (type === 'exec') {
      const kept = n(Slot.KeptArgs);
      const args = new Array<string>(kept);
      for (let a = 0; a < kept; a++) args[a] = next();
      event.args = args;
      event.argCount = n(Slot.ArgCount);
      event.argsTruncated = has(Flag.ArgsTruncated);
      if (has(Flag.Cwd)) {
        event.cwd = next();
        event.cwdTruncated = has(Flag.CwdTruncated);
      }
      if (has(Flag.Script)) event.script = next();
      if (has(Flag.ParentPath)) {
        event.parentExecutable = next();
        event.parentPathVerified = has(Flag.ParentPathVerified);
      }
    } else if (type === 'exit') {
      event.exitStatus = n(Slot.ExitStatus);
    }
    events[i] = event;
  }
  return events;
}
