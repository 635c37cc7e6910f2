import { existsSync } from 'node:fs';
import { openAlertRecorder, type RecordSummary } from '../alerts/record-alerts.js';
import { AlertStore } from '../storage/alert-store.js';
import { auditAlerts } from './audit-alerts.js';
import { emondCommandActionRule } from './audit-rule.js';
import type { AuditReport } from './audit.js';

export interface AuditRecordSummary extends RecordSummary {
  /** Command actions found by this audit. */
  found: number;
  /** Of those, already stored as open or acknowledged alerts by an earlier `audit --record`. */
  alreadyRecorded: number;
}

/**
 * `emondguard audit --record`: stores each command action found as an alert of the built-in rule
 * "Emond Rule With Command Action" in the alert database the agent uses. A finding that is still
 * open (or acknowledged) from an earlier run is not stored again — a daily audit must not bury the
 * admin in copies — but once its alert is resolved, finding it again raises a new one.
 */
export async function recordAuditFindings(
  report: AuditReport,
  options: { dbPath?: string; hostName?: string } = {},
): Promise<AuditRecordSummary> {
  const alerts = auditAlerts(report, options.hostName === undefined ? {} : { hostName: options.hostName });
  // Audits are not a stream: every finding is kept, none merged or rate-limited.
  const recorder = openAlertRecorder({ ...(options.dbPath === undefined ? {} : { dbPath: options.dbPath }), throttle: false });
  let alreadyRecorded = 0;
  try {
    const known = unresolvedFindings(recorder.dbPath);
    for (const alert of alerts) {
      if (known.has(alert.process.entity_id)) alreadyRecorded++;
      else recorder.record(alert, emondCommandActionRule());
    }
  } catch (error) {
    await recorder.close().catch(() => undefined);
    throw error;
  }
  return { ...(await recorder.close()), found: alerts.length, alreadyRecorded };
}

/** Entity ids of this rule's alerts that are not resolved yet. */
function unresolvedFindings(dbPath: string): Set<string> {
  if (!existsSync(dbPath)) return new Set();
  const store = AlertStore.open(dbPath, { readonly: true });
  try {
    const ids = new Set<string>();
    for (const { document } of store.documents({ rules: [emondCommandActionRule().id], statuses: ['open', 'acknowledged'] })) {
      ids.add(document.process.entity_id);
    }
    return ids;
  } finally {
    store.close();
  }
}
