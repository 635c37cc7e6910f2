import {
  absent,
  bad,
  fieldPath,
  isJsonObject,
  missing,
  objectField,
  optionalBooleanField,
  optionalCountField,
  optionalObjectField,
  optionalStringField,
  stringField,
  type JsonObject,
} from '../json-fields.js';
import { parseAuditToken, type AuditToken } from './audit-token.js';

/**
 * An `es_process_t` as eslogger prints it, reduced to what emondguard uses. Fields that Endpoint
 * Security only fills from some message version on are read only from that version on, exactly
 * as an ES client must (reading them earlier is reading garbage); the version table is in
 * ESMessage.h: tty ≥ 2, start_time ≥ 3, responsible and parent audit tokens ≥ 4.
 */
export interface EsProcess extends EsProcessIdentity {
  ppid?: number;
  originalPpid?: number;
  executableTruncated?: boolean;
  signingId?: string;
  teamId?: string;
  cdhash?: string;
  isPlatformBinary?: boolean;
  codesigningFlags?: number;
  /** Path of the controlling terminal (version ≥ 2). */
  tty?: string;
  responsibleToken?: AuditToken;
  parentToken?: AuditToken;
}

/** The part of an `es_process_t` that identifies a program execution: enough for the tree. */
export interface EsProcessIdentity {
  token: AuditToken;
  executable: string;
  /** Time of the fork that created the process (version ≥ 3). */
  startTime?: string;
}

export function parseEsProcess(value: unknown, path: string, version: number): EsProcess {
  const raw = asProcessObject(value, path);
  const process: EsProcess = readIdentity(raw, path, version);

  const ppid = optionalCountField(raw['ppid'], path, 'ppid');
  if (ppid !== undefined) process.ppid = ppid;
  const originalPpid = optionalCountField(raw['original_ppid'], path, 'original_ppid');
  if (originalPpid !== undefined) process.originalPpid = originalPpid;
  const executable = raw['executable'] as JsonObject; // checked by readIdentity
  const truncated = optionalBooleanField(executable['path_truncated'], fieldPath(path, 'executable'), 'path_truncated');
  if (truncated !== undefined) process.executableTruncated = truncated;
  // eslogger prints an absent signing or team id as null, and platform binaries have an empty team id.
  const signingId = optionalStringField(raw['signing_id'], path, 'signing_id');
  if (signingId) process.signingId = signingId;
  const teamId = optionalStringField(raw['team_id'], path, 'team_id');
  if (teamId) process.teamId = teamId;
  const cdhash = optionalStringField(raw['cdhash'], path, 'cdhash');
  if (cdhash) process.cdhash = cdhash;
  const platform = optionalBooleanField(raw['is_platform_binary'], path, 'is_platform_binary');
  if (platform !== undefined) process.isPlatformBinary = platform;
  const flags = optionalCountField(raw['codesigning_flags'], path, 'codesigning_flags');
  if (flags !== undefined) process.codesigningFlags = flags;

  if (version >= 2) {
    const tty = optionalObjectField(raw['tty'], path, 'tty');
    if (tty !== undefined) process.tty = stringField(tty['path'], fieldPath(path, 'tty'), 'path');
  }
  if (version >= 4) {
    const responsible = raw['responsible_audit_token'];
    if (!absent(responsible)) process.responsibleToken = parseAuditToken(responsible, fieldPath(path, 'responsible_audit_token'));
    const parent = raw['parent_audit_token'];
    if (!absent(parent)) process.parentToken = parseAuditToken(parent, fieldPath(path, 'parent_audit_token'));
  }
  return process;
}

/**
 * Only the identity (audit token, executable, start time): what an exec's pre-exec image and a
 * fork's parent contribute. Other fields of those processes are not validated, so a line is not
 * dropped over a field nothing reads.
 */
export function parseEsProcessIdentity(value: unknown, path: string, version: number): EsProcessIdentity {
  return readIdentity(asProcessObject(value, path), path, version);
}

function readIdentity(raw: JsonObject, path: string, version: number): EsProcessIdentity {
  const tokenValue = raw['audit_token'];
  if (absent(tokenValue)) throw missing(path, 'audit_token');
  const token = parseAuditToken(tokenValue, fieldPath(path, 'audit_token'));
  const executableObject = objectField(raw['executable'], path, 'executable');
  const executable = stringField(executableObject['path'], fieldPath(path, 'executable'), 'path');
  const identity: EsProcessIdentity = { token, executable };
  if (version >= 3) {
    const startTime = optionalStringField(raw['start_time'], path, 'start_time');
    if (startTime !== undefined) identity.startTime = startTime;
  }
  return identity;
}

function asProcessObject(value: unknown, path: string): JsonObject {
  if (absent(value)) {
    const dot = path.lastIndexOf('.');
    throw missing(dot === -1 ? '' : path.slice(0, dot), dot === -1 ? path : path.slice(dot + 1));
  }
  if (!isJsonObject(value)) throw bad(path, 'an object (es_process_t)', value);
  return value;
}
