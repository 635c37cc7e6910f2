import { Option, type Command } from 'commander';
import type { ScanOptions } from './scan-run.js';
import { SCAN_FORMATS } from './scan-output.js';

export function registerScanCommand(program: Command): void {
  program
    .command('scan')
    .description(
      'retro-hunt: stream eslogger traces or ECS NDJSON (Elastic Defend process events) through the ' +
        'process tree and the rules, and print the alerts; a summary goes to stderr',
    )
    .argument('<inputs...>', 'files of eslogger JSON lines or ECS NDJSON (detected per line); - reads standard input')
    .addOption(
      new Option('--rules <path>', 'also load rules from a TOML rule file or a directory of them (repeatable)')
        .argParser(collect)
        .default([], 'none'),
    )
    .option('--no-builtin-rules', 'use only the rules given with --rules')
    .addOption(new Option('--format <format>', 'alert output on stdout').choices(SCAN_FORMATS).default('table'))
    .option('--db <path>', 'also store the alerts (throttled as the agent does) in this alert database, created if missing, for `emondguard alerts`')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  sudo eslogger exec fork exit > trace.ndjson   # record, then:\n' +
        '  emondguard scan trace.ndjson\n' +
        '  emondguard scan --format ndjson --rules ./my-rules trace-*.ndjson > alerts.ndjson\n' +
        '  zcat old.ndjson.gz | emondguard scan -\n' +
        '  emondguard scan --db hunt.db trace.ndjson && emondguard alerts list --db hunt.db\n' +
        '\nExit status: 0 when the scan completed (alerts or not), 2 on usage or input/output errors.',
    )
    .action(async (inputs: string[], options: ScanOptions) => {
      // Loaded on use, so other commands do not pay for the parsers and the rules at start-up.
      const { scan } = await import('./scan-run.js');
      await scan(inputs, options);
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

