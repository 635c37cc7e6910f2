import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadAgentRules } from '../../src/agent/agent-rules.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/rules/', import.meta.url));
const EMOND = '3e3d15c6-1509-479a-b125-21718372157e';

describe('the rules the agent runs', () => {
  it('runs the built-in and the good user rules, and reports each unusable file', () => {
    const { rules, problems } = loadAgentRules({
      builtinRules: true,
      rulePaths: [path.join(FIXTURES, 'custom'), path.join(FIXTURES, 'invalid', 'reuses_builtin_rule_id.toml')],
      enabledRules: null,
    });
    expect(rules[0]?.id).toBe(EMOND);
    expect(rules.length).toBeGreaterThan(1);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('reuses_builtin_rule_id.toml');
    expect(problems[0]).toContain(EMOND);
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
