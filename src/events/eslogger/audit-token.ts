import { bad, countField, isCount, isJsonObject } from '../json-fields.js';

/** The eight fields of a BSM audit token, as libbsm's `audit_token_to_*` accessors name them. */
export interface AuditToken {
  auid: number;
  euid: number;
  egid: number;
  ruid: number;
  rgid: number;
  pid: number;
  asid: number;
  /** Bumps on every exec: (pid, pidversion) names one program execution per boot. */
  pidversion: number;
}

/** Field names in the order of eslogger's array spelling. */
const ARRAY_ORDER = ['auid', 'euid', 'egid', 'ruid', 'rgid', 'pid', 'asid', 'pidversion'] as const;

/**
 * eslogger's two spellings of an audit token: up to message version 9 an object with named
 * fields; from version 10 (macOS 26) an array of 8 integers in ARRAY_ORDER. Apple calls the
 * JSON "not API", so both are accepted whatever the message version says.
 */
export function parseAuditToken(value: unknown, path: string): AuditToken {
  if (Array.isArray(value)) {
    if (value.length !== ARRAY_ORDER.length) throw bad(path, 'an audit token of 8 integers', value);
    for (let i = 0; i < value.length; i++) {
      if (!isCount(value[i])) throw bad(`${path}[${i}]`, `a non-negative integer (${ARRAY_ORDER[i]})`, value[i]);
    }
    const [auid, euid, egid, ruid, rgid, pid, asid, pidversion] = value as number[];
    return { auid: auid!, euid: euid!, egid: egid!, ruid: ruid!, rgid: rgid!, pid: pid!, asid: asid!, pidversion: pidversion! };
  }
  if (!isJsonObject(value)) throw bad(path, 'an audit token (object or array of 8 integers)', value);
  // The common case costs eight type checks and no copy: the parsed object is the token.
  if (
    isCount(value['auid']) && isCount(value['euid']) && isCount(value['egid']) && isCount(value['ruid']) &&
    isCount(value['rgid']) && isCount(value['pid']) && isCount(value['asid']) && isCount(value['pidversion'])
  ) {
    return value as unknown as AuditToken;
  }
  // Otherwise name the first field at fault.
  for (const key of ARRAY_ORDER) countField(value[key], path, key);
  throw bad(path, 'an audit token', value);
}
