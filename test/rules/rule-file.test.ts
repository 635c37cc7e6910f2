import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { EqlUnsupportedError } from '../../src/rules/eql/eql-error.js';
import { elasticRulesDirectory } from '../helpers/elastic-rules.js';
import {
  checkRuleFiles,
  checkRuleSet,
  compileRuleToml,
  loadRuleFile,
  loadRules,
  loadRuleSet,
  parseRuleToml,
  RuleFileError,
} from '../../src/rules/index.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/rules/', import.meta.url));
const MINIMAL = path.join(FIXTURES, 'custom', 'curl_spawned_by_launchd.toml');
const NESTED = path.join(FIXTURES, 'custom', 'nested', 'osascript_with_admin_privileges.toml');
const minimalText = readFileSync(MINIMAL, 'utf8');
const OVERRIDE = path.join(FIXTURES, 'override', 'emond_child_override.toml');
const EMOND_ID = '3e3d15c6-1509-479a-b125-21718372157e';
const ELASTIC = elasticRulesDirectory();
const UPSTREAM_EMOND = ELASTIC && existsSync(path.join(ELASTIC, 'persistence_emond_rules_process_execution.toml')) ? path.join(ELASTIC, 'persistence_emond_rules_process_execution.toml') : undefined;

function ruleFileError(action: () => unknown): RuleFileError {
  try {
    action();
  } catch (error) {
    if (error instanceof RuleFileError) return error;
    throw error;
  }
  throw new Error('expected a RuleFileError');
}

