import type { AlertSummary } from '../../storage/alert-rows.js';
import type { Severity } from '../../rules/rule.js';
import type { ListFormat } from './formats.js';
import { renderTable, type Column } from './table.js';
import type { Style, TerminalStyle } from './terminal.js';

/** The renderings of `alerts list`: table (people), json, ndjson (scripts), csv (spreadsheets). */

const SEVERITY_STYLE: Record<Severity, Style | undefined> = {
  low: 'cyan',
  medium: 'yellow',
  high: 'red',
  critical: 'magenta',
};

/** "2025-08-07 13:21:35" in UTC: the same on every Mac, and sortable. */
export function shortTime(iso: string): string {
  return iso.slice(0, 19).replace('T', ' ');
}

/** What ran, from what: `emond → sh -c curl …`. */
export function activity(alert: AlertSummary): string {
  const parent = alert.process.parent.name ?? (alert.process.parent.pid === null ? '?' : `pid ${alert.process.parent.pid}`);
  const command = alert.process.command_line || alert.process.executable || alert.process.name || '?';
  return `${parent} → ${command}`;
}

/** Rows of the table; the rule column appears only when the terminal has room for it. */
export function alertColumns(width: number): Column<AlertSummary>[] {
  const columns: Column<AlertSummary>[] = [
    { header: 'ID', value: (a) => String(a.id), align: 'right' },
    { header: 'TIME (UTC)', value: (a) => shortTime(a.timestamp), width: 19 },
    { header: 'SEVERITY', value: (a) => a.rule.severity, width: 8, style: (a) => SEVERITY_STYLE[a.rule.severity] },
    { header: 'STATUS', value: (a) => a.status, width: 12, style: (a) => (a.status === 'open' ? 'bold' : 'dim') },
    { header: 'N', value: (a) => String(a.count), align: 'right', max: 6 },
  ];
  if (width >= 110) columns.push({ header: 'RULE', value: (a) => a.rule.name, flex: 1, min: 16 });
  columns.push({ header: 'PARENT → COMMAND', value: activity, flex: 2, min: 12 });
  return columns;
}

export function formatAlerts(alerts: readonly AlertSummary[], format: ListFormat, terminal: TerminalStyle): string {
  switch (format) {
    case 'table':
      return renderTable(alerts, alertColumns(terminal.width), terminal.width, terminal.color);
    case 'json':
      return `${JSON.stringify(alerts, null, 2)}\n`;
    case 'ndjson':
      return alerts.map((a) => `${JSON.stringify(a)}\n`).join('');
    case 'csv':
      return toCsv(alerts);
  }
}

const CSV_COLUMNS: ReadonlyArray<[string, (a: AlertSummary) => unknown]> = [
  ['id', (a) => a.id],
  ['timestamp', (a) => a.timestamp],
  ['rule_id', (a) => a.rule.id],
  ['rule_name', (a) => a.rule.name],
  ['severity', (a) => a.rule.severity],
  ['risk_score', (a) => a.rule.risk_score],
  ['status', (a) => a.status],
  ['count', (a) => a.count],
  ['host', (a) => a.host],
  ['user_id', (a) => a.user.id],
  ['user_name', (a) => a.user.name],
  ['pid', (a) => a.process.pid],
  ['process_name', (a) => a.process.name],
  ['executable', (a) => a.process.executable],
  ['command_line', (a) => a.process.command_line],
  ['parent_pid', (a) => a.process.parent.pid],
  ['parent_name', (a) => a.process.parent.name],
  ['parent_executable', (a) => a.process.parent.executable],
  ['status_by', (a) => a.status_by],
  ['status_at', (a) => a.status_at],
  ['status_note', (a) => a.status_note],
];

function toCsv(alerts: readonly AlertSummary[]): string {
  const lines = [CSV_COLUMNS.map(([name]) => name).join(',')];
  for (const alert of alerts) lines.push(CSV_COLUMNS.map(([, get]) => csvCell(get(alert))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/**
 * RFC 4180 quoting, plus a leading apostrophe (OWASP's CSV-injection defence) on every cell that
 * begins with `=`, `+`, `-`, `@`, a tab or a carriage return, which a spreadsheet would run as a
 * formula: the command lines are the attacker's text, and `=HYPERLINK(…)` in one must stay text.
 * Every cell, whatever its type: a number is ours today, but a guard that depends on the column
 * is one refactor from gone (and a negative number reads the same with the apostrophe).
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}
