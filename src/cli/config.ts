import type { Command } from 'commander';

/**
 * `emondguard config …`. The implementations (the configuration schema, the plist reader for MDM)
 * are loaded when a subcommand runs, so they cost nothing at any other command's start.
 */
export function registerConfigCommand(program: Command): void {
  const config = program.command('config').description('show or validate the agent configuration');

  config
    .command('show')
    .description('print the effective configuration and where each value came from (MDM > file > default)')
    .option('--config <path>', 'the JSON configuration file (default: the platform location)')
    .option('--json', 'print JSON: {key: {value, origin, description}}')
    .action(async (options: { config?: string; json?: boolean }) => (await import('./config-run.js')).runConfigShow(options));

  config
    .command('check')
    .description('validate a JSON configuration file; exit 0 when valid, 2 with every problem listed when not')
    .argument('<file>', 'the file to check')
    .action(async (file: string) => (await import('./config-run.js')).runConfigCheck(file));
}
