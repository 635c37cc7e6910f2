import type { AuditReport } from './audit.js';
import { printable } from '../text/printable.js';
import { displayCommand } from './display-text.js';
import type { EmondAction } from './emond-rule.js';
import type { RuleFileInventory } from './inventory-types.js';

/**
 * The audit as text for a terminal: configuration, rule folders, each rule with its events and
 * actions (commands shown in full, never cut — they are the point), emondClients, then findings.
 * All text from audited files goes through `printable`.
 */
export function renderAuditReport(report: AuditReport): string {
  const out: string[] = [];
  const t = printable;
  out.push(`emond audit of ${t(report.root)} at ${report.auditedAt}`, '');
  if (report.incomplete) {
    out.push(`INCOMPLETE: the audit ran out of time after ${report.incomplete.timeoutMs / 1000} s; ${report.incomplete.notAudited} file(s) not read`, '');
  }

  const { config } = report;
  out.push(`Configuration  ${config.path}  ${config.status}${config.format ? ` (${config.format})` : ''}`);
  if (config.error) out.push(`  error: ${t(config.error)}`);
  for (const problem of config.problems) out.push(`  problem: ${t(problem)}`);
  for (const dir of config.additionalRulesPaths) out.push(`  additionalRulesPaths: ${t(dir)}`);
  out.push('');

  out.push('Rule folders');
  for (const dir of report.ruleDirectories) {
    const files = report.ruleFiles.filter((f) => f.directory === dir.path).length;
    const detail = dir.status === 'present' ? `${files} file${files === 1 ? '' : 's'}` : dir.status;
    out.push(`  ${t(dir.path)}  ${detail}${dir.origin === 'additionalRulesPaths' ? '  (from additionalRulesPaths)' : ''}`);
    if (dir.error) out.push(`    error: ${t(dir.error)}`);
    if (dir.truncatedAt !== undefined) out.push(`    more than ${dir.truncatedAt} entries: only ${dir.truncatedAt} audited`);
  }
  out.push('');

  if (report.ruleFiles.length > 0) {
    out.push('Rule files');
    for (const file of report.ruleFiles) out.push(...renderRuleFile(file));
    out.push('');
  }

  const { clients } = report;
  const clientState =
    clients.status === 'present'
      ? clients.entries.length === 0
        ? 'empty'
        : `${clients.entries.length} entr${clients.entries.length === 1 ? 'y' : 'ies'} (launchd starts emond while any is here)`
      : clients.status;
  out.push(`emondClients  ${clients.path}  ${clientState}`);
  if (clients.error) out.push(`  error: ${t(clients.error)}`);
  if (clients.truncatedAt !== undefined) out.push(`  more than ${clients.truncatedAt} entries: only ${clients.truncatedAt} listed`);
  for (const entry of clients.entries) {
    out.push(`  ${t(entry.name)}  ${entry.type}  ${entry.facts.size} bytes  modified ${entry.facts.modified}`);
  }
  out.push('');

  const s = report.summary;
  const counts = s.findingsBySeverity;
  out.push(`Findings: ${counts.high} high, ${counts.medium} medium, ${counts.low} low`);
  for (const finding of report.findings) {
    out.push(`  ${finding.severity.toUpperCase().padEnd(6)}  ${t(finding.path)}: ${t(finding.message)}`);
  }
  if (report.findings.length === 0) out.push('  none: no emond rule runs a command and emond has no clients');
  out.push('');
  return out.join('\n');
}

function renderRuleFile(file: RuleFileInventory): string[] {
  const t = printable;
  const out: string[] = [];
  const facts = file.facts ? `  ${file.facts.mode} uid ${file.facts.uid}  modified ${file.facts.modified}` : '';
  const link = file.facts?.symlinkTarget !== undefined ? `  -> ${t(file.facts.symlinkTarget)}` : '';
  out.push(`  ${t(file.path)}${link}  ${file.status}${file.format ? ` (${file.format})` : ''}${facts}`);
  if (file.error) out.push(`    error: ${t(file.error)}`);
  for (const problem of file.problems) out.push(`    problem: ${t(problem)}`);
  for (const rule of file.rules) {
    const name = rule.name === undefined ? '(no name)' : `"${t(rule.name)}"`;
    const enabled = rule.enabled === undefined ? 'enabled not set' : rule.enabled ? 'ENABLED' : 'disabled';
    const events = rule.eventTypes.length > 0 ? rule.eventTypes.map(t).join(', ') : '(none)';
    out.push(`    [${rule.index}] ${name}  ${enabled}  events: ${events}`);
    for (const action of rule.actions) out.push(`        ${renderAction(action)}`);
    for (const problem of rule.problems) out.push(`        problem: ${t(problem)}`);
  }
  return out;
}

function renderAction(action: EmondAction): string {
  const t = printable;
  if (action.command !== undefined || action.type === 'RunCommand') {
    const command = action.command === undefined ? '(no command)' : displayCommand(action.command, action.arguments ?? []);
    const who = [action.user && `user ${t(action.user)}`, action.group && `group ${t(action.group)}`].filter(Boolean);
    return `${t(action.type)}  ${command}${who.length > 0 ? `  (${who.join(', ')})` : ''}`;
  }
  return `${t(action.type)}${action.message !== undefined ? `  "${t(action.message)}"` : ''}`;
}
