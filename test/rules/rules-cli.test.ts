import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { elasticRuleFiles, elasticRulesDirectory } from '../helpers/elastic-rules.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/rules/', import.meta.url));
// Elastic's rules are read from outside the project (test/helpers/elastic-rules.ts).
const ELASTIC = elasticRulesDirectory();
const CUSTOM = path.join(FIXTURES, 'custom');
const BUILTIN_ID = '3e3d15c6-1509-479a-b125-21718372157e';

describe('emondguard rules list', () => {
  it('shows the built-in rule in a table', () => {
    const result = runCli(['rules', 'list']);
    expect(result.status).toBe(0);
    const [header, row, ...rest] = result.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^ID\s+NAME\s+VERSION\s+SEVERITY\s+RISK\s+SOURCE$/);
    expect(row?.split(/\s{2,}/)).toEqual([
      BUILTIN_ID,
      'Suspicious Emond Child Process',
      '108',
      'medium',
      '47',
      'builtin:persistence_emond_suspicious_child_process.toml',
    ]);
    expect(rest).toEqual([]);
  });

  it('adds the rules under --rules (repeatable) and prints JSON', () => {
    const nested = path.join(CUSTOM, 'nested');
    const result = runCli(['rules', 'list', '--rules', path.join(CUSTOM, 'curl_spawned_by_launchd.toml'), '--rules', nested, '--format', 'json']);
    expect(result.status).toBe(0);
    const rules = JSON.parse(result.stdout) as Array<Record<string, unknown>>;
    expect(rules.map((rule) => [rule.id, rule.version, rule.severity, rule.risk_score])).toEqual([
      [BUILTIN_ID, 108, 'medium', 47],
      ['0f4b7d1e-2c3a-4b5d-8e6f-7a8b9c0d1e2f', 1, 'low', 21],
      ['5d8a1c3e-9b7f-4e2d-a6c5-1f0e9d8c7b6a', 3, 'high', 73],
    ]);
    expect(rules[2]?.source).toBe(path.join(nested, 'osascript_with_admin_privileges.toml'));
    expect(rules[0]).toMatchObject({ category: 'process', from: 'now-9m', threat: [{ tactic: { id: 'TA0003' } }] });
    expect(rules[0]).not.toHaveProperty('matches');
  });

  it('fails with the file and the reason when a rule cannot be used', () => {
    const bad = path.join(FIXTURES, 'invalid', 'single_quoted_string.toml');
    const result = runCli(['rules', 'list', '--rules', bad]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`${bad}:9:19: Use double quotes`);
  });

  it('a user rule with the built-in id replaces it, and list says which won and why', () => {
    const override = path.join(FIXTURES, 'override', 'emond_child_override.toml');
    const result = runCli(['rules', 'list', '--rules', override]);
    expect(result.status).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines.filter((line) => line.startsWith(BUILTIN_ID))).toEqual([expect.stringContaining(override)]);
    expect(result.stdout).not.toContain('builtin:persistence_emond_suspicious_child_process.toml  ');
    expect(lines.at(-1)).toBe(
      `note: user rule ${override} (version 200) has the same rule_id as builtin:persistence_emond_suspicious_child_process.toml (version 108): a user rule replaces the built-in one`,
    );
    const json = JSON.parse(runCli(['rules', 'list', '--format', 'json', '--rules', override]).stdout) as Array<{ source: string; replaces?: { source: string } }>;
    expect(json.map((rule) => [rule.source, rule.replaces?.source])).toEqual([[override, 'builtin:persistence_emond_suspicious_child_process.toml']]);
  });

  it('two user files with one rule_id are still an error naming both', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'emondguard-dup-'));
    const one = path.join(dir, 'a.toml');
    const two = path.join(dir, 'b.toml');
    const text = `[rule]\nrule_id = "9a1b2c3d-0000-4000-8000-00000000000a"\nname = "n"\ndescription = "d"\nseverity = "low"\nrisk_score = 21\nquery = '''process where true'''\n`;
    writeFileSync(one, text);
    writeFileSync(two, text);
    const result = runCli(['rules', 'list', '--rules', dir]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(two);
    expect(result.stderr).toContain(`is already used by ${one}`);
  });

  it('exits 2 on a path that does not exist and on an unknown format', () => {
    const missing = runCli(['rules', 'list', '--rules', path.join(FIXTURES, 'no-such-dir')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/no-such-dir: cannot use this rules path \(no such file or directory\)/);
    const format = runCli(['rules', 'list', '--format', 'xml']);
    expect(format.status).toBe(2);
    expect(format.stderr).toMatch(/xml/);
  });
});

