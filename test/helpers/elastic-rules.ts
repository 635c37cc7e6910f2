import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Elastic's macOS detection rules are Elastic License 2.0 material: the tests read them from outside the
 * project, never from a copy in it. Where they are:
 *
 * 1. `EMONDGUARD_ELASTIC_RULES`: a folder of the rule TOML files, or a checkout of
 *    elastic/detection-rules (its `rules/macos` is used);
 * 2. else `../shared/elastic-rules/macos` beside the checkout (CI lays a copy there).
 *
 * Where neither exists (a user's own clone), the suites that need them are skipped and say how to
 * enable them; every other test still runs.
 */
const REPO = fileURLToPath(new URL('../..', import.meta.url));

export const ELASTIC_RULES_HOW_TO =
  "Elastic's macOS rules were not found, so the tests that run them are skipped. To run them, point " +
  'EMONDGUARD_ELASTIC_RULES at a checkout of https://github.com/elastic/detection-rules (or at its rules/macos ' +
  'folder), or lay the rules at ../shared/elastic-rules/macos beside this checkout.';

function candidates(): string[] {
  const fromEnv = process.env.EMONDGUARD_ELASTIC_RULES;
  if (fromEnv) return [path.join(fromEnv, 'rules', 'macos'), fromEnv];
  return [path.join(REPO, '..', 'shared', 'elastic-rules', 'macos')];
}

function hasRuleFiles(directory: string): boolean {
  try {
    return statSync(directory).isDirectory() && readdirSync(directory).some((name) => name.endsWith('.toml'));
  } catch {
    return false;
  }
}

/** The folder of Elastic's macOS rule files, or undefined when none can be found. */
export function elasticRulesDirectory(): string | undefined {
  const found = candidates().find((directory) => existsSync(directory) && hasRuleFiles(directory));
  if (!found) {
    // Once per test file: the skip must say how to enable the suite, not pass silently.
    console.warn(`[skipped] ${ELASTIC_RULES_HOW_TO}`);
  }
  return found;
}

/** The rule files of that folder, sorted by name. */
export function elasticRuleFiles(directory: string): string[] {
  return readdirSync(directory)
    .filter((name) => name.endsWith('.toml'))
    .sort();
}
