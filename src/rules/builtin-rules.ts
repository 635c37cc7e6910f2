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

/** A user rule file that took the place of a built-in rule with the same `rule_id`. */
export interface RuleOverride {
  id: string;
  /** The rule that runs: the user's file. */
  winner: { source: string; version: number };
  /** The built-in rule left out. */
  replaced: { source: string; version: number };
  /** Why the user's file won, for the agent's log and `rules list`. */
  reason: string;
}

export interface RuleSetCheck {
  rules: CompiledRule[];
  /** The rule files that could not be used (unreadable, invalid, or reusing another user file's id), in order. */
  failures: Array<RuleFileResult & { error: RuleFileError }>;
  /** Built-in rules replaced by a user rule with the same id. */
  overrides: RuleOverride[];
}

/**
 * The built-in rules (unless `builtin` is false) followed by the user's rules from `paths`, with
 * every unusable file reported rather than thrown: the agent runs what loaded and says what did
 * not. A user rule with a built-in rule's id replaces that built-in (a site can run Elastic's
 * newer version of the emond rule, or its own tuning of it); two user files with one id are an
 * error naming both. A user file that fails to load replaces nothing.
 */
export function checkRuleSet(paths: readonly string[], options: { builtin?: boolean } = {}): RuleSetCheck {
  const builtin = options.builtin === false ? [] : loadBuiltinRules();
  const results = checkRuleFiles(paths);
  const user = results.flatMap((result) => (result.rule ? [result.rule] : []));
  const userById = new Map(user.map((rule) => [rule.id, rule]));
  const overrides: RuleOverride[] = [];
  const kept = builtin.filter((rule) => {
    const winner = userById.get(rule.id);
    if (!winner) return true;
    overrides.push({
      id: rule.id,
      winner: { source: winner.source, version: winner.version },
      replaced: { source: rule.source, version: rule.version },
      reason: `user rule ${winner.source} (version ${winner.version}) has the same rule_id as ${rule.source} (version ${rule.version}): a user rule replaces the built-in one`,
    });
    return false;
  });
  return {
    rules: [...kept, ...user],
    failures: results.flatMap((result) => (result.error ? [{ ...result, error: result.error }] : [])),
    overrides,
  };
}

/** The built-in rules followed by the user's rules from `paths`; throws the first unusable file's error. */
export function loadRuleSet(paths: readonly string[]): CompiledRule[] {
  const { rules, failures } = checkRuleSet(paths);
  if (failures[0]) throw failures[0].error;
  return rules;
}
