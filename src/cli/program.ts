import { Command } from 'commander';
import { VERSION } from '../version.js';
import { registerAlertsCommand } from './alerts.js';
import { registerAuditCommand } from './audit.js';
import { registerConfigCommand } from './config.js';
import { registerDemoCommand } from './demo.js';
import { registerDoctorCommand } from './doctor.js';
import { registerRulesCommand } from './rules.js';
import { registerRunCommand } from './run.js';
import { registerScanCommand } from './scan.js';
import { registerStatusCommand } from './status.js';

/**
 * Each command lives in its own file and exports a `register…Command(program)` function; this
 * list is the only place that knows them all. Its order is the order of `--help`: the daemon first,
 * then what administrators use most.
 */
const registrations: ReadonlyArray<(program: Command) => void> = [
  registerRunCommand,
  registerStatusCommand,
  registerAlertsCommand,
  registerScanCommand,
  registerDemoCommand,
  registerRulesCommand,
  registerConfigCommand,
  registerDoctorCommand,
  registerAuditCommand,
];

export function buildProgram(): Command {
  const program = new Command('emondguard')
    .description(
      'Detects emond persistence (MITRE T1546.014) on macOS: watches process executions through ' +
        'Endpoint Security and alerts when emond starts a shell, an interpreter or a utility.',
    )
    .version(VERSION, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ outputError: (text, write) => write(`emondguard: ${text.replace(/^error: /, '')}`) })
    // Set before the commands are registered so subcommands inherit it: a usage error in
    // `emondguard rules check` must reach main's exit-code mapping (2), not exit 1 from commander.
    .exitOverride();
  for (const register of registrations) register(program);
  return program;
}
