import { commandLine, entityId, processName } from '../events/exec-event.js';
import { codeSignatureOf, exitCodeOf } from '../events/es-values.js';
import type { ExecEvent, ParentProcess } from '../events/exec-event.js';
import type { NativeEvent } from '../native/native-types.js';
import { isoFromEpoch } from './es-time.js';


export interface HostFacts {
  name?: string;
  osVersion?: string;
  /** event.module: `endpoint-security` on macOS, `simulator` for the ES simulator. */
  module: string;
}

// Facts every event of a source shares, built once and frozen: an event refers to them instead
// of carrying its own copies (alerts are deep copies, so nothing downstream writes to them).
const PROCESS_CATEGORY = Object.freeze(['process']) as ['process'];
const START_TYPE = Object.freeze(['start']) as string[];
const END_TYPE = Object.freeze(['end']) as string[];

export type NativeEventConverter = (event: NativeEvent) => ExecEvent;

/**
 * The converter for one source's events: NativeEvent → the shared ExecEvent
 * (src/events/exec-event.ts conventions): exec's process is the target and `es.image_before_exec`
 * the instigator; fork's process is the child and its parent the forking process; exit's process
 * is the exiting one with `exit_code`.
 *
 * This runs for every event the daemon sees, so each object is one literal with all its keys,
 * absent values undefined (JSON and the EQL engine treat that as missing): every event then has
 * the same hidden classes — the rules' and the process tree's property reads stay monomorphic —
 * and no property added later grows an object's backing store.
 */
export function nativeEventConverter(host: HostFacts): NativeEventConverter {
  const hostFields: ExecEvent['host'] = Object.freeze({
    name: host.name,
    os: Object.freeze({ type: 'macos' as const, version: host.osVersion }),
  });
  const module = host.module;
  return (event) => {
    const proc = event.process;
    const type = event.type;
    const exec = type === 'exec';
    const start = proc.startSec !== undefined ? isoFromEpoch(proc.startSec, proc.startUsec ?? 0, 6) : undefined;
    const args = exec ? (event.args ?? []) : [];
    return {
      '@timestamp': isoFromEpoch(event.timeSec, event.timeNsec, 9),
      event: {
        kind: 'event',
        category: PROCESS_CATEGORY,
        type: type === 'exit' ? END_TYPE : START_TYPE,
        action: type,
        module,
        sequence: event.globalSeqNum,
      },
      host: hostFields,
      process: {
        pid: proc.pid,
        entity_id: entityId(proc.pid, proc.pidversion, start),
        name: processName(proc.executable),
        executable: proc.executable,
        args,
        args_count: exec ? (event.argCount ?? args.length) : 0,
        command_line: commandLine(args),
        Ext: exec && event.argsTruncated ? { args_truncated: true } : undefined,
        code_signature: codeSignatureOf({ signingId: proc.signingId, teamId: proc.teamId, cdhash: proc.cdhash, flags: proc.codesigningFlags }),
        parent: parentOf(event),
        start,
        working_directory: exec ? event.cwd : undefined,
        exit_code: type === 'exit' ? exitCodeOf(event.exitStatus ?? 0) : undefined,
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
        global_seq_num: event.globalSeqNum,
        seq_num: event.seqNum,
        parent_pidversion: proc.parentPidversion,
        responsible_pid: proc.responsiblePid,
        tty: proc.tty,
        image_before_exec: exec
          ? { pid: event.instigator.pid, pidversion: event.instigator.pidversion, executable: event.instigator.executable }
          : undefined,
        args_truncated: exec ? (event.argsTruncated ?? false) : undefined,
        script: exec ? event.script : undefined,
        // fork: the forker is the parent, known exactly; exec: the addon resolved its path.
        parent_resolution: type === 'fork' || (exec && event.parentExecutable !== undefined) ? 'source' : undefined,
      },
    };
  };
}

/**
 * The parent: from the parent audit token when the message has one (version ≥ 4; ppid can be
 * stale after reparenting), else ppid. exec: its path as the addon resolved it on the ES thread;
 * fork: the forking process itself, known exactly. The process tree fills in the rest.
 */
function parentOf(event: NativeEvent): ParentProcess {
  if (event.type === 'fork') {
    const forker = event.instigator;
    return { pid: forker.pid, name: processName(forker.executable), executable: forker.executable, entity_id: undefined, start: undefined };
  }
  const path = event.type === 'exec' && event.parentExecutable !== '' ? event.parentExecutable : undefined;
  return {
    pid: event.process.parentPid ?? event.process.ppid,
    name: path !== undefined ? processName(path) : undefined,
    executable: path,
    entity_id: undefined,
    start: undefined,
  };
}
