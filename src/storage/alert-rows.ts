import type { AlertDocument } from '../alerts/alert-document.js';
import { ensureAlertId, setAlertId } from '../alerts/alert-id.js';
import type { NewAlert } from './alert-inserts.js';
import type { Severity } from '../rules/rule.js';

/**
 * The mapping between an ECS alert document and an `alerts` row. The row's columns are what the
 * CLI filters, sorts or changes after the insert; the document keeps everything else, and the
 * list reads the process fields it shows out of it (parsing 100 documents takes about a
 * millisecond). The rule block and MITRE mapping are stored once per rule (rules.ecs, with the
 * rule's id, name and severity as columns) and put back when a document is read.
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
  /** The alert's stable id: `kibana.alert.uuid` and `event.id` of its NDJSON and unified-log copies. */
  uuid: string;
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
    parent: {
      pid: number | null;
      entity_id: string | null;
      name: string | null;
      executable: string | null;
      /** The parent's code-signing identity, where the source or the process tree knew it. */
      code_signature: { signing_id: string | null; team_id: string | null } | null;
    };
  };
  user: { id: string | null; name: string | null };
  /** Identical alerts merged into this one (1 = none). */
  count: number;
  /** When the latest merged duplicate happened. */
  last_seen: string | null;
  /**
   * Occurrences of this alert (it and its merged repeats) not sent to the unified log and NDJSON
   * because its throttle key was over max_signals; 0 when it was notified.
   */
  notifications_held_back: number;
  /** Fields the byte cap cut, with their original sizes (empty when none). */
  truncated: Array<{ field: string; original_bytes: number; original_count?: number }>;
  status: AlertStatus;
  status_by: string | null;
  status_at: string | null;
  status_note: string | null;
}

/** Everything about one alert: the summary, the full ECS document and the rule's guide. */
export interface AlertDetail extends AlertSummary {
  document: AlertDocument;
  rule_context: RuleContext;
  /** Every ack and resolve, oldest first (the summary's status_* fields are the last of them). */
  status_history: StatusChangeRecord[];
}

export interface StatusChangeRecord {
  status: AlertStatus;
  by: string | null;
  /** ISO 8601. */
  at: string;
  note: string | null;
}

/** Raw summary row as SUMMARY_COLUMNS selects it. */
export interface AlertRow {
  id: number;
  uuid: string | null;
  notifications_held_back: number;
  timestamp: number;
  created: number;
  rule_id: string;
  rule_name: string;
  rule_version: number;
  severity: string;
  risk_score: number;
  count: number;
  last_seen: number | null;
  status: AlertStatus;
  status_by: string | null;
  status_at: number | null;
  status_note: string | null;
  /** The stored document (JSON), which the process, host and user fields are read from. */
  document: string;
}

/** The stored part of an alert document: everything but the rule block. */
export type StoredDocument = Omit<AlertDocument, 'rule' | 'threat'>;

/** Select list for AlertRow over SUMMARY_FROM (`a` the alert, `r` its rule). */
export const SUMMARY_COLUMNS =
  'a.id, a.uuid, a.notifications_held_back, a.timestamp, a.created, r.rule_id, r.name AS rule_name, r.version AS rule_version, r.severity, r.risk_score, ' +
  'a.count, a.last_seen, a.status, a.status_by, a.status_at, a.status_note, a.document';

export const SUMMARY_FROM = 'alerts a JOIN rules r ON r.id = a.rule_ref';

/**
 * How soon size-cap pruning may remove a row (lowest first, see retention.ts): alerts whose
 * notification was held back (the flood past a key's max_signals), then ordinary ones, then
 * alerts whose parent is a trusted emond path.
 */
export const PRUNE_RANK = { heldBack: 0, ordinary: 1, trustedParent: 2 } as const;

/**
 * Appends the values of one `alerts` insert — timestamp, created, rule_ref, count, last_seen,
 * uuid, notifications_held_back, prune_rank, document — to `values`: positional, because binding
 * by name costs a property lookup per value and row, which showed in the insert profile.
 */
