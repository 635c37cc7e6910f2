import { commandLine, entityId, processName } from '../events/exec-event.js';
import type { CodeSignature, ExecEvent, ParentProcess } from '../events/exec-event.js';
import type { NativeEvent, NativeProcess } from '../native/native-types.js';
import { isoFromEpoch } from './es-time.js';

/** CS_VALID in the codesigning flags (kern/cs_blobs.h): the kernel found the signature valid. */
const CS_VALID = 0x1;
const ZERO_CDHASH = '0'.repeat(40);

export interface HostFacts {
  name?: string;
  osVersion?: string;
  /** event.module: `endpoint-security` on macOS, `simulator` for the ES simulator. */
  module: string;
}

/**
 * One NativeEvent → the shared ExecEvent (src/events/exec-event.ts conventions): exec's process is
 * the target and `es.image_before_exec` the instigator; fork's process is the child and its parent
 * the forking process; exit's process is the exiting one with `exit_code`.
 */
export function nativeEventToExecEvent(event: NativeEvent, host: HostFacts): ExecEvent {
  const proc = event.process;
  const start = proc.startSec !== undefined ? isoFromEpoch(proc.startSec, proc.startUsec ?? 0, 6) : undefined;
  const args = event.type === 'exec' ? (event.args ?? []) : [];
  const result: ExecEvent = {
    '@timestamp': isoFromEpoch(event.timeSec, event.timeNsec, 9),
    event: {
      kind: 'event',
      category: ['process'],
      type: event.type === 'exit' ? ['end'] : ['start'],
      action: event.type,
      module: host.module,
    },
    host: { os: { type: 'macos' } },
    process: {
      pid: proc.pid,
      entity_id: entityId(proc.pid, proc.pidversion, start),
      name: processName(proc.executable),
      executable: proc.executable,
      args,
      args_count: event.type === 'exec' ? (event.argCount ?? args.length) : 0,
      command_line: commandLine(args),
      code_signature: codeSignature(proc),
      parent: parentOf(event),
    },
    user: { id: String(proc.euid), real: { id: String(proc.ruid) } },
    group: { id: String(proc.egid) },
    es: {
      message_version: event.version,
      pidversion: proc.pidversion,
      ppid: proc.ppid,
      original_ppid: proc.originalPpid,
      executable_truncated: proc.executableTruncated,
      cdhash: proc.cdhash,
      is_platform_binary: proc.isPlatformBinary,
      codesigning_flags: proc.codesigningFlags,
    },
  };
  if (event.globalSeqNum !== undefined) {
    result.event.sequence = event.globalSeqNum;
    result.es.global_seq_num = event.globalSeqNum;
  }
  if (event.seqNum !== undefined) result.es.seq_num = event.seqNum;
  if (host.name !== undefined) result.host.name = host.name;
  if (host.osVersion !== undefined) result.host.os.version = host.osVersion;
  if (start !== undefined) result.process.start = start;
  if (proc.parentPidversion !== undefined) result.es.parent_pidversion = proc.parentPidversion;
  if (proc.responsiblePid !== undefined) result.es.responsible_pid = proc.responsiblePid;
  if (proc.tty !== undefined) result.es.tty = proc.tty;
  if (event.type === 'exec') {
    result.es.image_before_exec = {
      pid: event.instigator.pid,
      pidversion: event.instigator.pidversion,
      executable: event.instigator.executable,
    };
    result.es.args_truncated = event.argsTruncated ?? false;
    if (event.cwd !== undefined) result.process.working_directory = event.cwd;
    if (event.script !== undefined) result.es.script = event.script;
    if (event.parentExecutable !== undefined) result.es.parent_resolution = 'source';
  }
  if (event.type === 'fork') result.es.parent_resolution = 'source';
  if (event.type === 'exit') result.process.exit_code = exitCode(event.exitStatus ?? 0);
  return result;
}

function codeSignature(proc: NativeProcess): CodeSignature {
  const signature: CodeSignature = {
    exists: proc.signingId !== '' || proc.cdhash !== ZERO_CDHASH,
    trusted: (proc.codesigningFlags & CS_VALID) !== 0,
  };
  if (proc.signingId !== '') signature.signing_id = proc.signingId;
  if (proc.teamId !== '') signature.team_id = proc.teamId;
  return signature;
}

/**
 * The parent: from the parent audit token when the message has one (version ≥ 4; ppid can be
 * stale after reparenting), else ppid. exec: its path as the addon resolved it on the ES thread;
 * fork: the forking process itself, known exactly.
 */
function parentOf(event: NativeEvent): ParentProcess {
  const proc = event.process;
  if (event.type === 'fork') {
    return {
      pid: event.instigator.pid,
      name: processName(event.instigator.executable),
      executable: event.instigator.executable,
    };
  }
  const parent: ParentProcess = { pid: proc.parentPid ?? proc.ppid };
  if (event.type === 'exec' && event.parentExecutable !== undefined && event.parentExecutable !== '') {
    parent.executable = event.parentExecutable;
    parent.name = processName(event.parentExecutable);
  }
  return parent;
}

/** wait(2) status → exit code; a signal death is reported as 128 + signal, as shells do. */
export function exitCode(status: number): number {
  const signal = status & 0x7f;
  return signal === 0 ? (status >> 8) & 0xff : 128 + signal;
}
