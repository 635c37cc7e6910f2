import type { DetectorCounters, RuleFailure } from '../agent/detector.js';
import type { LineStats } from '../events/line-stats.js';
import type { ProcessTreeCounters } from '../process/process-tree.js';
import { printable } from '../text/printable.js';

export interface ScanTotals {
  inputs: number;
  seconds: number;
  stats: LineStats;
  detector: DetectorCounters;
  ruleFailures: readonly RuleFailure[];
  tree: ProcessTreeCounters;
  /** Rule names by id, for the alert breakdown. */
  ruleNames: ReadonlyMap<string, string>;
}

const number = new Intl.NumberFormat('en-US');

function n(value: number): string {
  return number.format(value);
}

/** The summary `scan` writes to stderr: what was read, what was skipped and why, what was found. */
export function formatSummary(totals: ScanTotals): string {
  const { stats, detector, tree } = totals;
  const lines: string[] = [];
  const actions = stats.eventsByAction;
  lines.push(
    `scanned ${n(totals.inputs)} input${totals.inputs === 1 ? '' : 's'}: ${n(stats.lines)} lines, ${n(stats.events)} events ` +
      `(exec ${n(actions.exec)} · fork ${n(actions.fork)} · exit ${n(actions.exit)}) in ${totals.seconds.toFixed(1)}s`,
  );
  if (stats.skippedTotal > 0) {
    const reasons = [...stats.skipped].map(([reason, entry]) => `${reason} ${n(entry.count)} (${entry.first.map(printable).join(', ')}${entry.count > entry.first.length ? ', …' : ''})`);
    lines.push(`skipped ${n(stats.skippedTotal)} malformed line${stats.skippedTotal === 1 ? '' : 's'}: ${reasons.join('; ')}`);
  }
  if (stats.irrelevantTotal > 0) {
    const reasons = [...stats.irrelevant].map(([reason, count]) => `${printable(reason)} ×${n(count)}`);
    lines.push(`ignored ${n(stats.irrelevantTotal)} line${stats.irrelevantTotal === 1 ? '' : 's'} that are not process events: ${reasons.join(', ')}`);
  }
  if (stats.lossyUtf8 > 0) {
    lines.push(`${n(stats.lossyUtf8)} line${stats.lossyUtf8 === 1 ? ' had' : 's had'} invalid UTF-8 (kept, with U+FFFD in place of the bad bytes)`);
  }
  if (stats.events === 0 && stats.skippedTotal > 0) {
    // Nothing recognised and something malformed: most likely the wrong file, not a quiet machine.
    lines.push(
      'warning: no line was a process event this scan reads; is the input an `eslogger exec fork exit` recording ' +
        'or an ECS NDJSON export of process events?',
    );
  }
  if (stats.events > 0) {
    lines.push(
      `parents: ${n(tree.resolvedFromTree)} from the process tree, ${n(tree.resolvedBySource)} named by the input, ` +
        `${n(tree.inferred)} inferred from a fresh fork, ${n(tree.unknown)} unknown`,
    );
  }
  for (const failure of totals.ruleFailures) {
    lines.push(`rule ${failure.ruleId} failed: ${printable(failure.message)}`);
  }
  if (detector.ruleErrors > totals.ruleFailures.length) {
    lines.push(`(${n(detector.ruleErrors)} rule evaluations failed in all)`);
  }
  const byRule = [...detector.alertsByRule].map(([id, count]) => `${printable(totals.ruleNames.get(id) ?? id)} ×${n(count)}`);
  lines.push(`alerts: ${n(detector.alerts)}${byRule.length > 0 ? ` (${byRule.join(', ')})` : ''}`);
  return `${lines.join('\n')}\n`;
}