describe('emondguard rules check', () => {
  it.skipIf(!ELASTIC)("runs every Elastic macOS rule: 69 ✓, 19 ✗ naming sequence with a caret diagnostic", () => {
    const directory = ELASTIC ?? '';
    const files = elasticRuleFiles(directory).map((name) => path.join(directory, name));
    const result = runCli(['rules', 'check', ...files]);
    expect(result.status).toBe(1);
    const lines = result.stdout.split('\n');
    expect(lines.filter((line) => line.startsWith('✓ '))).toHaveLength(69);
    const failed = lines.flatMap((line, index) => (line.startsWith('✗ ') ? [index] : []));
    expect(failed).toHaveLength(19);
    for (const index of failed) {
      const file = lines[index]?.slice(2) ?? '';
      expect(lines[index + 1]).toMatch(new RegExp(`^    ${escape(file)}:\\d+:\\d+: unsupported construct 'sequence'`));
      expect(lines[index + 2]).toMatch(/^ {6}\s*sequence/);
      expect(lines[index + 3]).toMatch(/^ {6}\s*\^$/);
    }
    expect(result.stdout).toContain('88 rule files checked: 69 valid, 19 invalid');
  });

  it('accepts directories and exits 0 when every rule is valid', () => {
    const result = runCli(['rules', 'check', CUSTOM]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`✓ ${path.join(CUSTOM, 'curl_spawned_by_launchd.toml')}  Curl Started Directly by launchd`);
    expect(result.stdout).toContain('2 rule files checked: 2 valid, 0 invalid');
  });

  it('shows the caret diagnostic at file:line:column for a bad query', () => {
    const bad = path.join(FIXTURES, 'invalid', 'single_quoted_string.toml');
    const result = runCli(['rules', 'check', bad]);
    expect(result.status).toBe(1);
    expect(result.stdout.split('\n').slice(0, 4)).toEqual([
      `✗ ${bad}`,
      `    ${bad}:9:19: Use double quotes ["] to define string literals, not single quotes [']`,
      `        process.name == 'sh'`,
      `                        ^`,
    ]);
  });

  it('exits 2 when a path cannot be read, still checking the others', () => {
    const result = runCli(['rules', 'check', path.join(CUSTOM, 'curl_spawned_by_launchd.toml'), path.join(FIXTURES, 'missing.toml')]);
    expect(result.status).toBe(2);
    expect(result.stdout).toContain('✓ ');
    expect(result.stdout).toMatch(/✗ .*missing\.toml\n {4}.*missing\.toml: cannot use this rules path \(no such file or directory\)/);
  });

  it('exits 2 without a file argument', () => {
    const result = runCli(['rules', 'check']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/missing required argument/);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('rule files are not trusted text', () => {
  const ESC = '\u001b';
  function ruleFile(name: string, query: string): string {
    const dir = mkdtempSync(path.join(tmpdir(), 'emondguard-rules-'));
    const file = path.join(dir, 'evil.toml');
    writeFileSync(
      file,
      `[rule]\nrule_id = "9a1b2c3d-0000-4000-8000-000000000009"\nname = "${name}"\ndescription = "d"\nseverity = "low"\nrisk_score = 21\ntype = "eql"\nlanguage = "eql"\nquery = '''${query}'''\n`,
    );
    return file;
  }

  it('list and check show control characters in a rule escaped, never raw', () => {
    const file = ruleFile(`evil\\u001b[2J\\u0007name`, 'process where process.name == "sh"');
    for (const args of [['rules', 'list', '--rules', file], ['rules', 'check', file]]) {
      const result = runCli(args);
      expect(result.status, result.stderr).toBe(0);
      expect(result.stdout).not.toContain(ESC);
      expect(result.stdout).toContain('evil\\x1b[2J\\x07name');
    }
  });

  it('check cuts a long line around the error and escapes it, the caret under the error', () => {
    const filler = 'a'.repeat(5000);
    const file = ruleFile('long', `process where process.name == "${filler}" and ${ESC}[31m`);
    const result = runCli(['rules', 'check', file]);
    expect(result.status).toBe(1);
    expect(result.stdout).not.toContain(ESC);
    const lines = result.stdout.split('\n');
    const caret = lines.findIndex((line) => /^\s+\^$/.test(line));
    expect(caret).toBeGreaterThan(0);
    const source = lines[caret - 1] as string;
    expect(source.length).toBeLessThan(200);
    expect(source).toContain('…');
    expect(source).toContain('\\x1b[31m');
    // The caret points at the escape's first character.
    expect(source.slice((lines[caret] as string).indexOf('^'))).toMatch(/^\\x1b/);
  });
});
