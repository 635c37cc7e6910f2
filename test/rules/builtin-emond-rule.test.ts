import { describe, expect, it } from 'vitest';
import { loadBuiltinRules, type CompiledRule } from '../../src/rules/index.js';
import { execEvent } from './support/exec-event.js';

/** The query of issue 2, verbatim. */
const EMOND_QUERY = `process where host.os.type == "macos" and event.type in ("start", "process_started") and
 process.parent.name : "emond" and
 process.name : ("bash", "dash", "sh", "tcsh", "csh", "zsh", "ksh", "fish", "Python", "python*", "perl*", "php*",
   "osascript", "pwsh", "curl", "wget", "cp", "mv", "touch", "echo", "base64", "launchctl")`;

function emondRule(): CompiledRule {
  const rule = loadBuiltinRules().find((candidate) => candidate.id === '3e3d15c6-1509-479a-b125-21718372157e');
  if (!rule) throw new Error('the built-in emond rule is missing');
  return rule;
}

describe('built-in rule: Suspicious Emond Child Process', () => {
  const rule = emondRule();

  it('is the only built-in rule and comes from the product', () => {
    expect(loadBuiltinRules().map((candidate) => candidate.source)).toEqual(['builtin:persistence_emond_suspicious_child_process.toml']);
  });

  it('has the metadata of version 108', () => {
    expect(rule).toMatchObject({
      name: 'Suspicious Emond Child Process',
      version: 108,
      severity: 'medium',
      risk_score: 47,
      max_signals: 100,
      interval: '5m',
      from: 'now-9m',
      category: 'process',
    });
    expect(rule.references).toEqual([
      'https://www.xorrior.com/emond-persistence/',
      'https://www.elastic.co/security-labs/handy-elastic-tools-for-the-enthusiastic-detection-engineer',
    ]);
    expect(rule.tags).toEqual(expect.arrayContaining(['OS: macOS', 'Tactic: Persistence', 'Resources: Investigation Guide']));
  });

  it('maps to Persistence TA0003 → T1546 → T1546.014 Emond', () => {
    expect(rule.threat).toEqual([
      {
        framework: 'MITRE ATT&CK',
        tactic: { id: 'TA0003', name: 'Persistence', reference: 'https://attack.mitre.org/tactics/TA0003/' },
        technique: [
          {
            id: 'T1546',
            name: 'Event Triggered Execution',
            reference: 'https://attack.mitre.org/techniques/T1546/',
            subtechnique: [{ id: 'T1546.014', name: 'Emond', reference: 'https://attack.mitre.org/techniques/T1546/014/' }],
          },
        ],
      },
    ]);
  });

  it('carries the query of issue 2 exactly', () => {
    expect(rule.query).toBe(EMOND_QUERY);
  });

  it('has a description and an investigation guide written for emondguard', () => {
    expect(rule.description).toContain('/etc/emond.d/rules');
    expect(rule.description).toMatch(/macOS 13/);
    const note = rule.note ?? '';
    for (const heading of ['## Triage and analysis', '### Triage steps', '### False positive analysis', '### Response and remediation']) {
      expect(note).toContain(heading);
    }
    for (const command of ['emondguard alerts show', 'emondguard alerts ack', 'emondguard alerts resolve', 'emondguard audit']) {
      expect(note).toContain(command);
    }
    expect(note).toContain('/etc/emond.d/rules/');
    expect(note).toMatch(/removed in macOS 13/);
  });
});

describe('the emond query', () => {
  const rule = emondRule();
  const fromEmond = (executable: string, extra: Parameters<typeof execEvent>[0] = {}) =>
    execEvent({ executable, parentExecutable: '/sbin/emond', ...extra });

  const LISTED = ['bash', 'dash', 'sh', 'tcsh', 'csh', 'zsh', 'ksh', 'fish', 'Python', 'osascript', 'pwsh', 'curl', 'wget', 'cp', 'mv', 'touch', 'echo', 'base64', 'launchctl'];

  it.each(LISTED)('alerts on emond → %s', (name) => {
    expect(rule.matches(fromEmond(`/usr/bin/${name}`))).toBe(true);
  });

  it.each(['python', 'python3', 'python3.11', 'perl', 'perl5.30', 'php', 'php8.2'])('alerts on the wildcard family member %s', (name) => {
    expect(rule.matches(fromEmond(`/usr/bin/${name}`))).toBe(true);
  });

  it.each(['BASH', 'Sh', 'OSAScript', 'CURL', 'PYTHON3', 'PerL', 'python', 'LaunchCtl'])('ignores ASCII case in the child name: %s', (name) => {
    expect(rule.matches(fromEmond(`/usr/bin/${name}`))).toBe(true);
  });

  it.each(['EMOND', 'Emond', 'eMoNd'])('ignores ASCII case in the parent name: %s', (parentName) => {
    expect(rule.matches(execEvent({ executable: '/bin/sh', parentExecutable: '/sbin/emond', parentName }))).toBe(true);
  });

  it('alerts on a masquerading /tmp/emond (the rule matches the name, not the path)', () => {
    expect(rule.matches(execEvent({ executable: '/bin/zsh', parentExecutable: '/tmp/emond' }))).toBe(true);
  });

  it('alerts on an Elastic Defend process_started event type', () => {
    expect(rule.matches(fromEmond('/bin/sh', { type: ['process_started'] }))).toBe(true);
  });

  it.each(['ls', 'nc', 'ruby', 'node', 'bashful', 'xsh', 'sh2', 'shell', 'ccurl', 'pytho', 'ſh', 'ｓh', 'PYTH\u0130N'])(
    'does not alert on the unlisted child %j',
    (name) => {
      expect(rule.matches(fromEmond(`/usr/bin/${name}`))).toBe(false);
    },
  );

  it.each(['launchd', 'emond2', 'emondd', 'xemond', 'emon', 'émond', 'EMONĐ'])('does not alert when the parent is %j', (parentName) => {
    expect(rule.matches(execEvent({ executable: '/bin/sh', parentExecutable: `/sbin/${parentName}` }))).toBe(false);
  });

  it('does not alert on other operating systems, other event types or a missing parent', () => {
    expect(rule.matches(fromEmond('/bin/sh', { osType: 'linux' }))).toBe(false);
    expect(rule.matches(fromEmond('/bin/sh', { type: ['end'] }))).toBe(false);
    const orphan = fromEmond('/bin/sh');
    delete orphan.process.parent.name;
    expect(rule.matches(orphan)).toBe(false);
  });

  it('does not alert on events of another category', () => {
    const event = fromEmond('/bin/sh');
    (event.event as { category: string[] }).category = ['file'];
    expect(rule.matches(event)).toBe(false);
  });
});
