import { capArgs, capString, DEFAULT_ARGV_CAPS, type ArgvCaps } from '../argv-caps.js';
import { commandLine, entityId, processName } from '../exec-event.js';
import { codeSignatureOf, exitCodeOf } from '../es-values.js';
import type { EcsProcess, ExecEvent, ParentProcess, ProcessAction } from '../exec-event.js';
import {
  absent,
  bad,
  countField,
  missing,
  objectField,
  optionalCountField,
  optionalObjectField,
  stringArrayField,
  stringField,
  type JsonObject,
} from '../json-fields.js';
import { looksLikeIsoTime } from '../iso-time.js';
import type { ParsedLine } from '../parsed-line.js';
import { parseEsProcess, parseEsProcessIdentity, type EsProcess } from './es-process.js';

/** `es_event_type_t` values of the NOTIFY events emondguard reads (`eslogger exec fork exit`). */
export const ES_EVENT_TYPE_NOTIFY_EXEC = 9;
export const ES_EVENT_TYPE_NOTIFY_FORK = 11;
export const ES_EVENT_TYPE_NOTIFY_EXIT = 15;

const ACTION_BY_EVENT_TYPE = new Map<number, ProcessAction>([
  [ES_EVENT_TYPE_NOTIFY_EXEC, 'exec'],
  [ES_EVENT_TYPE_NOTIFY_FORK, 'fork'],
  [ES_EVENT_TYPE_NOTIFY_EXIT, 'exit'],
]);

/** True when a parsed JSON object has the shape of an eslogger message rather than an ECS document. */
export function looksLikeEsloggerMessage(message: JsonObject): boolean {
  return 'event_type' in message || 'schema_version' in message || ('mach_time' in message && 'process' in message);
}

/**
 * One eslogger JSON message (an `es_message_t`) into an ExecEvent, or `irrelevant` for event types
 * other than exec, fork and exit. Throws EventParseError when the message is malformed.
 */
export function parseEsloggerMessage(message: JsonObject, caps: Readonly<ArgvCaps> = DEFAULT_ARGV_CAPS): ParsedLine {
  const version = countField(message['version'], '', 'version');
  if (version < 1) throw bad('version', 'an ES message version ≥ 1', version);
  const eventObject = objectField(message['event'], '', 'event');
  const action = actionOf(message, eventObject);
  if ('irrelevant' in action) return { kind: 'irrelevant', format: 'eslogger', reason: action.irrelevant };
  const header = readHeader(message, version);
  switch (action.action) {
    case 'exec':
      return eventLine(execEvent(message, objectField(eventObject['exec'], 'event', 'exec'), version, header, caps));
    case 'fork':
      return eventLine(forkEvent(message, objectField(eventObject['fork'], 'event', 'fork'), version, header));
    default:
      return eventLine(exitEvent(message, objectField(eventObject['exit'], 'event', 'exit'), version, header));
  }
}

function eventLine(event: ExecEvent): ParsedLine {
  return { kind: 'event', format: 'eslogger', event };
}

/**
 * The action the message describes, from `event_type` when present (checked against the event
 * object's key), else from the key alone. Unrelated events come back as an irrelevance reason.
 */
function actionOf(message: JsonObject, eventObject: JsonObject): { action: ProcessAction } | { irrelevant: string } {
  const eventType = message['event_type'];
  if (eventType !== undefined) {
    if (typeof eventType !== 'number' || !Number.isSafeInteger(eventType)) {
      throw bad('event_type', 'an es_event_type_t number', eventType);
    }
    const action = ACTION_BY_EVENT_TYPE.get(eventType);
    if (action === undefined) return { irrelevant: `eslogger event_type ${eventType}` };
    if (!(action in eventObject)) throw missing('event', action);
    return { action };
  }
  for (const action of ACTION_BY_EVENT_TYPE.values()) {
    if (action in eventObject) return { action };
  }
  const key = Object.keys(eventObject)[0];
  return { irrelevant: key === undefined ? 'eslogger event without a type' : `eslogger event ${key}` };
}

interface MessageHeader {
  time: string;
  seqNum?: number;
  globalSeqNum?: number;
}

function readHeader(message: JsonObject, version: number): MessageHeader {
  const time = stringField(message['time'], '', 'time');
  if (!looksLikeIsoTime(time)) throw bad('time', 'an ISO 8601 date and time', time);
  const header: MessageHeader = { time };
  // seq_num exists from message version 2, global_seq_num from version 4 (ESMessage.h).
  if (version >= 2) {
    const seqNum = optionalCountField(message['seq_num'], '', 'seq_num');
    if (seqNum !== undefined) header.seqNum = seqNum;
  }
  if (version >= 4) {
    const globalSeqNum = optionalCountField(message['global_seq_num'], '', 'global_seq_num');
    if (globalSeqNum !== undefined) header.globalSeqNum = globalSeqNum;
  }
  return header;
}

