import { readdirSync, readFileSync, statSync, type Stats } from 'node:fs';
import path from 'node:path';
import type { CompiledRule } from '../rule.js';
import { compileRuleToml } from './parse-rule-toml.js';
import { RuleFileError } from './rule-file-error.js';

/** Reads and compiles one rule file. `RuleMetadata.source` is its absolute path. */
export function loadRuleFile(file: string): CompiledRule {
  const absolute = path.resolve(file);
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch (error) {
    throw new RuleFileError('E_IO_RULE_READ', absolute, `cannot read the rule file (${ioReason(error)})`, { cause: error });
  }
  return compileRuleToml(text, absolute);
}

/** The outcome for one file: its rule, or why it cannot be used. */
export interface RuleFileResult {
  file: string;
  rule?: CompiledRule;
  error?: RuleFileError;
}

/**
 * Loads every rule under `paths` (files, and directories searched recursively for `*.toml`,
 * hidden entries skipped, in sorted order) and reports each file separately, so one bad file
 * neither hides the others nor stops them loading. A `rule_id` seen twice among these files fails
 * the later file, naming the earlier one (a user file may reuse a *built-in* id: see checkRuleSet).
 */
export function checkRuleFiles(paths: readonly string[]): RuleFileResult[] {
  const results: RuleFileResult[] = [];
  const firstSeen = new Map<string, string>();
  for (const entry of paths) {
    let files: string[];
    try {
      files = ruleFilesUnder(entry);
    } catch (error) {
      if (!(error instanceof RuleFileError)) throw error;
      results.push({ file: path.resolve(entry), error });
      continue;
    }
    for (const file of files) results.push(loadChecked(file, firstSeen));
  }
  return results;
}

/** All rules under `paths`; throws the first file's `RuleFileError` if any cannot be used. */
export function loadRules(paths: readonly string[]): CompiledRule[] {
  const results = checkRuleFiles(paths);
  const failed = results.find((result) => result.error);
  if (failed?.error) throw failed.error;
  return results.flatMap((result) => (result.rule ? [result.rule] : []));
}

/** Rejects a rule set in which two rules share an id (a built-in one and a user's, typically). */
export function assertUniqueRuleIds(rules: readonly CompiledRule[]): void {
  const firstSeen = new Map<string, string>();
  for (const rule of rules) {
    const duplicate = duplicateError(rule, firstSeen);
    if (duplicate) throw duplicate;
  }
}

function loadChecked(file: string, firstSeen: Map<string, string>): RuleFileResult {
  try {
    const rule = loadRuleFile(file);
    const duplicate = duplicateError(rule, firstSeen);
    return duplicate ? { file, error: duplicate } : { file, rule };
  } catch (error) {
    if (!(error instanceof RuleFileError)) throw error;
    return { file, error };
  }
}

function duplicateError(rule: CompiledRule, firstSeen: Map<string, string>): RuleFileError | undefined {
  const earlier = firstSeen.get(rule.id);
  if (earlier === undefined) {
    firstSeen.set(rule.id, rule.source);
    return undefined;
  }
  return new RuleFileError(
    'E_RULE_DUPLICATE',
    rule.source,
    `rule_id ${rule.id} is already used by ${earlier}: rule ids must be unique, remove or rename one of them`,
    { key: 'rule.rule_id' },
  );
}

function ruleFilesUnder(entry: string): string[] {
  const absolute = path.resolve(entry);
  let stats: Stats;
  try {
    stats = statSync(absolute);
  } catch (error) {
    throw new RuleFileError('E_IO_RULE_PATH', absolute, `cannot use this rules path (${ioReason(error)})`, { cause: error });
  }
  if (!stats.isDirectory()) return [absolute];
  const found: string[] = [];
  const walk = (directory: string): void => {
    let names: string[];
    try {
      names = readdirSync(directory).sort();
    } catch (error) {
      throw new RuleFileError('E_IO_RULE_PATH', directory, `cannot list the rules directory (${ioReason(error)})`, { cause: error });
    }
    for (const name of names) {
      if (name.startsWith('.')) continue;
      const child = path.join(directory, name);
      let childStats: Stats;
      try {
        childStats = statSync(child);
      } catch {
        continue; // A dangling link or an entry removed meanwhile is not a rule file.
      }
      if (childStats.isDirectory()) walk(child);
      else if (name.endsWith('.toml')) found.push(child);
    }
  };
  walk(absolute);
  return found;
}

/** "ENOENT: no such file or directory" for a Node system error, its message otherwise. */
function ioReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  const reasons: Record<string, string> = {
    ENOENT: 'no such file or directory',
    EACCES: 'permission denied',
    EISDIR: 'it is a directory',
    ENOTDIR: 'a part of the path is not a directory',
  };
  return (code && reasons[code]) ?? (error instanceof Error ? error.message : String(error));
}
