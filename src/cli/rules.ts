import { Option, type Command } from 'commander';
import type { CompiledRule, RuleFileResult, RuleOverride } from '../rules/index.js';
import { printable, printableKeepingTabs } from '../text/printable.js';

/**
 * `emondguard rules list` shows the rules the agent would run (built-in plus `--rules` paths);
 * `emondguard rules check FILE...` validates rule files one by one, printing ✓ or ✗ and, for each
 * failure, a caret diagnostic at file:line:column. Check exits 1 when a rule is bad and 2 when a
 * path cannot be read (the user must fix the command, not the rule). The rule engine and the TOML
 * parser load when a rules command runs, not on every start of the CLI.
 */
export function registerRulesCommand(program: Command): void {
  const rules = program.command('rules').description('list and check detection rules (Elastic EQL rule files)');

  rules
    .command('list')
    .description('list the built-in rules and those under --rules')
    .option('--rules <path>', 'a rule file or a directory of *.toml rule files (repeatable)', collect)
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .action(async (options: { rules?: string[]; format: 'table' | 'json' }) => {
      const { checkRuleSet } = await import('../rules/index.js');
      const { rules: loaded, failures, overrides } = checkRuleSet(options.rules ?? []);
      if (failures[0]) throw failures[0].error;
      const replaced = new Map(overrides.map((override) => [override.id, override]));
      process.stdout.write(
        options.format === 'json'
          ? `${JSON.stringify(loaded.map((rule) => ruleSummary(rule, replaced.get(rule.id))), null, 2)}\n`
          : ruleTable(loaded, overrides),
      );
    });

  rules
    .command('check')
    .description('validate rule files (or directories of them) and show where each problem is')
    .argument('<file...>', 'rule files or directories')
    .action(async (files: string[]) => {
      const { checkRuleFiles } = await import('../rules/index.js');
      const results = checkRuleFiles(files);
      process.stdout.write(checkReport(results));
      process.exitCode = checkExitCode(results);
    });
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Everything a rule is, without the predicate (for `--format json`), and the built-in rule it replaces. */
function ruleSummary(rule: CompiledRule, override: RuleOverride | undefined): Record<string, unknown> {
  const { matches: _matches, ...metadata } = rule;
  return override ? { ...metadata, replaces: { ...override.replaced, reason: override.reason } } : metadata;
}

/** The table, then one note per built-in rule a user rule replaced (which won, and why). */
function ruleTable(rules: readonly CompiledRule[], overrides: readonly RuleOverride[]): string {
  const header = ['ID', 'NAME', 'VERSION', 'SEVERITY', 'RISK', 'SOURCE'];
  // Rule files are text from wherever they came from: nothing in them may drive the terminal.
  const rows = rules.map((rule) => [rule.id, rule.name, String(rule.version), rule.severity, String(rule.risk_score), rule.source].map(printable));
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join('  ');
  const notes = overrides.map((override) => printable(`note: ${override.reason}`));
  return `${[header, ...rows].map(line).join('\n')}\n${notes.length > 0 ? `\n${notes.join('\n')}\n` : ''}`;
}

function checkReport(results: readonly RuleFileResult[]): string {
  const lines: string[] = [];
  for (const result of results) {
    if (result.rule) {
      lines.push(printable(`✓ ${result.file}  ${result.rule.name} (${result.rule.id}, version ${result.rule.version})`));
    } else if (result.error) {
      lines.push(printable(`✗ ${result.file}`));
      lines.push(...result.error.render().split('\n').map((text) => `    ${printableKeepingTabs(text)}`));
    }
  }
  const failed = results.filter((result) => result.error).length;
  lines.push('', `${results.length} rule file${results.length === 1 ? '' : 's'} checked: ${results.length - failed} valid, ${failed} invalid`);
  return `${lines.join('\n')}\n`;
}

function checkExitCode(results: readonly RuleFileResult[]): number {
  if (results.some((result) => result.error?.code.startsWith('E_IO'))) return 2;
  return results.some((result) => result.error) ? 1 : 0;
}
