import type { Command } from 'commander';
import type { StatusOptions } from './status-run.js';

export function registerStatusCommand(program: Command): void {
  program
    .command('status')
    .description("show the running agent's health (exit 0 when running and current, 1 otherwise)")
    .option('--config <path>', 'the configuration file the agent runs with (for the status file location)')
    .option('--status-file <path>', 'read this status file instead')
    .option('--json', 'print the status snapshot as JSON, with "stale"')
    // Loaded on use, like every command's implementation: nothing of it at another command's start.
    .action(async (options: StatusOptions) => (await import('./status-run.js')).runStatus(options));
}
