import { createHash } from 'node:crypto';
import os from 'node:os';
import type { AlertDocument } from '../alerts/alert-document.js';
import { commandLine, processName } from '../events/exec-event.js';
import type { AuditReport } from './audit.js';
import { emondCommandActionRule } from './audit-rule.js';
import type { AuditFinding } from './findings.js';

/**
 * An audit finding as an alert. There is no process yet — the rule has not fired — so `process`
 * describes the command emond *would* run, with emond as its parent and pid 0, and `event.type`
 * is `info` (not `start`); `file` and `emond` carry what was found on disk. A SIEM can therefore
 * query audit findings and live detections with the same `process.*` fields.
 */
export interface AuditAlertDocument extends AlertDocument {
  file: { path: string; mtime?: string; uid?: number; mode?: string };
  emond: {
    rule: { index: number; name?: string; enabled?: boolean; event_types: string[] };
    action: { index: number; type: string; user?: string; group?: string };
  };
}

/** Severities of the built-in rule: an enabled (or not disabled) rule is high, a disabled one medium. */
const RISK = { high: 73, medium: 47 } as const;

/** One alert per command action found; other findings are not alerts of this rule. */
export function auditAlerts(report: AuditReport, options: { hostName?: string } = {}): AuditAlertDocument[] {
  return report.findings
    .filter((finding) => finding.kind === 'command-action' && finding.action && finding.rule)
    .map((finding) => toAlert(finding, report, options.hostName ?? os.hostname()));
}

function toAlert(finding: AuditFinding, report: AuditReport, hostName: string): AuditAlertDocument {
  const action = finding.action!;
  const rule = finding.rule!;
  const command = action.command ?? '';
  const args = command === '' ? action.arguments : [command, ...action.arguments];
  const rule_ = emondCommandActionRule();
  const risk = finding.severity === 'high' ? RISK.high : RISK.medium;
  const runAs = action.user ?? 'root';
  return {
    // When the audit found it. The file's modification time (when the persistence was probably
    // planted) is kept in file.mtime: as @timestamp it would hide an old rule from `alerts list
    // --since` and let retention delete the finding an hour after it was recorded.
    '@timestamp': report.auditedAt,
    event: {
      kind: 'alert',
      category: ['process'],
      type: ['info'],
      action: 'exec',
      module: 'emondguard-audit',
      created: report.auditedAt,
      severity: risk,
      risk_score: risk,
    },
    host: { name: hostName, os: { type: 'macos' } },
    process: {
      pid: 0,
      // Stable for the same command in the same place, so re-running the audit merges, not repeats.
      entity_id: `audit:${fingerprint(report.root, finding)}`,
      name: processName(command),
      executable: command,
      args,
      args_count: args.length,
      command_line: commandLine(args),
      parent: { pid: 0, name: 'emond', executable: '/sbin/emond' },
    },
    user: { id: runAs === 'root' ? '0' : '', name: runAs },
    es: { message_version: 0 },
    rule: {
      id: rule_.id,
      name: rule_.name,
      version: rule_.version,
      // A disabled emond rule is medium (event.severity says so too): filters on severity must agree.
      severity: finding.severity === 'high' ? 'high' : 'medium',
      risk_score: risk,
      description: rule_.description,
      reference: rule_.references,
      author: rule_.author,
      ruleset: 'builtin',
    },
    threat: rule_.threat,
    emondguard: { count: 1 },
    file: {
      path: finding.path,
      ...(finding.facts ? { mtime: finding.facts.modified, uid: finding.facts.uid, mode: finding.facts.mode } : {}),
    },
    emond: {
      rule: { index: rule.index, ...(rule.name !== undefined ? { name: rule.name } : {}), ...(rule.enabled !== undefined ? { enabled: rule.enabled } : {}), event_types: rule.eventTypes },
      action: { index: action.index, type: action.type, ...(action.user !== undefined ? { user: action.user } : {}), ...(action.group !== undefined ? { group: action.group } : {}) },
    },
  };
}

function fingerprint(root: string, finding: AuditFinding): string {
  const parts = [root, finding.path, finding.rule?.index, finding.action?.index, finding.action?.command ?? '', ...(finding.action?.arguments ?? [])];
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 32);
}