const scratch = mkdtempSync(path.join(tmpdir(), 'emondguard-rules-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('parseRuleToml', () => {
  it("applies Elastic's defaults to a minimal rule", () => {
    const rule = parseRuleToml(minimalText, 'minimal.toml');
    expect(rule).toEqual({
      id: '0f4b7d1e-2c3a-4b5d-8e6f-7a8b9c0d1e2f',
      name: 'Curl Started Directly by launchd',
      version: 1,
      description: 'A curl process whose parent is launchd: a launch agent or daemon that downloads.',
      severity: 'low',
      risk_score: 21,
      max_signals: 100,
      interval: '5m',
      from: 'now-6m',
      tags: [],
      references: [],
      author: [],
      false_positives: [],
      threat: [],
      query: 'process where event.type == "start" and process.name : "curl" and process.parent.name == "launchd"\n',
      source: 'minimal.toml',
    });
  });

  it('reads every optional key it uses', () => {
    const rule = parseRuleToml(readFileSync(NESTED, 'utf8'), NESTED);
    expect(rule).toMatchObject({
      version: 3,
      max_signals: 20,
      interval: '2m',
      from: 'now-10m',
      severity: 'high',
      risk_score: 73,
      author: ['Example Corp SOC'],
      tags: ['OS: macOS', 'Tactic: Privilege Escalation'],
      threat: [
        {
          framework: 'MITRE ATT&CK',
          tactic: { id: 'TA0004', name: 'Privilege Escalation', reference: 'https://attack.mitre.org/tactics/TA0004/' },
        },
      ],
    });
  });

  /** [what is wrong, edit of the minimal rule, key, expected form (part of), line in the file or undefined] */
  type KeyCase = [title: string, edit: (text: string) => string, key: string, expected: string, line: number | undefined];
  const replace = (from: string, to: string) => (text: string) => {
    if (!text.includes(from)) throw new Error(`fixture lacks ${from}`);
    return text.replace(from, to);
  };
  const add = (line: string) => (text: string) => text.replace('[rule]\n', `[rule]\n${line}\n`);

  it.each<KeyCase>([
    ['missing rule_id', replace('rule_id = "0f4b7d1e-2c3a-4b5d-8e6f-7a8b9c0d1e2f"\n', ''), 'rule.rule_id', 'UUID', 2],
    ['rule_id not a UUID', replace('"0f4b7d1e-2c3a-4b5d-8e6f-7a8b9c0d1e2f"', '"my-rule"'), 'rule.rule_id', 'UUID', 3],
    ['missing name', replace('name = "Curl Started Directly by launchd"\n', ''), 'rule.name', 'non-empty string', 2],
    ['empty description', replace('description = "A curl process whose parent is launchd: a launch agent or daemon that downloads."', 'description = "  "'), 'rule.description', 'non-empty string', 5],
    ['severity out of the set', replace('severity = "low"', 'severity = "urgent"'), 'rule.severity', 'one of low, medium, high, critical', 6],
    ['severity in capitals', replace('severity = "low"', 'severity = "Low"'), 'rule.severity', 'one of low, medium, high, critical', 6],
    ['risk_score above 100', replace('risk_score = 21', 'risk_score = 101'), 'rule.risk_score', 'whole number from 0 to 100', 7],
    ['risk_score not whole', replace('risk_score = 21', 'risk_score = 4.5'), 'rule.risk_score', 'whole number from 0 to 100', 7],
    ['risk_score as text', replace('risk_score = 21', 'risk_score = "21"'), 'rule.risk_score', 'whole number from 0 to 100', 7],
    ['missing query', (text) => text.slice(0, text.indexOf('query =')), 'rule.query', 'non-empty string', 2],
    ['version zero', add('version = 0'), 'rule.version', 'whole number of 1 or more', 3],
    ['max_signals negative', add('max_signals = -1'), 'rule.max_signals', 'whole number of 1 or more', 3],
    ['interval in words', add('interval = "5 minutes"'), 'rule.interval', 'duration such as "5m"', 3],
    ['from without now-', add('from = "-6m"'), 'rule.from', 'look-back such as "now-9m"', 3],
    ['tags not a list', add('tags = "macOS"'), 'rule.tags', 'list of strings', 3],
    ['references with a number', add('references = ["https://example.com", 5]'), 'rule.references', 'list of strings', 3],
    ['note not a string', add('note = 5'), 'rule.note', 'a string', 3],
    ['threat not an array', add('threat = "T1546"'), 'rule.threat', 'array of [[rule.threat]] tables', 3],
  ])('%s → E_RULE_KEY naming the key and the form', (_title, edit, key, expected, line) => {
    const error = ruleFileError(() => parseRuleToml(edit(minimalText), 'edited.toml'));
    expect(error.code).toBe('E_RULE_KEY');
    expect(error.file).toBe('edited.toml');
    expect(error.key).toBe(key);
    expect(error.expected).toContain(expected);
    expect(error.message).toContain(key);
    expect(error.line).toBe(line);
  });

  it.each([
    ['missing framework', '[[rule.threat]]\n[rule.threat.tactic]\nid = "TA0003"\nname = "Persistence"\nreference = "https://x"\n', 'rule.threat[0].framework'],
    ['missing tactic', '[[rule.threat]]\nframework = "MITRE ATT&CK"\n', 'rule.threat[0].tactic'],
    ['tactic without reference', '[[rule.threat]]\nframework = "MITRE ATT&CK"\n[rule.threat.tactic]\nid = "TA0003"\nname = "Persistence"\n', 'rule.threat[0].tactic.reference'],
    [
      'subtechnique without id',
      '[[rule.threat]]\nframework = "MITRE ATT&CK"\n[[rule.threat.technique]]\nid = "T1546"\nname = "E"\nreference = "https://x"\n' +
        '[[rule.threat.technique.subtechnique]]\nname = "Emond"\nreference = "https://x"\n[rule.threat.tactic]\nid = "TA0003"\nname = "P"\nreference = "https://x"\n',
      'rule.threat[0].technique[0].subtechnique[0].id',
    ],
  ])('threat mapping: %s → names %s', (_title, threat, key) => {
    const error = ruleFileError(() => parseRuleToml(`${minimalText}\n${threat}`, 'threat.toml'));
    expect(error.code).toBe('E_RULE_KEY');
    expect(error.key).toBe(key);
  });

  it('refuses rule types other than EQL by name', () => {
    const kuery = ruleFileError(() => parseRuleToml(minimalText.replace('[rule]\n', '[rule]\ntype = "query"\n'), 'k.toml'));
    expect(kuery.code).toBe('E_RULE_TYPE');
    expect(kuery.message).toMatch(/rule type "query" is not supported: emondguard runs EQL rules/);
    const language = ruleFileError(() => parseRuleToml(minimalText.replace('[rule]\n', '[rule]\nlanguage = "kuery"\n'), 'k.toml'));
    expect(language.code).toBe('E_RULE_TYPE');
  });

  it('says what a rule file needs when [rule] is missing', () => {
    const error = ruleFileError(() => parseRuleToml('[metadata]\nmaturity = "production"\n', 'empty.toml'));
    expect(error.code).toBe('E_RULE_KEY');
    expect(error.key).toBe('rule');
    expect(error.message).toMatch(/missing \[rule\] table/);
  });

  it('reports TOML syntax errors at their line and column', () => {
    const error = ruleFileError(() => parseRuleToml('[rule]\nname = "x"\nseverity = = "low"\n', 'syntax.toml'));
    expect(error.code).toBe('E_RULE_TOML');
    expect([error.line, error.column]).toEqual([3, 12]);
    expect(error.message).toMatch(/^syntax\.toml:3:12: not valid TOML: /);
    expect(error.render().split('\n').slice(1)).toEqual(['  severity = = "low"', '             ^']);
  });
});

