import type { Command } from 'commander';
import type { DemoOptions } from './demo-run.js';

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('run the whole pipeline on a built-in emond persistence story and show the alerts it raises (any OS, no root)')
    .option('--db <path>', 'store the alerts in this database (default: a new temporary one)')
    .action(async (options: DemoOptions) => {
      const { runDemo } = await import('./demo-run.js');
      await runDemo(options);
    });
}

