/**
 * What one audit may spend. A planted tree must not keep `audit` (often run as root from an MDM
 * script) busy forever: every file read is capped in bytes (`readPlistFile`), every folder
 * listing in entries, and the whole run in time. Once the time is spent, files not yet read are
 * counted, not read, and the report says the audit is incomplete.
 */
export interface AuditLimits {
  /** Wall-clock budget for the whole audit, in milliseconds. */
  timeoutMs: number;
  /** Entries read from one folder (a rules folder, emondClients). */
  maxEntries: number;
}

export const DEFAULT_AUDIT_LIMITS: AuditLimits = { timeoutMs: 60_000, maxEntries: 10_000 };

export class AuditBudget {
  readonly timeoutMs: number;
  readonly maxEntries: number;
  /** Rule files listed but not read because the time ran out. */
  notAudited = 0;
  private readonly deadline: number;

  constructor(limits: AuditLimits, private readonly now: () => number = Date.now) {
    this.timeoutMs = limits.timeoutMs;
    this.maxEntries = limits.maxEntries;
    this.deadline = now() + limits.timeoutMs;
  }

  /** True once the time is up: checked before each file, so no file is read after the deadline. */
  spent(): boolean {
    return this.now() >= this.deadline;
  }
}
