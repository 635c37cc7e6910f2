import { spawnSync } from 'node:child_process';
import { closeSync, ftruncateSync, mkdirSync, openSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditEmond } from '../../src/audit/audit.js';
import { runCli } from '../helpers/cli.js';
import { sharedStringBomb } from '../plist/bombs.js';
import { fixtureTree } from './fixture-tree.js';

/**
 * Files planted to hang or exhaust `audit`. Each runs the CLI in a child with a timeout: on code
 * that hangs, the child is killed and the test fails (status null) instead of hanging the suite.
 */
const CHILD_TIMEOUT = 20_000;
const CONFIG = 'etc/emond.d/emond.plist';
const RULES = 'etc/emond.d/rules';

interface Report {
  config: { status: string; error?: string };
  ruleFiles: Array<{ path: string; status: string; error?: string; rules: unknown[] }>;
  findings: Array<{ kind: string; severity: string; path: string; message: string }>;
  summary: { commandActions: number; complete: boolean };
}

function audit(root: string, extra: string[] = []): { status: number | null; report: Report; stderr: string } {
  const result = runCli(['audit', '--json', '--root', root, ...extra], { timeout: CHILD_TIMEOUT });
  expect(result.status, `audit did not finish (killed after ${CHILD_TIMEOUT} ms?): ${result.stderr}`).not.toBeNull();
  return { status: result.status, report: JSON.parse(result.stdout) as Report, stderr: result.stderr };
}

function mkfifo(file: string): void {
  expect(spawnSync('mkfifo', [file]).status).toBe(0);
}

/** The malicious tree (2 command actions in rules/, 1 more in an additionalRulesPaths folder). */
function malicious(): string {
  return fixtureTree('malicious');
}

describe('audit on planted files', () => {
  const baseline = auditEmond({ root: malicious() }).summary;
  const defaultFolderCommands = (): number =>
    auditEmond({ root: malicious() }).findings.filter((f) => f.kind === 'command-action' && f.path.startsWith(`/${RULES}/`)).length;

  it('a FIFO at emond.plist is reported, not waited on, and the rules are still audited', () => {
    const root = malicious();
    rmSync(path.join(root, CONFIG));
    mkfifo(path.join(root, CONFIG));
    const { status, report } = audit(root);
    expect(status).toBe(0);
    expect(report.config).toMatchObject({ status: 'unreadable', error: expect.stringMatching(/not a regular file \(a FIFO\)/) });
    expect(report.findings).toContainEqual(expect.objectContaining({ kind: 'malformed-config', message: expect.stringMatching(/a FIFO/) }));
    // Without a readable configuration there is no additionalRulesPaths folder: the default folder's commands remain.
    expect(report.summary.commandActions).toBe(defaultFolderCommands());
  });

  it('emond.plist as a symlink to /dev/zero is reported, not read forever', () => {
    const root = malicious();
    rmSync(path.join(root, CONFIG));
    symlinkSync('/dev/zero', path.join(root, CONFIG));
    const { status, report } = audit(root);
    expect(status).toBe(0);
    expect(report.config.error).toMatch(/not a regular file \(a character device\)/);
  });

  it('a FIFO and a /dev/zero link among the rules each become a finding; the other rules are audited', () => {
    const root = malicious();
    mkfifo(path.join(root, RULES, 'pipe.plist'));
    symlinkSync('/dev/zero', path.join(root, RULES, 'zero.plist'));
    const { status, report } = audit(root);
    expect(status).toBe(0);
    const finding = (name: string) => report.findings.find((f) => f.path === `/${RULES}/${name}` && f.kind !== 'writable-rule-file');
    expect(finding('pipe.plist')).toMatchObject({ kind: 'unreadable-rule-file', message: expect.stringMatching(/not a regular file \(a FIFO\)/) });
    expect(finding('zero.plist')).toMatchObject({ kind: 'unreadable-rule-file', message: expect.stringMatching(/a character device/) });
    expect(report.summary.commandActions).toBe(baseline.commandActions);
  });

  it('a binary-plist bomb is a malformed file, and the audit goes on', () => {
    const root = malicious();
    // 4 MB of string, 200 × 200 uses: 160 GB once decoded on a reader without an expansion bound.
    writeFileSync(path.join(root, RULES, 'bomb.plist'), sharedStringBomb(4 * 1024 * 1024, 200, 200));
    const { status, report } = audit(root);
    expect(status).toBe(0);
    const bomb = report.ruleFiles.find((f) => f.path.endsWith('/bomb.plist'));
    expect(bomb).toMatchObject({ status: 'malformed', error: expect.stringMatching(/^malformed bplist at byte \d+: the plist expands to more than/) });
    expect(report.findings).toContainEqual(expect.objectContaining({ kind: 'malformed-rule-file', path: `/${RULES}/bomb.plist` }));
    expect(report.summary.commandActions).toBe(baseline.commandActions);
  });

  it('a rule file over the size cap is "too large", never read', () => {
    const root = malicious();
    const fd = openSync(path.join(root, RULES, 'huge.plist'), 'w');
    ftruncateSync(fd, 64 * 1024 * 1024); // sparse
    closeSync(fd);
    const { report } = audit(root);
    const huge = report.ruleFiles.find((f) => f.path.endsWith('/huge.plist'));
    expect(huge).toMatchObject({ status: 'unreadable', error: expect.stringMatching(/too large \(67108864 bytes; the limit is 16777216 bytes\)/) });
    expect(report.findings).toContainEqual(expect.objectContaining({ kind: 'unreadable-rule-file', path: `/${RULES}/huge.plist` }));
  });

  it('rejects a --timeout that is not a number of seconds', () => {
    const result = runCli(['audit', '--root', malicious(), '--timeout', 'soon']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/--timeout soon is not a number of seconds/);
  });
});

