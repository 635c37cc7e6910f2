import type { Severity } from '../rules/rule.js';
import type { AlertStatus } from './alert-rows.js';

/**
 * What `alerts list`/`export` select. Every value reaches SQLite as a bound parameter (lists as
 * one JSON array read by json_each), so the SQL text depends only on which filters are present,
 * never on their values.
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

/** `alias` qualifies the columns (`a.` when the query joins another table). */
export function whereClause(filter: AlertFilter, alias = ''): WhereClause {
  const c = (column: string): string => alias + column;
  const terms: string[] = [];
  const params: unknown[] = [];
  if (filter.since !== undefined) {
    terms.push(`${c('timestamp')} >= ?`);
    params.push(filter.since);
  }
  if (filter.until !== undefined) {
    terms.push(`${c('timestamp')} < ?`);
    params.push(filter.until);
  }
  if (filter.rules !== undefined && filter.rules.length > 0) {
    const list = JSON.stringify(filter.rules);
    terms.push(`(${c('rule_id')} IN (SELECT value FROM json_each(?)) OR ${c('rule_name')} IN (SELECT value FROM json_each(?)))`);
    params.push(list, list);
  }
  if (filter.severities !== undefined && filter.severities.length > 0) {
    terms.push(`${c('severity')} IN (SELECT value FROM json_each(?))`);
    params.push(JSON.stringify(filter.severities));
  }
  if (filter.statuses !== undefined && filter.statuses.length > 0) {
    terms.push(`${c('status')} IN (SELECT value FROM json_each(?))`);
    params.push(JSON.stringify(filter.statuses));
  }
  return { sql: terms.length > 0 ? `WHERE ${terms.join(' AND ')}` : '', params };
}

export function orderClause(filter: AlertFilter, alias = ''): string {
  const direction = filter.order === 'oldest' ? 'ASC' : 'DESC';
  return `ORDER BY ${alias}timestamp ${direction}, ${alias}id ${direction}`;
}
