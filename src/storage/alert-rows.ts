import type { AlertDocument } from '../alerts/alert-document.js';
import type { Severity } from '../rules/rule.js';

/**
 * The mapping between an ECS alert document and an `alerts` row. The columns are what the CLI
 * filters, sorts and shows; the document keeps everything else. The rule block and MITRE mapping
 * are stored once per rule (rules.ecs) and put back when a document is read.
 */

export type AlertStatus = 'open' | 'acknowledged' | 'resolved';
export const ALERT_STATUSES: readonly AlertStatus[] = ['open', 'acknowledged', 'resolved'];

/** The investigation context of a rule that the alert document has no field for. */
export interface RuleContext {
  note?: string;
  references?: string[];
  query?: string;
  source?: string;
}

/** One alert as listed: the columns, without the full document. */
export interface AlertSummary {
  id: number;
  timestamp: string;
  created: string;
  rule: { id: string; name: string; version: number; severity: Severity; risk_score: number };
  host: string | null;
  process: {
    pid: number | null;
    entity_id: string | null;
    name: string | null;
    executable: string | null;
    args: string[];
    command_line: string | null;
    parent: { pid: number | null; entity_id: string | null; name: string | null; executable: string | null };
  };
  user: { id: string | null; name: string | null };
  /** Identical alerts merged into this one (1 = none). */
  count: number;
  /** When the latest merged duplicate happened. */
  last_seen: string | null;
  status: AlertStatus;
  status_by: string | null;
  status_at: string | null;
  status_note: string | null;
}

/** Everything about one alert: the summary, the full ECS document and the rule's guide. */
export interface AlertDetail extends AlertSummary {
  document: AlertDocument;
  rule_context: RuleContext;
}

/** The parameters of one `alerts` insert, named as the columns. */
export interface AlertInsertParams {
  timestamp: number;
  created: number;
  rule_ref: number;
  rule_id: string;
  rule_name: string;
  rule_version: number;
  severity: string;
  risk_score: number;
  host_name: string | null;
  pid: number | null;
  entity_id: string | null;
  process_name: string | null;
  executable: string | null;
  args: string;
  command_line: string | null;
  parent_pid: number | null;
  parent_entity_id: string | null;
  parent_name: string | null;
  parent_executable: string | null;
  user_id: string | null;
  user_name: string | null;
  count: number;
  last_seen: number | null;
  document: string;
}

/** Raw `alerts` row as SELECT returns it. */
export interface AlertRow extends Omit<AlertInsertParams, 'rule_ref' | 'document'> {
  id: number;
  status: AlertStatus;
  status_by: string | null;
  status_at: number | null;
  status_note: string | null;
}

export const SUMMARY_COLUMNS =
  'id, timestamp, created, rule_id, rule_name, rule_version, severity, risk_score, host_name, pid, entity_id, ' +
  'process_name, executable, args, command_line, parent_pid, parent_entity_id, parent_name, parent_executable, ' +
  'user_id, user_name, count, last_seen, status, status_by, status_at, status_note';

/** The rule part of a document, stored once in `rules.ecs`. */
export function ruleBlockJson(document: AlertDocument): string {
  return JSON.stringify({ rule: document.rule, threat: document.threat });
}

/** Milliseconds for an ISO time; `fallback` when the text is not a time (kept, never dropped). */
export function toMillis(iso: string | undefined, fallback: number): number {
  const ms = iso === undefined ? Number.NaN : Date.parse(iso);
  return Number.isFinite(ms) ? ms : fallback;
}

export function toInsertParams(
  document: AlertDocument,
  ruleRef: number,
  count: number,
  now: number,
): AlertInsertParams {
  const { rule: _rule, threat: _threat, ...rest } = document;
  const process = document.process;
  const created = toMillis(document.event?.created, now);
  return {
    timestamp: toMillis(document['@timestamp'], created),
    created,
    rule_ref: ruleRef,
    rule_id: document.rule.id,
    rule_name: document.rule.name,
    rule_version: document.rule.version,
    severity: document.rule.severity,
    risk_score: document.rule.risk_score,
    host_name: document.host?.name ?? null,
    pid: process?.pid ?? null,
    entity_id: process?.entity_id ?? null,
    process_name: process?.name ?? null,
    executable: process?.executable ?? null,
    args: JSON.stringify(process?.args ?? []),
    command_line: process?.command_line ?? null,
    parent_pid: process?.parent?.pid ?? null,
    parent_entity_id: process?.parent?.entity_id ?? null,
    parent_name: process?.parent?.name ?? null,
    parent_executable: process?.parent?.executable ?? null,
    user_id: document.user?.id ?? null,
    user_name: document.user?.name ?? null,
    count,
    last_seen: null,
    document: JSON.stringify(rest),
  };
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export function toSummary(row: AlertRow): AlertSummary {
  return {
    id: row.id,
    timestamp: new Date(row.timestamp).toISOString(),
    created: new Date(row.created).toISOString(),
    rule: {
      id: row.rule_id,
      name: row.rule_name,
      version: row.rule_version,
      severity: row.severity as Severity,
      risk_score: row.risk_score,
    },
    host: row.host_name,
    process: {
      pid: row.pid,
      entity_id: row.entity_id,
      name: row.process_name,
      executable: row.executable,
      args: parseArgs(row.args),
      command_line: row.command_line,
      parent: {
        pid: row.parent_pid,
        entity_id: row.parent_entity_id,
        name: row.parent_name,
        executable: row.parent_executable,
      },
    },
    user: { id: row.user_id, name: row.user_name },
    count: row.count,
    last_seen: iso(row.last_seen),
    status: row.status,
    status_by: row.status_by,
    status_at: iso(row.status_at),
    status_note: row.status_note,
  };
}

function parseArgs(text: string): string[] {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value.map(String) : [];
  } catch {
    return [];
  }
}

/**
 * The full ECS document again: the stored event part, the rule block, and the merge count as the
 * store knows it now (merges after the insert raise it).
 */
export function toDocument(storedDocument: string, ruleBlock: string, count: number): AlertDocument {
  const event = JSON.parse(storedDocument) as Omit<AlertDocument, 'rule' | 'threat'>;
  const { rule, threat } = JSON.parse(ruleBlock) as Pick<AlertDocument, 'rule' | 'threat'>;
  return { ...event, rule, threat, emondguard: { ...event.emondguard, count } };
}