describe('auditEmond finishes in bounded time', () => {
  function manyRules(count: number): string {
    const root = fixtureTree('apple-sample');
    for (let i = 0; i < count; i++) writeFileSync(path.join(root, RULES, `r${String(i).padStart(3, '0')}.plist`), '<plist><array/></plist>');
    return root;
  }

  it('stops reading when the time is up, counts what it did not read and says so', () => {
    const root = manyRules(10);
    let now = 0;
    // Each look at the clock costs 1 s; the budget is 5 s.
    const report = auditEmond({ root, limits: { timeoutMs: 5_000 }, clock: () => (now += 1_000) - 1_000 });
    expect(report.incomplete).toEqual({ timeoutMs: 5_000, notAudited: expect.any(Number) });
    const read = report.ruleFiles.length;
    expect(read).toBeLessThan(11);
    expect(read + (report.incomplete?.notAudited ?? 0)).toBe(11);
    expect(report.summary.complete).toBe(false);
    expect(report.findings[0]).toMatchObject({ kind: 'audit-incomplete', severity: 'high', message: expect.stringMatching(/stopped after 5 s with \d+ files not read/) });
  });

  it('lists at most maxEntries of a folder and reports the rest', () => {
    const root = manyRules(30);
    const report = auditEmond({ root, limits: { maxEntries: 20 } });
    expect(report.ruleFiles).toHaveLength(20);
    expect(report.ruleDirectories[0]?.truncatedAt).toBe(20);
    expect(report.summary.complete).toBe(false);
    expect(report.findings).toContainEqual(expect.objectContaining({ kind: 'too-many-entries', severity: 'high', path: `/${RULES}` }));
  });

  it('a complete audit says it is complete', () => {
    expect(auditEmond({ root: manyRules(2) }).summary.complete).toBe(true);
  });

  it('the CLI reports an incomplete audit on stderr and exits 1', () => {
    const root = manyRules(1);
    mkdirSync(path.join(root, 'private/var/db/emondClients'), { recursive: true });
    // A budget too small for anything: the deadline has passed before the first file.
    const result = runCli(['audit', '--root', root, '--timeout', '0.000001'], { timeout: CHILD_TIMEOUT });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/the audit ran out of time after 0\.000001 s; \d+ file\(s\) were not read/);
    expect(result.stdout).toMatch(/INCOMPLETE: the audit ran out of time/);
    expect(result.stdout).toMatch(/HIGH\s+\S+: the audit stopped after/);
  });
});
