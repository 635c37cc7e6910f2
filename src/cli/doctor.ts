import type { Command } from 'commander';

/**
 * `emondguard doctor`: checks what the agent needs on this Mac, each with ✓/✗ and the fix.
 * Exit 0 when nothing failed, 1 otherwise; `--json` for MDM extension attributes.
 */
export function registerDoctorCommand(program: Command): void {
  program
    .command('doctor')
    .description('check this Mac: root, macOS, ES entitlement, Full Disk Access, eslogger, daemon, database, configuration, disk, emond')
    .option('--json', 'print the checks as JSON (for MDM extension attributes)')
    .option('--config <path>', 'check this configuration file and the database it names (default: the agent\'s)')
    .action(async (options: { json?: boolean; config?: string }) => {
      // Loaded on use, so other commands do not pay for the doctor's modules at start-up.
      const [{ renderDoctorReport }, { runDoctor }, { checkConfiguration }, { configurationStatusOf, systemEnvironment }] = await Promise.all([
        import('../doctor/render-report.js'),
        import('../doctor/run-doctor.js'),
        import('../config/config-status.js'),
        import('../doctor/system-environment.js'),
      ]);
      // Read once: the configuration check and the database check report on the same files.
      const configured = checkConfiguration(options.config ? { configPath: options.config } : {});
      const report = await runDoctor(
        systemEnvironment({
          checkConfiguration: () => configurationStatusOf(configured),
          // The database the agent would really use: the configuration's, when it sets one.
          ...(configured.state === 'valid' && configured.origins.databasePath !== 'default'
            ? { databasePath: () => ({ path: configured.config.databasePath, source: configured.origins.databasePath ?? 'default' }) }
            : {}),
        }),
      );
      process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : renderDoctorReport(report));
      if (!report.ok) process.exitCode = 1;
    });
}
