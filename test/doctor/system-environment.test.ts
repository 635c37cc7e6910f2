import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { agentDatabasePath, probeEsClientWithAddon } from '../../src/doctor/probes.js';
import { EsNewClientResult, loadNativeAddon } from '../../src/native/addon.js';
import { configurationStatus, systemEnvironment } from '../../src/doctor/system-environment.js';

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

  it('uses the injected probes', () => {
    const injected = systemEnvironment({ probeEsClient: () => ({ result: 4 }) });
    expect(injected.probeEsClient()).toEqual({ result: 4 });
  });
});

describe('probeEsClientWithAddon', () => {
  // The simulator build of the addon (Linux) plays es_new_client: the probe returns its raw result.
  it('returns the raw es_new_client result through the addon', () => {
    const addon = loadNativeAddon();
    expect(probeEsClientWithAddon()).toEqual({ result: 0 });
    addon.sim!.setNewClientResult(EsNewClientResult.ERR_NOT_PERMITTED);
    try {
      expect(probeEsClientWithAddon()).toEqual({ result: 4 });
      expect(systemEnvironment().probeEsClient()).toEqual({ result: 4 });
    } finally {
      addon.sim!.setNewClientResult(0);
    }
  });

  it('says why when the addon is missing or broken', () => {
    expect(probeEsClientWithAddon(() => null)).toEqual({ unavailable: 'the Endpoint Security addon is not built (npm run build:native)' });
    expect(probeEsClientWithAddon(() => {
      throw new Error('wrong architecture');
    })).toEqual({ unavailable: 'the Endpoint Security addon could not be loaded: wrong architecture' });
  });
});

describe('agentDatabasePath', () => {
  const context = (env: NodeJS.ProcessEnv, platform: NodeJS.Platform, uid: number, home: string) => ({ env, platform, uid, home });
  it('EMONDGUARD_DB wins, and says so', () => {
    expect(agentDatabasePath(context({ EMONDGUARD_DB: 'rel/a.db' }, 'darwin', 0, '/var/root'))).toEqual({ path: path.resolve('rel/a.db'), source: 'EMONDGUARD_DB' });
  });
  it('otherwise the default of the store for this user', () => {
    expect(agentDatabasePath(context({}, 'darwin', 0, '/var/root'))).toEqual({ path: '/Library/Application Support/emondguard/alerts.db', source: 'default' });
    expect(agentDatabasePath(context({}, 'darwin', 501, '/Users/a')).path).toBe('/Users/a/Library/Application Support/emondguard/alerts.db');
  });
});

describe('configurationStatus', () => {
  it('validates the configuration the agent would start with', () => {
    const good = path.join(scratch, 'good.json');
    writeFileSync(good, '{"retentionDays": 30}');
    expect(configurationStatus(good)).toEqual({ state: 'valid', source: `file ${good}` });
    const bad = path.join(scratch, 'bad.json');
    writeFileSync(bad, '{"retentionDays": "a month", "colour": 1}');
    expect(configurationStatus(bad)).toEqual({
      state: 'invalid',
      source: `file ${bad}`,
      errors: ['"retentionDays": expected a whole number from 1 to 3650 (days), got "a month"', '"colour": unknown key; `emondguard config show` lists the keys'],
    });
  });

  it('warns about an emondPaths entry that does not exist, in emond-only mode only', () => {
    const missing = path.join(scratch, 'no-such-emond');
    const emondOnly = path.join(scratch, 'emond-only.json');
    writeFileSync(emondOnly, JSON.stringify({ esMode: 'emond-only', emondPaths: [missing] }));
    expect(configurationStatus(emondOnly)).toEqual({ state: 'valid', source: `file ${emondOnly}`, warnings: [expect.stringContaining(`${missing} does not exist`)] });
    const full = path.join(scratch, 'full.json');
    writeFileSync(full, JSON.stringify({ esMode: 'full', emondPaths: [missing] }));
    expect(configurationStatus(full)).toEqual({ state: 'valid', source: `file ${full}` });
  });

  it('fails a configuration whose rules would not run, as the agent would load them', () => {
    const file = path.join(scratch, 'rules.json');
    writeFileSync(file, JSON.stringify({ enabledRules: ['no-such-rule'] }));
    const status = configurationStatus(file);
    expect(status).toMatchObject({ state: 'invalid', source: `file ${file}` });
    expect(status.state === 'invalid' && status.errors).toEqual([
      'enabledRules names no-such-rule, which no loaded rule has (`emondguard rules list` shows the ids)',
      expect.stringContaining('no detection rules to run'),
    ]);
  });
});
