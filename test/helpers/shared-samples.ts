import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The real eslogger line we pin the parser to is third-party material: the tests read it from
 * outside the project, never from a copy in it. Where it is:
 *
 * 1. `EMONDGUARD_SAMPLES`: a folder holding `eslogger-exec-v9.ndjson`;
 * 2. else `../shared/samples` beside the checkout (CI lays a copy there).
 *
 * Where neither exists (a user's own clone), the tests that need it are skipped and say how to
 * enable them; every other test still runs (most eslogger lines are built by test/helpers/eslogger.ts).
 */
const REPO = fileURLToPath(new URL('../..', import.meta.url));
const REAL_EXEC_V9 = 'eslogger-exec-v9.ndjson';

export const SAMPLES_HOW_TO =
  `The real eslogger sample (${REAL_EXEC_V9}) was not found, so the tests that read it are skipped. To run them, ` +
  'point EMONDGUARD_SAMPLES at a folder holding it, or lay it at ../shared/samples beside this checkout.';

function samplesDirectory(): string {
  return process.env.EMONDGUARD_SAMPLES || path.join(REPO, '..', 'shared', 'samples');
}

/** The real `eslogger exec` line (ES message version 9, macOS 15), or undefined when it cannot be found. */
export function realEsloggerExecLine(): string | undefined {
  try {
    return readFileSync(path.join(samplesDirectory(), REAL_EXEC_V9), 'utf8').trim();
  } catch {
    // Once per test file: the skip must say how to enable the tests, not pass silently.
    console.warn(`[skipped] ${SAMPLES_HOW_TO}`);
    return undefined;
  }
}
