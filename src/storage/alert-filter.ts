import type { Severity } from '../rules/rule.js';
import type { AlertStatus } from './alert-rows.js';

/**
 * What `alerts list`/`export` select. Every value reaches SQLite as a bound parameter (lists as
 * one JSON array read by json_each), so the SQL text depends only on which filters are present
 * (and whether the statuses include "open"), never on the values themselves.
 */
export interface AlertFilter {
  /** Inclusive lower bound on the event time, ms since the epoch. */
  since?: number;
  /** Exclusive upper bound on the event time, ms since the epoch. */
  until?: number;
  /** Rule ids or names (exact); an alert matches if its rule has any of them. */
  rules?: readonly string[];
  severities?: readonly Severity[];
  statuses?: readonly AlertStatus[];
  /** Most rows returned (list); none by default. */
  limit?: number;
  /** `newest` first (default, for list) or `oldest` first (export, a SIEM wants time order). */
  order?: 'newest' | 'oldest';
}

export interface WhereClause {
  sql: string;
  params: unknown[];
}

/**
 * The WHERE clause over `alerts a` (see SUMMARY_FROM). Rule and severity select rules rows, so
 * both become `a.rule_ref IN (…)`, answered from the alerts_by_time index without reading rows.
 */
export function whereClause(filter: AlertFilter): WhereClause {
  const terms: string[] = [];
  const params: unknown[] = [];
  if (filter.since !== undefined) {
    terms.push('a.timestamp >= ?');
    params.push(filter.since);
  }
  if (filter.until !== undefined) {
    terms.push('a.timestamp < ?');
    params.push(filter.until);
  }
  if (filter.rules !== undefined && filter.rules.length > 0) {
    const list = JSON.stringify(filter.rules);
    terms.push(
      'a.rule_ref IN (SELECT id FROM rules WHERE rule_id IN (SELECT value FROM json_each(?)) OR name IN (SELECT value FROM json_each(?)))',
    );
    params.push(list, list);
  }
  if (filter.severities !== undefined && filter.severities.length > 0) {
    terms.push('a.rule_ref IN (SELECT id FROM rules WHERE severity IN (SELECT value FROM json_each(?)))');
    params.push(JSON.stringify(filter.severities));
  }
  if (filter.statuses !== undefined && filter.statuses.length > 0) {
    terms.push('a.status IN (SELECT value FROM json_each(?))');
    params.push(JSON.stringify(filter.statuses));
    // Only triaged alerts are in the alerts_triaged index; SQLite uses a partial index only when
    // the query repeats its condition. A constant of ours, chosen by whether "open" is asked for.
    if (!filter.statuses.includes('open')) terms.push("a.status != 'open'");
  }
  return { sql: terms.length > 0 ? `WHERE ${terms.join(' AND ')}` : '', params };
}

export function orderClause(filter: AlertFilter): string {
  const direction = filter.order === 'oldest' ? 'ASC' : 'DESC';
  return `ORDER BY a.timestamp ${direction}, a.id ${direction}`;
}