function execEvent(message: JsonObject, exec: JsonObject, version: number, header: MessageHeader, caps: Readonly<ArgvCaps>): ExecEvent {
  // msg->process is the program *before* the exec, event.exec.target the one after (same pid).
  const target = parseEsProcess(exec['target'], 'event.exec.target', version);
  const before = parseEsProcessIdentity(message['process'], 'process', version);
  const args = stringArrayField(exec['args'], 'event.exec', 'args');
  const cwd = version >= 3 ? optionalObjectField(exec['cwd'], 'event.exec', 'cwd') : undefined;
  const script = version >= 2 ? optionalObjectField(exec['script'], 'event.exec', 'script') : undefined;
  return baseEvent('exec', ['start'], header, version, target, args, parentOf(target, 'event.exec.target'), {
    imageBeforeExec: { pid: before.token.pid, pidversion: before.token.pidversion, executable: before.executable },
    workingDirectory: cwd !== undefined ? stringField(cwd['path'], 'event.exec.cwd', 'path') : undefined,
    script: script !== undefined ? stringField(script['path'], 'event.exec.script', 'path') : undefined,
  }, caps);
}

function forkEvent(message: JsonObject, fork: JsonObject, version: number, header: MessageHeader): ExecEvent {
  const child = parseEsProcess(fork['child'], 'event.fork.child', version);
  // The forking process is msg->process itself: the parent is known exactly, not looked up.
  const forker = parseEsProcessIdentity(message['process'], 'process', version);
  const parent: ParentProcess = {
    pid: forker.token.pid,
    entity_id: entityId(forker.token.pid, forker.token.pidversion, forker.startTime),
    name: processName(capString(forker.executable)),
    executable: capString(forker.executable),
    start: forker.startTime,
  };
  return baseEvent('fork', ['start'], header, version, child, [], parent, { parentPidversion: forker.token.pidversion });
}

function exitEvent(message: JsonObject, exit: JsonObject, version: number, header: MessageHeader): ExecEvent {
  const process = parseEsProcess(message['process'], 'process', version);
  const stat = exit['stat'];
  if (absent(stat)) throw missing('event.exit', 'stat');
  if (typeof stat !== 'number' || !Number.isSafeInteger(stat)) throw bad('event.exit.stat', 'a wait status integer', stat);
  return baseEvent('exit', ['end'], header, version, process, [], parentOf(process, 'process'), { exitCode: exitCodeOf(stat) });
}


/** The parent as the source knows it: pid (and pidversion from version 4); the tree adds the rest. */
function parentOf(process: EsProcess, path: string): ParentProcess {
  const pid = process.parentToken?.pid ?? process.ppid;
  if (pid === undefined) throw missing(path, 'ppid');
  return { pid, name: undefined, executable: undefined, entity_id: undefined, start: undefined };
}

/** What only one kind of message says. */
interface ActionFacts {
  imageBeforeExec?: { pid: number; pidversion: number; executable: string };
  workingDirectory?: string | undefined;
  script?: string | undefined;
  exitCode?: number;
  /** fork: the forker's, known exactly (else the parent token's). */
  parentPidversion?: number;
}

function baseEvent(
  action: ProcessAction,
  type: string[],
  header: MessageHeader,
  version: number,
  source: EsProcess,
  args: string[],
  parent: ParentProcess,
  facts: ActionFacts = {},
  caps: Readonly<ArgvCaps> = DEFAULT_ARGV_CAPS,
): ExecEvent {
  const { token } = source;
  // The same caps as the native source: a line's size is its author's choice, the event's is not.
  const capped = capArgs(args, caps);
  const executable = capString(source.executable);
  // One literal per object, every key present (absent values undefined, which JSON and the rules
  // treat as missing): each event then has the same hidden classes, and a scan of millions of
  // lines adds no properties one by one.
  return {
    '@timestamp': header.time,
    event: { kind: 'event', category: ['process'], type, action, module: 'eslogger', sequence: header.globalSeqNum },
    host: { os: { type: 'macos' } },
    process: {
      pid: token.pid,
      entity_id: entityId(token.pid, token.pidversion, source.startTime),
      name: processName(executable),
      executable,
      args: capped.args,
      args_count: args.length,
      command_line: commandLine(capped.args),
      Ext: capped.truncated ? { args_truncated: true } : undefined,
      parent,
      start: source.startTime,
      working_directory: facts.workingDirectory === undefined ? undefined : capString(facts.workingDirectory),
      exit_code: facts.exitCode,
      code_signature: codeSignatureOf({
        signingId: source.signingId,
        teamId: source.teamId,
        cdhash: source.cdhash,
        flags: source.codesigningFlags,
      }),
    },
    user: { id: String(token.euid), real: { id: String(token.ruid) } },
    group: { id: String(token.egid) },
    es: {
      message_version: version,
      pidversion: token.pidversion,
      global_seq_num: header.globalSeqNum,
      seq_num: header.seqNum,
      ppid: source.ppid,
      original_ppid: source.originalPpid,
      parent_pidversion: facts.parentPidversion ?? source.parentToken?.pidversion,
      responsible_pid: source.responsibleToken?.pid,
      executable_truncated: source.executableTruncated || executable !== source.executable,
      args_truncated: action === 'exec' ? capped.truncated : undefined,
      cdhash: source.cdhash,
      is_platform_binary: source.isPlatformBinary,
      codesigning_flags: source.codesigningFlags,
      tty: source.tty,
      image_before_exec: facts.imageBeforeExec,
      script: facts.script === undefined ? undefined : capString(facts.script),
    },
  };
}

