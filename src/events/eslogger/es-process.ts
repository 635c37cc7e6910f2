import {
  fieldPath,
  missing,
  optionalBoolean,
  optionalCount,
  optionalObject,
  optionalString,
  requireObject,
  requireString,
  type JsonObject,
} from '../json-fields.js';
import { isJsonObject, bad } from '../json-fields.js';
import { parseAuditToken, type AuditToken } from './audit-token.js';

/**
 * An `es_process_t` as eslogger prints it, reduced to what emondguard uses. Fields that Endpoint
 * Security only fills from some message version on are read only from that version on, exactly
 * as an ES client must (reading them earlier is reading garbage); the version table is in
 * ESMessage.h: tty ≥ 2, start_time ≥ 3, responsible and parent audit tokens ≥ 4.
 */
export interface EsProcess {
  token: AuditToken;
  ppid?: number;
  originalPpid?: number;
  executable: string;
  executableTruncated?: boolean;
  signingId?: string;
  teamId?: string;
  cdhash?: string;
  isPlatformBinary?: boolean;
  codesigningFlags?: number;
  /** Path of the controlling terminal (version ≥ 2). */
  tty?: string;
  /** Time of the fork that created the process (version ≥ 3). */
  startTime?: string;
  responsibleToken?: AuditToken;
  parentToken?: AuditToken;
}

/** The part of an `es_process_t` that identifies a program execution: enough for the tree. */
export interface EsProcessIdentity {
  token: AuditToken;
  executable: string;
  startTime?: string;
}

export function parseEsProcess(value: unknown, path: string, version: number): EsProcess {
  const raw = asProcessObject(value, path);
  const identity = parseEsProcessIdentity(raw, path, version);
  const process: EsProcess = { token: identity.token, executable: identity.executable };
  if (identity.startTime !== undefined) process.startTime = identity.startTime;

  const ppid = optionalCount(raw, 'ppid', path);
  if (ppid !== undefined) process.ppid = ppid;
  const originalPpid = optionalCount(raw, 'original_ppid', path);
  if (originalPpid !== undefined) process.originalPpid = originalPpid;
  const truncated = optionalBoolean(requireObject(raw, 'executable', path), 'path_truncated', fieldPath(path, 'executable'));
  if (truncated !== undefined) process.executableTruncated = truncated;
  // eslogger prints an absent signing or team id as null, and platform binaries have an empty team id.
  const signingId = optionalString(raw, 'signing_id', path);
  if (signingId) process.signingId = signingId;
  const teamId = optionalString(raw, 'team_id', path);
  if (teamId) process.teamId = teamId;
  const cdhash = optionalString(raw, 'cdhash', path);
  if (cdhash) process.cdhash = cdhash;
  const platform = optionalBoolean(raw, 'is_platform_binary', path);
  if (platform !== undefined) process.isPlatformBinary = platform;
  const flags = optionalCount(raw, 'codesigning_flags', path);
  if (flags !== undefined) process.codesigningFlags = flags;

  if (version >= 2) {
    const tty = optionalObject(raw, 'tty', path);
    if (tty !== undefined) process.tty = requireString(tty, 'path', fieldPath(path, 'tty'));
  }
  if (version >= 4) {
    const responsible = raw['responsible_audit_token'];
    if (responsible !== undefined && responsible !== null) {
      process.responsibleToken = parseAuditToken(responsible, fieldPath(path, 'responsible_audit_token'));
    }
    const parent = raw['parent_audit_token'];
    if (parent !== undefined && parent !== null) {
      process.parentToken = parseAuditToken(parent, fieldPath(path, 'parent_audit_token'));
    }
  }
  return process;
}

/**
 * Only the identity (audit token, executable, start time): what an exec's pre-exec image and a
 * fork's parent contribute. Other fields of those processes are not validated, so a line is not
 * dropped over a field nothing reads.
 */
export function parseEsProcessIdentity(value: unknown, path: string, version: number): EsProcessIdentity {
  const raw = asProcessObject(value, path);
  const tokenValue = raw['audit_token'];
  if (tokenValue === undefined || tokenValue === null) throw missing(path, 'audit_token');
  const token = parseAuditToken(tokenValue, fieldPath(path, 'audit_token'));
  const executable = requireString(requireObject(raw, 'executable', path), 'path', fieldPath(path, 'executable'));
  const identity: EsProcessIdentity = { token, executable };
  if (version >= 3) {
    const startTime = optionalString(raw, 'start_time', path);
    if (startTime !== undefined) identity.startTime = startTime;
  }
  return identity;
}

function asProcessObject(value: unknown, path: string): JsonObject {
  if (value === undefined || value === null) {
    const dot = path.lastIndexOf('.');
    throw missing(dot === -1 ? '' : path.slice(0, dot), dot === -1 ? path : path.slice(dot + 1));
  }
  if (!isJsonObject(value)) throw bad(path, 'an object (es_process_t)', value);
  return value;
}
