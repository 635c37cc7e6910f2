import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { assertUniqueRuleIds, checkRuleFiles, type RuleFileResult } from './rule-file/load-rules.js';
import type { RuleFileError } from './rule-file/rule-file-error.js';
import { compileRuleToml } from './rule-file/parse-rule-toml.js';
import type { CompiledRule } from './rule.js';

/**
 * The rule files shipped with the product. They sit next to this module — `src/rules/builtin/`
 * when run from source (vitest), `dist/rules/builtin/` once built (`scripts/copy-assets.mjs`
 * copies them, tsc does not) — so both layouts work without configuration.
 */
export const BUILTIN_RULES_DIRECTORY = fileURLToPath(new URL('./builtin/', import.meta.url));

/** Compiles every built-in rule; `RuleMetadata.source` is `builtin:<file name>`. */
export function loadBuiltinRules(): CompiledRule[] {
  const rules = readdirSync(BUILTIN_RULES_DIRECTORY)
    .filter((name) => name.endsWith('.toml'))
    .sort()
    .map((name) => compileRuleToml(readFileSync(`${BUILTIN_RULES_DIRECTORY}${name}`, 'utf8'), `builtin:${name}`));
  assertUniqueRuleIds(rules);
  return rules;
}

export interface RuleSetCheck {
  rules: CompiledRule[];
  /** The rule files that could not be used (unreadable, invalid, or reusing an id), in order. */
  failures: Array<RuleFileResult & { error: RuleFileError }>;
}

/**
 * The built-in rules (unless `builtin` is false) followed by the user's rules from `paths`, with
 * every unusable file reported rather than thrown: the agent runs what loaded and says what did
 * not. A user rule may not reuse a built-in id.
 */
export function checkRuleSet(paths: readonly string[], options: { builtin?: boolean } = {}): RuleSetCheck {
  const builtin = options.builtin === false ? [] : loadBuiltinRules();
  const results = checkRuleFiles(paths, builtin);
  return {
    rules: [...builtin, ...results.flatMap((result) => (result.rule ? [result.rule] : []))],
    failures: results.flatMap((result) => (result.error ? [{ ...result, error: result.error }] : [])),
  };
}

/** The built-in rules followed by the user's rules from `paths`; throws the first unusable file's error. */
export function loadRuleSet(paths: readonly string[]): CompiledRule[] {
  const { rules, failures } = checkRuleSet(paths);
  if (failures[0]) throw failures[0].error;
  return rules;
}
