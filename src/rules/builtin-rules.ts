import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { assertUniqueRuleIds, loadRules } from './rule-file/load-rules.js';
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

/** The built-in rules followed by the user's rules from `paths`; a user rule may not reuse a built-in id. */
export function loadRuleSet(paths: readonly string[]): CompiledRule[] {
  const rules = [...loadBuiltinRules(), ...loadRules(paths)];
  assertUniqueRuleIds(rules);
  return rules;
}
