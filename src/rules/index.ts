/**
 * The rules area's public API: EQL compilation, rule files, built-in rules. Other areas import
 * from here only.
 */
export { compileQuery, type CompiledQuery } from './eql/compile-query.js';
export { EqlError, EqlUnsupportedError, type EqlErrorCode } from './eql/eql-error.js';
export { parseRuleToml, compileRuleToml } from './rule-file/parse-rule-toml.js';
export { RuleFileError, type RuleFileErrorCode } from './rule-file/rule-file-error.js';
export {
  loadRuleFile,
  loadRules,
  checkRuleFiles,
  assertUniqueRuleIds,
  type RuleFileResult,
} from './rule-file/load-rules.js';
export { checkRuleSet, loadBuiltinRules, loadRuleSet, BUILTIN_RULES_DIRECTORY, type RuleOverride, type RuleSetCheck } from './builtin-rules.js';
export type { CompiledRule, RuleMetadata, Severity, ThreatMapping } from './rule.js';
