import type { ExecEvent } from '../events/exec-event.js';
import type { Severity, ThreatMapping } from '../rules/rule.js';

/**
 * An alert as an ECS document: the matching event's fields, `event.kind: "alert"`, the rule and its
 * MITRE mapping. This is what the store keeps in full, what the NDJSON sink writes and what
 * `scan --format ndjson` prints.
 */
export interface AlertDocument extends Omit<ExecEvent, 'event'> {
  /** When the matching event happened (the alert's own creation time is `event.created`). */
  '@timestamp': string;
  event: Omit<ExecEvent['event'], 'kind'> & {
    kind: 'alert';
    /** When emondguard raised the alert. */
    created: string;
    severity: number;
    risk_score: number;
    /** The alert's stable id, the same as `kibana.alert.uuid` and the store's `alerts.uuid`. */
    id?: string;
  };
  /** Kibana's alert id field, so a SIEM deduplicates an alert sent twice (see src/alerts/alert-id.ts). */
  kibana?: { alert: { uuid: string } };
  rule: {
    id: string;
    name: string;
    version: number;
    severity: Severity;
    risk_score: number;
    description: string;
    reference: string[];
    author: string[];
    license?: string;
    ruleset: string;
  };
  threat: ThreatMapping[];
  emondguard: {
    /** Identical alerts merged into this one within the merge interval (1 = none). */
    count?: number;
    /** Stored, but not sent to the unified log and NDJSON: its throttle key was over max_signals. */
    notification_held_back?: boolean;
    /** Fields cut to keep the stored alert under the byte cap (src/alerts/alert-cap.ts). */
    truncated?: TruncatedField[];
  };
}

/** One field cut by the alert byte cap: what it was before. */
export interface TruncatedField {
  /** Dotted ECS path, e.g. `process.args` or `process.command_line`. */
  field: string;
  /** Its size in UTF-8 bytes before the cut (for `process.args`, all elements together). */
  original_bytes: number;
  /** `process.args` only: how many elements it had. */
  original_count?: number;
}
