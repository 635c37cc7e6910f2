import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadAgentRules, startupRules } from '../../src/agent/agent-rules.js';
import type { AgentLog } from '../../src/logging/agent-logger.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/rules/', import.meta.url));
const EMOND = '3e3d15c6-1509-479a-b125-21718372157e';

describe('the rules the agent runs', () => {
  it('runs the built-in and the good user rules, and reports each unusable file', () => {
    const { rules, problems, overrides } = loadAgentRules({
      builtinRules: true,
      rulePaths: [path.join(FIXTURES, 'custom'), path.join(FIXTURES, 'invalid', 'single_quoted_string.toml')],
      enabledRules: null,
    });
    expect(rules[0]?.id).toBe(EMOND);
    expect(rules.length).toBeGreaterThan(1);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('single_quoted_string.toml');
    expect(overrides).toEqual([]);
  });

  it('a user rule with the built-in id replaces it, and the agent logs which won and why', () => {
    const override = path.join(FIXTURES, 'override', 'emond_child_override.toml');
    const config = { builtinRules: true, rulePaths: [override], enabledRules: null };
    const { rules, problems, overrides } = loadAgentRules(config);
    expect(problems).toEqual([]);
    expect(rules.map((rule) => rule.source)).toEqual([override]);
    expect(overrides).toEqual([expect.stringContaining(`user rule ${override} (version 200) has the same rule_id as builtin:`)]);
    const lines: string[] = [];
    const log = { info: (message: string) => lines.push(message), error: (message: string) => lines.push(message) } as unknown as AgentLog;
    startupRules(config, log);
    expect(lines[0]).toMatch(/^rule replaced: user rule .*emond_child_override\.toml \(version 200\).*replaces the built-in one$/);
  });

  it('keeps only enabledRules, and names an id no rule has', () => {
    const { rules, problems } = loadAgentRules({ builtinRules: true, rulePaths: [], enabledRules: [EMOND, 'no-such-rule'] });
    expect(rules.map((r) => r.id)).toEqual([EMOND]);
    expect(problems).toEqual(['enabledRules names no-such-rule, which no loaded rule has (`emondguard rules list` shows the ids)']);
  });

  it('runs without the built-in rules when told to', () => {
    expect(loadAgentRules({ builtinRules: false, rulePaths: [], enabledRules: null }).rules).toEqual([]);
  });
});
