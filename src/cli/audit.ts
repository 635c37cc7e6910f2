import type { Command } from 'commander';
import { auditEmond } from '../audit/audit.js';
import { renderAuditReport } from '../audit/render-report.js';

/**
 * `emondguard audit`: what emond would run on this Mac — its configuration, every rule file
 * (XML or binary) with events and actions, RunCommand actions flagged, and emondClients.
 * Malformed files are reported, never fatal. Exit 0 when the audit ran, whatever it found.
 */
export function registerAuditCommand(program: Command): void {
  program
    .command('audit')
    .description('inventory emond persistence: /etc/emond.d rules (RunCommand actions flagged) and emondClients')
    .option('--root <dir>', 'audit the macOS system below this folder (a mounted volume or a copy)', '/')
    .option('--json', 'print the full report as JSON')
    .action((options: { root: string; json?: boolean }) => {
      const report = auditEmond({ root: options.root });
      process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : renderAuditReport(report));
    });
}
