import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultDatabasePath } from '../../src/doctor/probes.js';
import { systemEnvironment } from '../../src/doctor/system-environment.js';

const scratch = mkdtempSync(path.join(tmpdir(), 'emondguard-sysenv-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('systemEnvironment', () => {
  const env = systemEnvironment();

  it('runs commands and reports exit codes and missing programs', async () => {
    expect(await env.run(process.execPath, ['-e', 'process.stdout.write("hi"); process.exit(3)'])).toMatchObject({ status: 3, stdout: 'hi' });
    expect(await env.run(process.execPath, ['-e', ''])).toMatchObject({ status: 0 });
    expect(await env.run('/no/such/program', [])).toMatchObject({ status: null, error: 'ENOENT' });
  });

  it('reads file facts', () => {
    const file = path.join(scratch, 'f');
    writeFileSync(file, 'x');
    chmodSync(file, 0o640);
    expect(env.fs.stat(file)).toMatchObject({ mode: 0o640, isFile: true, isDirectory: false, uid: process.getuid?.() });
    expect(env.fs.stat(path.join(scratch, 'missing'))).toBeUndefined();
    expect(env.fs.canWrite(file)).toBe(true);
    expect(env.fs.isExecutable(file)).toBe(false);
    expect(env.fs.isExecutable(process.execPath)).toBe(true);
    expect(env.fs.tryRead(file)).toBe('ok');
    expect(env.fs.tryRead(path.join(scratch, 'missing'))).toBe('ENOENT');
    expect(env.fs.freeBytes(scratch)).toBeGreaterThan(0);
  });

  it('uses the injected probes, and says honestly what this build lacks', () => {
    expect(env.probeEsClient()).toEqual({ unavailable: 'the Endpoint Security addon is not part of this build' });
    expect(env.checkConfiguration()).toMatchObject({ state: 'not-configured' });
    const injected = systemEnvironment({ probeEsClient: () => ({ result: 4 }) });
    expect(injected.probeEsClient()).toEqual({ result: 4 });
  });
});

describe('defaultDatabasePath', () => {
  it('EMONDGUARD_DB wins', () => {
    expect(defaultDatabasePath({ EMONDGUARD_DB: 'rel/a.db' }, 'darwin', '/Users/a', 0)).toEqual({ path: path.resolve('rel/a.db'), source: 'EMONDGUARD_DB' });
  });
  it('macOS root: /Library/Application Support; other users: their own Library', () => {
    expect(defaultDatabasePath({}, 'darwin', '/var/root', 0).path).toBe('/Library/Application Support/emondguard/alerts.db');
    expect(defaultDatabasePath({}, 'darwin', '/Users/a', 501).path).toBe('/Users/a/Library/Application Support/emondguard/alerts.db');
  });
  it('elsewhere: /var/lib as root, else the XDG data home (absolute only)', () => {
    expect(defaultDatabasePath({}, 'linux', '/root', 0).path).toBe('/var/lib/emondguard/alerts.db');
    expect(defaultDatabasePath({ XDG_DATA_HOME: '/x' }, 'linux', '/home/a', 1000).path).toBe('/x/emondguard/alerts.db');
    expect(defaultDatabasePath({ XDG_DATA_HOME: 'relative' }, 'linux', '/home/a', 1000).path).toBe('/home/a/.local/share/emondguard/alerts.db');
    expect(defaultDatabasePath({}, 'linux', '/home/a', 1000).path).toBe('/home/a/.local/share/emondguard/alerts.db');
  });
});
