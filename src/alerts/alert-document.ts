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
  };
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
  };
}
