import { capArgs, capString, DEFAULT_ARGV_CAPS, type ArgvCaps } from '../argv-caps.js';
import { commandLine, entityId, processName } from '../exec-event.js';
import type { CodeSignature, EcsProcess, ExecEvent, ParentProcess, ProcessAction } from '../exec-event.js';
import { bad, isCount, isJsonObject, missing, type JsonObject } from '../json-fields.js';
import { looksLikeIsoTime } from '../iso-time.js';
import type { ParsedLine } from '../parsed-line.js';
import { EcsFields } from './ecs-fields.js';

/**
 * Elastic Defend (and other ECS) process documents, e.g. exported from Elasticsearch, into the
 * same ExecEvent the eslogger parser makes, so `scan` can retro-hunt exported events too.
 *
 * ECS keeps what the indexer wrote: `event.type` stays as given (the emond rule accepts both
 * "start" and Auditbeat's "process_started"), the parent comes from the document itself
 * (`es.parent_resolution` = `source`), and a document for another OS is irrelevant rather than
 * relabelled as macOS, because the rules test `host.os.type`.
 */

/** True when a parsed JSON object looks like an ECS document (or an Elasticsearch hit holding one). */
export function looksLikeEcsDocument(document: JsonObject): boolean {
  if (isJsonObject(document['_source'])) return true;
  return '@timestamp' in document || 'ecs' in document || 'ecs.version' in document || hasEcsProcess(document);
}

function hasEcsProcess(document: JsonObject): boolean {
  return 'process.pid' in document || (isJsonObject(document['process']) && 'pid' in document['process']);
}

export function parseEcsDocument(input: JsonObject, caps: Readonly<ArgvCaps> = DEFAULT_ARGV_CAPS): ParsedLine {
  const source = input['_source'];
  const fields = new EcsFields(isJsonObject(source) ? source : input);

  const categories = stringList(fields, 'event.category');
  if (!categories.includes('process')) {
    return irrelevant(categories.length === 0 ? 'ecs without event.category' : `ecs event.category ${categories.join(',')}`);
  }
  const osType = optionalText(fields, 'host.os.type');
  if (osType !== undefined && osType !== 'macos') return irrelevant(`ecs host.os.type ${osType}`);

  const actionText = optionalText(fields, 'event.action');
  let types = stringList(fields, 'event.type');
  if (types.length === 0) {
    const implied = impliedTypes(actionText);
    if (implied === undefined) return irrelevant('ecs process event without event.type');
    types = implied;
  }
  const action = actionOf(actionText, types);
  if (action === undefined) return irrelevant(`ecs event.type ${types.join(',')}`);

  const event: ExecEvent = {
    '@timestamp': timestampOf(fields),
    event: { kind: 'event', category: ['process'], type: types, action, module: 'ecs' },
    host: { os: { type: 'macos' } },
    process: processOf(fields, caps),
    // An empty user id says "not in the document"; never a guess.
    user: { id: optionalText(fields, 'user.id') ?? '' },
    // ECS has no ES message version; 0 says "not from Endpoint Security".
    es: { message_version: 0 },
  };
  const sequence = optionalCount(fields, 'event.sequence');
  if (sequence !== undefined) event.event.sequence = sequence;
  const hostName = optionalText(fields, 'host.name');
  if (hostName !== undefined) event.host.name = hostName;
  const osVersion = optionalText(fields, 'host.os.version');
  if (osVersion !== undefined) event.host.os.version = osVersion;
  const userName = optionalText(fields, 'user.name');
  if (userName !== undefined) event.user.name = userName;
  const groupId = optionalText(fields, 'group.id');
  if (groupId !== undefined) event.group = { id: groupId };
  if (event.process.parent.name !== undefined) event.es.parent_resolution = 'source';
  return { kind: 'event', format: 'ecs', event };
}

function irrelevant(reason: string): ParsedLine {
  return { kind: 'irrelevant', format: 'ecs', reason };
}

/** Elastic Defend on macOS: `exec` and `fork` start a process, `end` ends one. */
function impliedTypes(action: string | undefined): string[] | undefined {
  if (action === 'exec' || action === 'fork' || action === 'start') return ['start'];
  if (action === 'end' || action === 'exit') return ['end'];
  return undefined;
}

function actionOf(action: string | undefined, types: string[]): ProcessAction | undefined {
  if (action === 'fork') return 'fork';
  if (action === 'end' || action === 'exit' || types.includes('end')) return 'exit';
  if (types.includes('start') || types.includes('process_started') || action === 'exec') return 'exec';
  return undefined;
}

