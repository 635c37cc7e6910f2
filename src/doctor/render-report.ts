import type { CheckStatus } from './check.js';
import type { DoctorReport } from './run-doctor.js';

const SYMBOL: Record<CheckStatus, string> = { pass: '✓', fail: '✗', warn: '!', skip: '–' };

/** ✓ passed, ✗ failed (with the fix), ! warning (with the advice), – not applicable or unknown. */
export function renderDoctorReport(report: DoctorReport): string {
  const lines = [`emondguard ${report.version} doctor`, ''];
  for (const check of report.checks) {
    lines.push(`${SYMBOL[check.status]} ${check.title}: ${check.summary}`);
    if (check.fix && check.status !== 'pass') lines.push(`    fix: ${check.fix}`);
  }
  const failed = report.checks.filter((c) => c.status === 'fail').length;
  lines.push('', failed === 0 ? 'No problems found.' : `${failed} problem${failed === 1 ? '' : 's'} to fix (${report.summary.replace('failing: ', '')}).`, '');
  return lines.join('\n');
}
