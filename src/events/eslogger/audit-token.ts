import { bad, isCount, isJsonObject, requireCount } from '../json-fields.js';

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

/**
 * eslogger's two spellings of an audit token: up to message version 9 an object with named
 * fields; from version 10 (macOS 26) an array of 8 integers in the order below. Apple calls the
 * JSON "not API", so both are accepted whatever the message version says.
 */
const ARRAY_ORDER = ['auid', 'euid', 'egid', 'ruid', 'rgid', 'pid', 'asid', 'pidversion'] as const;

export function parseAuditToken(value: unknown, path: string): AuditToken {
  if (Array.isArray(value)) {
    if (value.length !== ARRAY_ORDER.length) throw bad(path, 'an audit token of 8 integers', value);
    for (let i = 0; i < value.length; i++) {
      if (!isCount(value[i])) throw bad(`${path}[${i}]`, 'a non-negative integer', value[i]);
    }
    const [auid, euid, egid, ruid, rgid, pid, asid, pidversion] = value as number[];
    return { auid: auid!, euid: euid!, egid: egid!, ruid: ruid!, rgid: rgid!, pid: pid!, asid: asid!, pidversion: pidversion! };
  }
  if (!isJsonObject(value)) throw bad(path, 'an audit token (object or array of 8 integers)', value);
  return {
    auid: requireCount(value, 'auid', path),
    euid: requireCount(value, 'euid', path),
    egid: requireCount(value, 'egid', path),
    ruid: requireCount(value, 'ruid', path),
    rgid: requireCount(value, 'rgid', path),
    pid: requireCount(value, 'pid', path),
    asid: requireCount(value, 'asid', path),
    pidversion: requireCount(value, 'pidversion', path),
  };
}
