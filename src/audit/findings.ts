import { displayCommand } from './display-text.js';
import { runsCommand, type EmondAction, type EmondRule } from './emond-rule.js';
import type { EmondInventory, FileFacts, RuleFileInventory } from './inventory-types.js';

/**
 * What an administrator should look at, derived from the inventory. Severities:
 * - high: a rule that runs a command and is enabled (or does not say) — emond persistence as
 *   attackers write it;
 * - medium: a command in a disabled rule (one key away from running), files in emondClients (they
 *   make launchd start emond), rule files writable by non-root;
 * - low: files the audit could not read or parse (they cannot be vouched for), extra rule folders.
 * And, as high, an audit that did not see everything: it ran out of time (`audit-incomplete`) or a
 * folder held more entries than it lists (`too-many-entries`) — what it did not read may be the rule.
 */
export type FindingSeverity = 'high' | 'medium' | 'low';

export type FindingKind =
  | 'command-action'
  | 'emond-clients'
  | 'writable-rule-file'
  | 'unreadable-rule-file'
  | 'malformed-rule-file'
  | 'malformed-config'
  | 'additional-rules-path'
  | 'too-many-entries'
  | 'audit-incomplete';

export interface AuditFinding {
  kind: FindingKind;
  severity: FindingSeverity;
  /** The file or folder on the audited system. */
  path: string;
  message: string;
  rule?: { index: number; name?: string; enabled?: boolean; eventTypes: string[] };
  action?: { index: number; type: string; command?: string; arguments: string[]; user?: string; group?: string };
  facts?: FileFacts;
}

export function findingsOf(inventory: EmondInventory): AuditFinding[] {
  const findings: AuditFinding[] = [];
  const { config } = inventory;
  if (config.status === 'malformed' || config.status === 'unreadable' || config.problems.length > 0) {
    findings.push({
      kind: 'malformed-config',
      severity: 'low',
      path: config.path,
      message: `emond's configuration could not be fully read: ${[config.error, ...config.problems].filter(Boolean).join('; ')}`,
    });
  }
  for (const dir of config.additionalRulesPaths) {
    findings.push({
      kind: 'additional-rules-path',
      severity: 'low',
      path: config.path,
      message: `emond also loads rules from ${dir}; only macOS Server ever configured one`,
    });
  }
  if (inventory.incomplete) {
    const { timeoutMs, notAudited } = inventory.incomplete;
    findings.push({
      kind: 'audit-incomplete',
      severity: 'high',
      path: inventory.root,
      message:
        `the audit stopped after ${timeoutMs / 1000} s with ${notAudited} file${notAudited === 1 ? '' : 's'} not read; ` +
        'find out what makes it slow (a huge or hanging folder), or run it again with a larger --timeout',
    });
  }
  for (const dir of [...inventory.ruleDirectories, inventory.clients]) {
    if (dir.truncatedAt === undefined) continue;
    findings.push({
      kind: 'too-many-entries',
      severity: 'high',
      path: dir.path,
      message: `more than ${dir.truncatedAt} entries: only the first ${dir.truncatedAt} were audited; nothing legitimate puts that many here`,
    });
  }
  for (const file of inventory.ruleFiles) findings.push(...fileFindings(file));
  const { clients } = inventory;
  if (clients.entries.length > 0) {
    findings.push({
      kind: 'emond-clients',
      severity: 'medium',
      path: clients.path,
      message:
        `${clients.entries.length} entr${clients.entries.length === 1 ? 'y' : 'ies'} in ${clients.path} ` +
        `(${clients.entries.map((e) => e.name).join(', ')}): launchd starts emond while this folder is not empty`,
    });
  }
  // Most serious first; within a severity, the order the files were read in.
  const rank: Record<FindingSeverity, number> = { high: 0, medium: 1, low: 2 };
  return findings.sort((a, b) => rank[a.severity] - rank[b.severity]);
}

function fileFindings(file: RuleFileInventory): AuditFinding[] {
  const findings: AuditFinding[] = [];
  const facts = file.facts;
  if (file.status === 'not-a-file' && !file.error?.includes('a folder')) {
    // A FIFO, device or socket among the rules: nothing legitimate, and never read (it could hang the reader).
    findings.push({
      kind: 'unreadable-rule-file',
      severity: 'low',
      path: file.path,
      message: `${file.error ?? 'not a regular file'}; not read`,
      ...(facts ? { facts } : {}),
    });
  }
  if (file.status === 'malformed' || file.status === 'unreadable') {
    findings.push({
      kind: file.status === 'malformed' ? 'malformed-rule-file' : 'unreadable-rule-file',
      severity: 'low',
      path: file.path,
      message: `${file.status === 'malformed' ? 'not a valid plist' : 'cannot be read'}: ${file.error ?? 'unknown error'}`,
      ...(facts ? { facts } : {}),
    });
  }
  if (facts && (facts.uid !== 0 || (parseInt(facts.mode, 8) & 0o022) !== 0)) {
    findings.push({
      kind: 'writable-rule-file',
      severity: 'medium',
      path: file.path,
      message: `rule file owned by uid ${facts.uid} with mode ${facts.mode}: someone other than root can change what emond runs as root`,
      facts,
    });
  }
  for (const rule of file.rules) {
    rule.actions.forEach((action, index) => {
      if (runsCommand(action)) findings.push(commandFinding(file, rule, action, index));
    });
  }
  return findings;
}

function commandFinding(file: RuleFileInventory, rule: EmondRule, action: EmondAction, index: number): AuditFinding {
  const args = action.arguments ?? [];
  const active = rule.enabled !== false;
  const shown = action.command === undefined ? '(no command)' : displayCommand(action.command, args);
  const label = rule.name === undefined ? `rule #${rule.index}` : `rule "${rule.name}"`;
  const state = rule.enabled === undefined ? 'without an enabled key' : active ? 'enabled' : 'disabled';
  return {
    kind: 'command-action',
    severity: active ? 'high' : 'medium',
    path: file.path,
    message: `${label} (${state}; on ${rule.eventTypes.join(', ') || 'no event types'}) runs ${shown}${action.user ? ` as ${action.user}` : ''}`,
    rule: { index: rule.index, ...(rule.name !== undefined ? { name: rule.name } : {}), ...(rule.enabled !== undefined ? { enabled: rule.enabled } : {}), eventTypes: rule.eventTypes },
    action: {
      index,
      type: action.type,
      ...(action.command !== undefined ? { command: action.command } : {}),
      arguments: args,
      ...(action.user !== undefined ? { user: action.user } : {}),
      ...(action.group !== undefined ? { group: action.group } : {}),
    },
    ...(file.facts ? { facts: file.facts } : {}),
  };
}