function processOf(fields: EcsFields, caps: Readonly<ArgvCaps>): EcsProcess {
  const pid = requiredCount(fields, 'process.pid');
  const executable = optionalText(fields, 'process.executable');
  const name = optionalText(fields, 'process.name') ?? (executable === undefined ? undefined : processName(executable));
  if (name === undefined) throw missing('process', 'executable');
  const raw = argsOf(fields);
  // The same caps as the live sources; a document that says it was cut already stays cut.
  const { args, truncated } = capArgs(raw, caps);
  const givenLine = optionalText(fields, 'process.command_line');
  // A command line of the kept arguments is at most their bytes plus one space between each.
  const line = givenLine === undefined ? undefined : capString(givenLine, caps.maxArgBytes + caps.maxArgs);
  const start = optionalText(fields, 'process.start');
  const process: EcsProcess = {
    pid,
    entity_id: capString(optionalText(fields, 'process.entity_id') ?? entityId(pid, undefined, start)),
    name: capString(name),
    // Without process.executable the path is unknown; an empty string never matches a path pattern.
    executable: capString(executable ?? ''),
    args,
    args_count: optionalCount(fields, 'process.args_count') ?? raw.length,
    command_line: line ?? commandLine(args),
    parent: parentOf(fields),
  };
  if (truncated || line !== givenLine || optionalFlag(fields, 'process.Ext.args_truncated') === true) process.Ext = { args_truncated: true };
  if (start !== undefined) process.start = start;
  const cwd = optionalText(fields, 'process.working_directory');
  if (cwd !== undefined) process.working_directory = capString(cwd);
  const exitCode = fields.get('process.exit_code');
  if (exitCode !== undefined) {
    if (typeof exitCode !== 'number' || !Number.isSafeInteger(exitCode)) throw bad('process.exit_code', 'an integer', exitCode);
    process.exit_code = exitCode;
  }
  const signature = codeSignatureOf(fields);
  if (signature !== undefined) process.code_signature = signature;
  return process;
}

function parentOf(fields: EcsFields): ParentProcess {
  // process.ppid is the older spelling of process.parent.pid.
  const parent: ParentProcess = {
    pid: optionalCount(fields, 'process.parent.pid') ?? optionalCount(fields, 'process.ppid') ?? 0,
  };
  const executable = optionalText(fields, 'process.parent.executable');
  const name = optionalText(fields, 'process.parent.name') ?? (executable === undefined ? undefined : processName(executable));
  if (name !== undefined) parent.name = capString(name);
  if (executable !== undefined) parent.executable = capString(executable);
  const entity = optionalText(fields, 'process.parent.entity_id');
  if (entity !== undefined) parent.entity_id = entity;
  const start = optionalText(fields, 'process.parent.start');
  if (start !== undefined) parent.start = start;
  return parent;
}

function codeSignatureOf(fields: EcsFields): CodeSignature | undefined {
  const exists = optionalFlag(fields, 'process.code_signature.exists');
  const signingId = optionalText(fields, 'process.code_signature.signing_id');
  const teamId = optionalText(fields, 'process.code_signature.team_id');
  const trusted = optionalFlag(fields, 'process.code_signature.trusted');
  if (exists === undefined && signingId === undefined && teamId === undefined && trusted === undefined) return undefined;
  const signature: CodeSignature = { exists: exists ?? signingId !== undefined };
  if (signingId !== undefined) signature.signing_id = signingId;
  if (teamId !== undefined) signature.team_id = teamId;
  if (trusted !== undefined) signature.trusted = trusted;
  return signature;
}

/** `process.args` is an array in ECS; a lone string is accepted as one argument. */
function argsOf(fields: EcsFields): string[] {
  const value = fields.get('process.args');
  if (value === undefined) return [];
  if (typeof value === 'string') return [value];
  if (!Array.isArray(value)) throw bad('process.args', 'an array of strings', value);
  for (let i = 0; i < value.length; i++) {
    if (typeof value[i] !== 'string') throw bad(`process.args[${i}]`, 'a string', value[i]);
  }
  return value as string[];
}

/** ECS keyword fields may hold one value or an array of them. */
function stringList(fields: EcsFields, path: string): string[] {
  const value = fields.get(path);
  if (value === undefined) return [];
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value as string[];
  throw bad(path, 'a string or an array of strings', value);
}

function optionalText(fields: EcsFields, path: string): string | undefined {
  const value = fields.get(path);
  if (value === undefined) return undefined;
  // Numbers are common in ids exported from other tools (user.id: 0); ECS types them as keywords.
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') throw bad(path, 'a string', value);
  return value;
}

function timestampOf(fields: EcsFields): string {
  const time = requiredText(fields, '@timestamp');
  if (!looksLikeIsoTime(time)) throw bad('@timestamp', 'an ISO 8601 date and time', time);
  return time;
}

function requiredText(fields: EcsFields, path: string): string {
  const value = optionalText(fields, path);
  if (value === undefined) throw missingPath(path);
  return value;
}

function optionalCount(fields: EcsFields, path: string): number | undefined {
  const value = fields.get(path);
  if (value === undefined) return undefined;
  if (!isCount(value)) throw bad(path, 'a non-negative integer', value);
  return value;
}

function requiredCount(fields: EcsFields, path: string): number {
  const value = optionalCount(fields, path);
  if (value === undefined) throw missingPath(path);
  return value;
}

function optionalFlag(fields: EcsFields, path: string): boolean | undefined {
  const value = fields.get(path);
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw bad(path, 'true or false', value);
  return value;
}

function missingPath(path: string) {
  const dot = path.lastIndexOf('.');
  return dot === -1 ? missing('', path) : missing(path.slice(0, dot), path.slice(dot + 1));
}
