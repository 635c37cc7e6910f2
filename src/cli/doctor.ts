import type { Command } from 'commander';
import { renderDoctorReport } from '../doctor/render-report.js';
import { runDoctor } from '../doctor/run-doctor.js';
import { systemEnvironment } from '../doctor/system-environment.js';

/**
 * `emondguard doctor`: checks what the agent needs on this Mac, each with ✓/✗ and the fix.
 * Exit 0 when nothing failed, 1 otherwise; `--json` for MDM extension attributes.
 */
export function registerDoctorCommand(program: Command): void {
  program
    .command('doctor')
    .description('check this Mac: root, macOS, ES entitlement, Full Disk Access, eslogger, daemon, database, configuration, disk, emond')
    .option('--json', 'print the checks as JSON (for MDM extension attributes)')
    .action(async (options: { json?: boolean }) => {
      const report = await runDoctor(systemEnvironment());
      process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : renderDoctorReport(report));
      if (!report.ok) process.exitCode = 1;
    });
}