describe('compileRuleToml', () => {
  it('compiles the query of a valid file', () => {
    const rule = compileRuleToml(minimalText, 'minimal.toml');
    expect(rule.category).toBe('process');
    const event = { event: { category: ['process'], type: ['start'] }, process: { name: 'CURL', parent: { name: 'launchd' } } };
    expect(rule.matches(event)).toBe(true);
    expect(rule.matches({ ...event, process: { name: 'curl', parent: { name: 'bash' } } })).toBe(false);
  });

  it('places a query error at its line and column in the file, with the EqlError as cause', () => {
    const file = path.join(FIXTURES, 'invalid', 'single_quoted_string.toml');
    const error = ruleFileError(() => loadRuleFile(file));
    expect(error.code).toBe('E_RULE_QUERY');
    expect(error.key).toBe('rule.query');
    expect([error.line, error.column]).toEqual([9, 19]);
    expect(error.message).toBe(`${file}:9:19: Use double quotes ["] to define string literals, not single quotes [']`);
    expect(error.render().split('\n').slice(1)).toEqual(["    process.name == 'sh'", '                    ^']);
    expect(error.cause).toMatchObject({ code: 'E_EQL_SYNTAX', line: 2, column: 19 });
  });

  it('names the unsupported construct of a sequence rule', () => {
    const text = minimalText.replace(
      /query = '''[\s\S]*'''/,
      "query = '''\nsequence by process.entity_id\n  [process where true]\n  [file where true]\n'''",
    );
    const error = ruleFileError(() => compileRuleToml(text, 'sequence.toml'));
    expect(error.code).toBe('E_RULE_QUERY');
    expect(error.cause).toBeInstanceOf(EqlUnsupportedError);
    expect((error.cause as EqlUnsupportedError).construct).toBe('sequence');
    expect(error.message).toMatch(/^sequence\.toml:9:1: unsupported construct 'sequence'/);
  });

  it('points into the query when the file does not hold it verbatim (escapes in a basic string)', () => {
    const text = minimalText.replace(/query = '''[\s\S]*'''/, 'query = "process where process.name == \\"sh\\" and \'x\'"');
    const error = ruleFileError(() => compileRuleToml(text, 'basic.toml'));
    expect(error.message).toBe(`basic.toml: query line 1:40: Use double quotes ["] to define string literals, not single quotes [']`);
    expect(error.render().split('\n')[2]).toBe(`  ${' '.repeat(39)}^`);
  });
});

