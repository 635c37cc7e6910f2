#!/usr/bin/env node
import { CommanderError } from 'commander';
import { EmondguardError, UsageError, describeError } from '../errors.js';
import { dropOutputWhenReaderGoes } from './closed-stdout.js';
import { entryRefusalMessage, entryRefusals } from './entry-guard.js';
import { buildProgram } from './program.js';

/** Exit codes: 0 success, 1 the work failed, 2 usage or input/output errors the user must fix. */
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

async function main(argv: string[]): Promise<number> {
  const program = buildProgram().exitOverride();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are "errors" to commander; everything else is a usage mistake.
      return error.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    process.stderr.write(`emondguard: ${describeError(error)}\n`);
    if (error instanceof UsageError) return EXIT_USAGE;
    if (error instanceof EmondguardError && error.code.startsWith('E_IO')) return EXIT_USAGE;
    if (!(error instanceof EmondguardError) && error instanceof Error && process.env.EMONDGUARD_DEBUG) {
      process.stderr.write(`${error.stack ?? ''}\n`);
    }
    return EXIT_FAILURE;
  }
}

const refusals = entryRefusals({ execPath: process.execPath, execArgv: process.execArgv, argv: process.argv, env: process.env });
if (refusals.length > 0) {
  process.stderr.write(`emondguard: ${entryRefusalMessage(refusals)}\n`);
  process.exitCode = EXIT_USAGE;
} else {
  dropOutputWhenReaderGoes();
  process.exitCode = await main(process.argv);
}
