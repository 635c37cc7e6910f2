import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.js';
import { AuditBudget, DEFAULT_AUDIT_LIMITS, type AuditLimits } from './audit-budget.js';
import { findingsOf, type AuditFinding } from './findings.js';
import { inventoryEmond } from './inventory.js';
import type { EmondInventory } from './inventory-types.js';

/**
 * `emondguard audit`: an inventory of emond persistence on a Mac (or a mounted volume, or a
 * fixture tree) and the findings an administrator should look at.
 */
export interface AuditReport extends EmondInventory {
  /** When the audit ran (ISO-8601). */
  auditedAt: string;
  findings: AuditFinding[];
  summary: AuditSummary;
}

export interface AuditSummary {
  ruleFiles: number;
  rules: number;
  enabledRules: number;
  commandActions: number;
  malformedFiles: number;
  clientEntries: number;
  /** False when the audit ran out of time or a folder held more entries than it lists. */
  complete: boolean;
  findingsBySeverity: { high: number; medium: number; low: number };
}

export interface AuditOptions {
  root?: string;
  now?: Date;
  limits?: Partial<AuditLimits>;
  /** The clock the time budget is measured with (tests make it jump). */
  clock?: () => number;
}

export function auditEmond(options: AuditOptions = {}): AuditReport {
  const root = path.resolve(options.root ?? '/');
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    throw new UsageError(`--root ${root} is not a folder; give the mount point of a macOS volume or a copy of one`, {
      code: 'E_AUDIT_ROOT',
    });
  }
  const budget = new AuditBudget({ ...DEFAULT_AUDIT_LIMITS, ...options.limits }, options.clock);
  const inventory = inventoryEmond(root, budget);
  const findings = findingsOf(inventory);
  return { auditedAt: (options.now ?? new Date()).toISOString(), ...inventory, findings, summary: summarize(inventory, findings) };
}

function summarize(inventory: EmondInventory, findings: AuditFinding[]): AuditSummary {
  const rules = inventory.ruleFiles.flatMap((file) => file.rules);
  const count = (severity: AuditFinding['severity']) => findings.filter((f) => f.severity === severity).length;
  return {
    ruleFiles: inventory.ruleFiles.length,
    rules: rules.length,
    enabledRules: rules.filter((rule) => rule.enabled === true).length,
    commandActions: findings.filter((f) => f.kind === 'command-action').length,
    malformedFiles: inventory.ruleFiles.filter((f) => f.status === 'malformed' || f.status === 'unreadable').length,
    clientEntries: inventory.clients.entries.length,
    complete:
      inventory.incomplete === undefined &&
      inventory.clients.truncatedAt === undefined &&
      inventory.ruleDirectories.every((dir) => dir.truncatedAt === undefined),
    findingsBySeverity: { high: count('high'), medium: count('medium'), low: count('low') },
  };
}