describe('loading files and directories', () => {
  it('loads a file with its absolute path as the source', () => {
    const relative = path.relative(process.cwd(), MINIMAL);
    expect(loadRuleFile(relative).source).toBe(MINIMAL);
  });

  it('reports an unreadable path as an I/O error', () => {
    const missing = ruleFileError(() => loadRuleFile(path.join(scratch, 'missing.toml')));
    expect(missing.code).toBe('E_IO_RULE_READ');
    expect(missing.message).toMatch(/no such file or directory/);
    expect(ruleFileError(() => loadRuleFile(scratch)).code).toBe('E_IO_RULE_READ');
  });

  it('walks directories recursively in sorted order, skipping hidden and non-TOML files', () => {
    const results = checkRuleFiles([path.join(FIXTURES, 'custom')]);
    expect(results.map((result) => path.relative(FIXTURES, result.file))).toEqual([
      path.join('custom', 'curl_spawned_by_launchd.toml'),
      path.join('custom', 'nested', 'osascript_with_admin_privileges.toml'),
    ]);
    expect(results.every((result) => result.rule && !result.error)).toBe(true);
  });

  it('reports each bad file without stopping the others, and a missing path as E_IO_RULE_PATH', () => {
    const results = checkRuleFiles([path.join(FIXTURES, 'invalid', 'single_quoted_string.toml'), MINIMAL, path.join(scratch, 'nowhere')]);
    expect(results.map((result) => result.error?.code)).toEqual(['E_RULE_QUERY', undefined, 'E_IO_RULE_PATH']);
    expect(() => loadRules([MINIMAL, path.join(FIXTURES, 'invalid')])).toThrow(RuleFileError);
  });

  it('refuses a rule_id used twice, naming both files', () => {
    const copy = path.join(scratch, 'copy.toml');
    writeFileSync(copy, minimalText);
    const results = checkRuleFiles([MINIMAL, copy]);
    expect(results[1]?.error?.code).toBe('E_RULE_DUPLICATE');
    expect(results[1]?.error?.message).toContain(MINIMAL);
  });

  it('puts the built-in rules first; a user rule with a built-in id replaces the built-in and says why', () => {
    const rules = loadRuleSet([path.join(FIXTURES, 'custom')]);
    expect(rules.map((rule) => rule.source)).toEqual([
      'builtin:persistence_emond_suspicious_child_process.toml',
      MINIMAL,
      NESTED,
    ]);
    const { rules: replaced, failures, overrides } = checkRuleSet([OVERRIDE, path.join(FIXTURES, 'custom')]);
    expect(failures).toEqual([]);
    expect(replaced.map((rule) => rule.source)).toEqual([OVERRIDE, MINIMAL, NESTED]);
    expect(replaced.filter((rule) => rule.id === EMOND_ID)).toHaveLength(1);
    expect(overrides).toEqual([
      {
        id: EMOND_ID,
        winner: { source: OVERRIDE, version: 200 },
        replaced: { source: 'builtin:persistence_emond_suspicious_child_process.toml', version: 108 },
        reason: expect.stringContaining('a user rule replaces the built-in one'),
      },
    ]);
    expect(overrides[0]?.reason).toContain(OVERRIDE);
  });

  it('keeps the built-in rule when the user file with its id does not load', () => {
    const broken = path.join(scratch, 'broken_override.toml');
    writeFileSync(broken, readFileSync(OVERRIDE, 'utf8').replace('process.parent.name == "emond"', "process.parent.name == 'emond'"));
    const { rules, failures, overrides } = checkRuleSet([broken]);
    expect(failures.map((failure) => failure.error.code)).toEqual(['E_RULE_QUERY']);
    expect(overrides).toEqual([]);
    expect(rules.map((rule) => rule.source)).toEqual(['builtin:persistence_emond_suspicious_child_process.toml']);
  });

  it('two user files with a built-in id: the first replaces the built-in, the second is an error naming both files', () => {
    const second = path.join(scratch, 'second_override.toml');
    writeFileSync(second, readFileSync(OVERRIDE, 'utf8'));
    const { rules, failures, overrides } = checkRuleSet([OVERRIDE, second]);
    expect(rules.map((rule) => rule.source)).toEqual([OVERRIDE]);
    expect(overrides.map((override) => override.winner.source)).toEqual([OVERRIDE]);
    expect(failures[0]?.error.code).toBe('E_RULE_DUPLICATE');
    expect(failures[0]?.error.message).toContain(OVERRIDE);
    expect(failures[0]?.error.render()).toContain(second);
  });

  it.skipIf(!UPSTREAM_EMOND)("Elastic's own emond rule (newer version, same rule_id) replaces the built-in one", () => {
    const file = UPSTREAM_EMOND ?? '';
    const { rules, failures, overrides } = checkRuleSet([file]);
    expect(failures).toEqual([]);
    expect(rules.map((rule) => rule.source)).toEqual([file]);
    expect(overrides[0]?.replaced.source).toBe('builtin:persistence_emond_suspicious_child_process.toml');
    expect(overrides[0]?.reason).toContain(file);
  });

});
