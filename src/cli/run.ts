import { Option, type Command } from 'commander';
import { SOURCE_KINDS } from '../config/source-setting.js';
import { UsageError } from '../errors.js';
import type { RunOptions } from './run-agent.js';

export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .description('run the detection agent (the LaunchDaemon runs this): live events → rules → alert database, unified log and NDJSON')
    .option('--source <source>', `${SOURCE_KINDS.join('|')}|file:PATH (default: the configuration's, "auto")`)
    .option('--config <path>', 'the JSON configuration file (default: the platform location; MDM managed preferences take precedence)')
    .option('--replay <file>', 'with --source simulator: inject this eslogger/ECS trace through the simulated Endpoint Security')
    .addOption(new Option('--load <execPerSecond>', 'with --source simulator: synthetic load of ordinary execs per second').argParser(positiveNumber))
    .addOption(new Option('--emond-every <seconds>', 'with --load: an emond chain every this many seconds').argParser(positiveNumber).default(10))
    .addOption(
      new Option(
        '--load-arg-bytes <bytes>',
        `with --load: every ordinary exec carries about this many bytes of argv (1–${MAX_LOAD_ARG_BYTES}), in arguments of at most 1000 bytes; ` +
          'a flood of huge command lines, to see the byte budget (queueMaxMB) and the argv caps at work',
      ).argParser(loadArgBytes),
    )
    .addHelpText(
      'after',
      '\nSignals: SIGTERM/SIGINT stop (pending alerts are committed first), SIGHUP reloads the configuration and rules.\n' +
        'Exit status: 0 after a clean stop, 1 when the agent could not run, 2 for configuration or usage errors.',
    )
    .action(async (options: RunOptions) => {
      // Loaded on use: the agent's modules (SQLite, winston, the addon) would slow every other command's start.
      const { runAgent } = await import('./run-agent.js');
      await runAgent(options);
    });
}

/** 16 MiB: the largest maxArgBytes a configuration can ask for; a real exec's argv+env stops at 1 MiB. */
const MAX_LOAD_ARG_BYTES = 16_777_216;

function loadArgBytes(value: string): number {
  const number = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(number) || number < 1 || number > MAX_LOAD_ARG_BYTES) {
    throw new UsageError(`--load-arg-bytes: expected a whole number of bytes from 1 to ${MAX_LOAD_ARG_BYTES}, got "${value}"`);
  }
  return number;
}

function positiveNumber(value: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new UsageError(`expected a positive number, got "${value}"`);
  return number;
}
