import type { AgentConfig } from '../config/keys.js';
import type { AgentLog } from '../logging/agent-logger.js';
import { checkRuleSet, type CompiledRule } from '../rules/index.js';
import { AgentError } from './agent-errors.js';

export interface AgentRuleSet {
  rules: CompiledRule[];
  /** One line per rule file that could not be used, with its caret diagnostic. */
  problems: string[];
  /** One line per built-in rule a user rule replaced, saying which won and why. */
  overrides: string[];
}

/**
 * The rules the agent runs: built-in ones (unless turned off), the rule files of `rulePaths`, and
 * of those only `enabledRules` when given. A broken file is reported and left out here; the caller
 * decides whether that is acceptable (start-up: yes, the rest must still run; reload: no).
 */
export function loadAgentRules(config: Pick<AgentConfig, 'builtinRules' | 'rulePaths' | 'enabledRules'>): AgentRuleSet {
  const { rules, failures, overrides: replaced } = checkRuleSet(config.rulePaths, { builtin: config.builtinRules });
  const problems = failures.map((failure) => failure.error.render());
  const overrides = replaced.map((override) => override.reason);
  if (config.enabledRules === null) return { rules, problems, overrides };
  const enabled = new Set(config.enabledRules);
  const loaded = new Set(rules.map((rule) => rule.id));
  for (const id of enabled) {
    if (!loaded.has(id)) problems.push(`enabledRules names ${id}, which no loaded rule has (\`emondguard rules list\` shows the ids)`);
  }
  return { rules: rules.filter((rule) => enabled.has(rule.id)), problems, overrides };
}

const NO_RULES =
  'no detection rules to run: check builtinRules, rulePaths and enabledRules (`emondguard config show`, `emondguard rules list`).';

/**
 * Everything that keeps the configured rules from running as configured: rule files that do not
 * load, enabledRules naming no rule, nothing left to run. `config check` and `doctor` report these
 * before a rollout; the agent would log them (or refuse to start with no rule).
 */
export function ruleSetProblems(config: Parameters<typeof loadAgentRules>[0]): string[] {
  const { rules, problems } = loadAgentRules(config);
  return rules.length === 0 ? [...problems, NO_RULES] : problems;
}

/** At start-up: run what loaded, report what did not, refuse to run with nothing. */
export function startupRules(config: Parameters<typeof loadAgentRules>[0], log: AgentLog): CompiledRule[] {
  const { rules, problems, overrides } = loadAgentRules(config);
  for (const problem of problems) log.error(`rule not loaded: ${problem}`);
  for (const override of overrides) log.info(`rule replaced: ${override}`);
  if (rules.length === 0) throw new AgentError('E_AGENT_NO_RULES', NO_RULES);
  log.info(`running ${rules.length} rule(s)`, { rules: rules.map((rule) => `${rule.id} ${rule.name}`) });
  return rules;
}
