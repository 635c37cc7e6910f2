import type { Command } from 'commander';
import { UsageError } from '../errors.js';

/**
 * `emondguard audit`: what emond would run on this Mac — its configuration, every rule file
 * (XML or binary) with events and actions, RunCommand actions flagged, and emondClients.
 * Malformed files are reported, never fatal. Exit 0 when the audit ran, whatever it found; exit 1
 * when it ran out of time (--timeout) and some files were not read.
 */
export function registerAuditCommand(program: Command): void {
  program
    .command('audit')
    .description('inventory emond persistence: /etc/emond.d rules (RunCommand actions flagged) and emondClients')
    .option('--root <dir>', 'audit the macOS system below this folder (a mounted volume or a copy)', '/')
    .option('--json', 'print the full report as JSON')
    .option('--record', 'store each command action as an alert ("Emond Rule With Command Action") in the alert database')
    .option('--db <path>', 'the alert database for --record (default: EMONDGUARD_DB or the agent\'s)')
    .option('--timeout <seconds>', 'stop reading files after this long and report the audit as incomplete (exit 1)', '60')
    .action(async (options: { root: string; json?: boolean; record?: boolean; db?: string; timeout: string }) => {
      if (options.db !== undefined && !options.record) throw new UsageError('--db goes with --record (it names where to record)');
      const timeout = Number(options.timeout);
      if (!Number.isFinite(timeout) || timeout <= 0 || timeout > 86_400) {
        throw new UsageError(`--timeout ${options.timeout} is not a number of seconds between 0 and 86400 (e.g. --timeout 120)`);
      }
      // Loaded on use, so other commands do not pay for the audit's modules at start-up.
      const [{ auditEmond }, { renderAuditReport }] = await Promise.all([import('../audit/audit.js'), import('../audit/render-report.js')]);
      const report = auditEmond({ root: options.root, limits: { timeoutMs: timeout * 1000 } });
      process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : renderAuditReport(report));
      if (report.incomplete) {
        // The report is still printed and recorded: what was read counts. The exit says it is not all.
        process.stderr.write(
          `emondguard: the audit ran out of time after ${timeout} s; ${report.incomplete.notAudited} file(s) were not read (see the findings)\n`,
        );
        process.exitCode = 1;
      }
      if (!options.record) return;
      const { recordAuditFindings } = await import('../audit/record-findings.js');
      const { agentDatabasePath } = await import('./agent-settings.js');
      const recorded = await recordAuditFindings(report, { dbPath: await agentDatabasePath(options.db) });
      const again = recorded.alreadyRecorded > 0 ? `; ${recorded.alreadyRecorded} already recorded and not resolved` : '';
      if (recorded.quarantinedTo) process.stderr.write(`the database was unreadable and was moved to ${recorded.quarantinedTo}; a new one was started\n`);
      process.stderr.write(
        `recorded ${recorded.kept} alert${recorded.kept === 1 ? '' : 's'} of "Emond Rule With Command Action" in ${recorded.dbPath}${again}\n`,
      );
    });
}