export function pushInsertValues(values: unknown[], alert: NewAlert, ruleRef: number, now: number): void {
  const { document } = alert;
  const uuid = ensureAlertId(document);
  // Everything but the rule block, which rules.ecs holds once per rule.
  const { rule: _rule, threat: _threat, ...rest } = document;
  const created = toMillis(document.event?.created, now);
  const count = alert.count ?? 1;
  const heldBack = alert.notified === false;
  const rank = alert.trustedParent ? PRUNE_RANK.trustedParent : heldBack ? PRUNE_RANK.heldBack : PRUNE_RANK.ordinary;
  values.push(
    toMillis(document['@timestamp'], created),
    created,
    ruleRef,
    count,
    alert.lastSeen ?? null,
    uuid,
    heldBack ? count : 0,
    rank,
    JSON.stringify(rest),
  );
}

/** The rule part of a document, stored once in `rules.ecs`. */
export function ruleBlockJson(document: AlertDocument): string {
  return JSON.stringify({ rule: document.rule, threat: document.threat });
}

/** Milliseconds for an ISO time; `fallback` when the text is not a time (kept, never dropped). */
export function toMillis(iso: string | undefined, fallback: number): number {
  const ms = iso === undefined ? Number.NaN : Date.parse(iso);
  return Number.isFinite(ms) ? ms : fallback;
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** `stored` is row.document parsed, when the caller has it already. */
export function toSummary(row: AlertRow, stored: StoredDocument = parseStored(row.document)): AlertSummary {
  const process = stored.process;
  const signature = process?.parent?.code_signature;
  return {
    id: row.id,
    uuid: row.uuid ?? '',
    timestamp: new Date(row.timestamp).toISOString(),
    created: new Date(row.created).toISOString(),
    rule: {
      id: row.rule_id,
      name: row.rule_name,
      version: row.rule_version,
      severity: row.severity as Severity,
      risk_score: row.risk_score,
    },
    host: stored.host?.name ?? null,
    process: {
      pid: process?.pid ?? null,
      entity_id: process?.entity_id ?? null,
      name: process?.name ?? null,
      executable: process?.executable ?? null,
      args: Array.isArray(process?.args) ? process.args.map(String) : [],
      command_line: process?.command_line ?? null,
      parent: {
        pid: process?.parent?.pid ?? null,
        entity_id: process?.parent?.entity_id ?? null,
        name: process?.parent?.name ?? null,
        executable: process?.parent?.executable ?? null,
        code_signature: signature ? { signing_id: signature.signing_id ?? null, team_id: signature.team_id ?? null } : null,
      },
    },
    user: { id: stored.user?.id ?? null, name: stored.user?.name ?? null },
    count: row.count,
    last_seen: iso(row.last_seen),
    notifications_held_back: row.notifications_held_back ?? 0,
    truncated: Array.isArray(stored.emondguard?.truncated) ? stored.emondguard.truncated : [],
    status: row.status,
    status_by: row.status_by,
    status_at: iso(row.status_at),
    status_note: row.status_note,
  };
}

export function parseStored(document: string): StoredDocument {
  return JSON.parse(document) as StoredDocument;
}

/**
 * The full ECS document again: the stored event part, the rule block, and the merge count as the
 * store knows it now (merges after the insert raise it).
 */
export function toDocument(stored: StoredDocument, ruleBlock: string, count: number, uuid?: string | null): AlertDocument {
  const { rule, threat } = JSON.parse(ruleBlock) as Pick<AlertDocument, 'rule' | 'threat'>;
  const document: AlertDocument = { ...stored, event: { ...stored.event }, rule, threat, emondguard: { ...stored.emondguard, count } };
  // The row's id wins: rows stored before ids existed got theirs from the migration.
  if (uuid) setAlertId(document, uuid);
  return document;
}
