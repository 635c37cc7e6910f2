import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultPaths } from '../../src/config/default-paths.js';
import { ConfigError } from '../../src/config/errors.js';
import { loadConfig, readJsonLayer } from '../../src/config/load.js';
import { changedKeys, resolveConfig } from '../../src/config/resolve.js';
import { toXmlPlist } from '../../src/plist/index.js';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(path.join(tmpdir(), 'emondguard-config-'));
const paths = defaultPaths({ platform: 'darwin', uid: 0, home: '/var/root', env: {} });

function writeJson(name: string, value: unknown): string {
  const file = path.join(dir, name);
  writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
  return file;
}

function problemsOf(work: () => unknown): string[] {
  try {
    work();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems.map((p) => `${p.key}: ${p.problem}`);
  }
  throw new Error('expected a ConfigError');
}

describe('default paths', () => {
  it('uses the system locations for the root daemon on macOS', () => {
    expect(paths.database).toBe('/Library/Application Support/emondguard/alerts.db');
    expect(paths.agentLog).toBe('/Library/Logs/emondguard/agent.log');
    expect(paths.alertsNdjson).toBe('/Library/Logs/emondguard/alerts.ndjson');
    expect(paths.configFile).toBe('/Library/Application Support/emondguard/config.json');
    expect(paths.managedPreferences).toBe('/Library/Managed Preferences/com.emondguard.agent.plist');
  });

  it('uses per-user folders when not root, and honours EMONDGUARD_DB', () => {
    const user = defaultPaths({ platform: 'darwin', uid: 501, home: '/Users/ada', env: {} });
    expect(user.database).toBe('/Users/ada/Library/Application Support/emondguard/alerts.db');
    const linux = defaultPaths({ platform: 'linux', uid: 1000, home: '/home/ada', env: { XDG_DATA_HOME: '/x/data', XDG_CONFIG_HOME: '/x/config' } });
    expect(linux.database).toBe('/x/data/emondguard/alerts.db');
    expect(linux.configFile).toBe('/x/config/emondguard/config.json');
    const overridden = defaultPaths({ platform: 'darwin', uid: 0, home: '/var/root', env: { EMONDGUARD_DB: '/tmp/a.db' } });
    expect(overridden.database).toBe('/tmp/a.db');
  });
});

describe('precedence', () => {
  it('takes MDM over the file over defaults, key by key, and says where each value came from', () => {
    const file = { origin: 'file /etc/c.json', values: { retentionDays: 30, logLevel: 'debug' } };
    const mdm = { origin: 'MDM /m.plist', values: { retentionDays: 7, PayloadUUID: 'x' }, ignoreKey: (k: string) => k.startsWith('Payload') };
    const { config, origins } = resolveConfig({ file, mdm }, paths);
    expect(config.retentionDays).toBe(7);
    expect(origins.retentionDays).toBe('MDM /m.plist');
    expect(config.logLevel).toBe('debug');
    expect(origins.logLevel).toBe('file /etc/c.json');
    expect(config.maxDatabaseMB).toBe(1024);
    expect(origins.maxDatabaseMB).toBe('default');
    expect(config.databasePath).toBe(paths.database);
  });

  it('reads the default file only when present, and requires an explicit --config file', () => {
    const absent = defaultPaths({ platform: 'darwin', uid: 501, home: dir, env: {} });
    expect(loadConfig({ paths: absent }).origins.source).toBe('default');
    expect(() => loadConfig({ paths: absent, configPath: path.join(dir, 'missing.json') })).toThrow(/does not exist/);
  });

  it('reads the MDM managed preferences plist (XML or binary) over the JSON file', () => {
    const file = writeJson('mdm-file.json', { retentionDays: 30, logLevel: 'debug' });
    const plist = path.join(dir, 'com.emondguard.agent.plist');
    writeFileSync(plist, toXmlPlist({ retentionDays: 7, PayloadUUID: 'C0FFEE00-0000-4000-8000-000000000000', rulePaths: ['/Library/emondguard/rules'] }));
    const { config, origins } = loadConfig({ paths, configPath: file, managedPreferencesPath: plist });
    expect(config.retentionDays).toBe(7);
    expect(origins.retentionDays).toBe(`MDM ${plist}`);
    expect(config.rulePaths).toEqual(['/Library/emondguard/rules']);
    expect(config.logLevel).toBe('debug');
    writeFileSync(plist, toXmlPlist({ retentionDays: 'a week' }));
    expect(problemsOf(() => loadConfig({ paths, configPath: file, managedPreferencesPath: plist }))).toEqual([
      'retentionDays: expected a whole number from 1 to 3650 (days), got "a week"',
    ]);
  });

  it('reads the MDM layer through the plist reader and ignores a missing plist', () => {
    const file = writeJson('prec.json', { source: 'eslogger' });
    const withMdm = loadConfig({ paths, configPath: file, readPlist: () => ({ source: 'simulator' }) });
    expect(withMdm.config.source).toBe('simulator');
    const withoutMdm = loadConfig({ paths, configPath: file, readPlist: () => undefined });
    expect(withoutMdm.config.source).toBe('eslogger');
  });
});

describe('validation', () => {
  it('names the key and the expected form for each bad value, all at once', () => {
    const problems = problemsOf(() =>
      resolveConfig({
        file: {
          origin: 'file c.json',
          values: { retentionDays: 0, source: 'file:relative', esEvents: ['fork'], rulePaths: ['rules'], logLevel: 'loud', throttle: 'yes' },
        },
      }, paths),
    );
    expect(problems).toEqual([
      'retentionDays: expected a whole number from 1 to 3650 (days), got 0',
      'source: expected one of "auto", "endpoint-security", "eslogger", "simulator" or "file:/absolute/path.ndjson", got "file:relative"',
      'esEvents: expected the list to include "exec" (the rule needs exec events)',
      'rulePaths: expected a list of absolute paths; item 1: expected an absolute path, got "rules"',
      'logLevel: expected one of "error", "warn", "info", "debug", got "loud"',
      'throttle: expected true or false, got "yes"',
    ]);
  });

  it('rejects unknown keys and suggests the nearest one', () => {
    expect(problemsOf(() => resolveConfig({ file: { origin: 'f', values: { retentonDays: 3, zzz: 1 } } }, paths))).toEqual([
      'retentonDays: unknown key (did you mean "retentionDays"?); `emondguard config show` lists the keys',
      'zzz: unknown key; `emondguard config show` lists the keys',
    ]);
  });

  it('reports bad values from both layers together', () => {
    const problems = problemsOf(() =>
      resolveConfig({ file: { origin: 'file f', values: { batchSize: 0 } }, mdm: { origin: 'MDM m', values: { queueCapacity: 'big' } } }, paths),
    );
    expect(problems).toHaveLength(2);
  });

  it('accepts null to switch a file sink off', () => {
    const { config } = resolveConfig({ file: { origin: 'f', values: { alertsNdjsonPath: null, agentLogPath: '' } } }, paths);
    expect(config.alertsNdjsonPath).toBeNull();
    expect(config.agentLogPath).toBeNull();
  });

  it('reports JSON syntax errors with a line and column', () => {
    const file = writeJson('broken.json', '{\n  "retentionDays": 3,\n  oops\n}');
    expect(() => readJsonLayer(file, { required: true })).toThrow(/line 3, column 3/);
    const notObject = writeJson('array.json', '[1]');
    expect(() => readJsonLayer(notObject, { required: true })).toThrow(/one JSON object/);
  });

  it('lists the keys that changed between two configurations', () => {
    const a = resolveConfig({}, paths).config;
    const b = resolveConfig({ file: { origin: 'f', values: { retentionDays: 5, rulePaths: ['/r'] } } }, paths).config;
    expect(changedKeys(a, b)).toEqual(['rulePaths', 'retentionDays']);
  });
});

describe('emondguard config', () => {
  it('check: exit 0 on a valid file', () => {
    const file = writeJson('ok.json', { retentionDays: 30 });
    const result = runCli(['config', 'check', file]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('1 setting(s), all valid');
  });

  it('check: exit 0 with a warning naming an emondPaths entry that does not exist (emond-only mode)', () => {
    const missing = path.join(dir, 'no-such-emond');
    const file = writeJson('emond-only.json', { esMode: 'emond-only', emondPaths: [missing] });
    const result = runCli(['config', 'check', file]);
    expect(result.status).toBe(0);
    expect(result.stderr).toContain(`warning: emondPaths: ${missing} does not exist`);
    expect(result.stdout).toContain('all valid');
  });

  it('check: exit 2 listing every problem', () => {
    const file = writeJson('bad.json', { retentionDays: -1, nope: true });
    const result = runCli(['config', 'check', file]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('"retentionDays": expected a whole number');
    expect(result.stderr).toContain('"nope": unknown key');
  });

  it('check: exit 2 when the rules it names would not run as configured', () => {
    const brokenRule = writeJson('broken.toml', "[rule]\nrule_id = \"x\"\nname = \"broken\"\ndescription = \"d\"\nseverity = \"low\"\nrisk_score = 21\ntype = \"eql\"\nlanguage = \"eql\"\nquery = '''process where process.name = '''\n");
    const missing = path.join(path.dirname(brokenRule), 'nowhere.toml');
    const file = writeJson('rules.json', { rulePaths: [brokenRule, missing], enabledRules: ['nope-rule'] });
    const result = runCli(['config', 'check', file]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('its rules would not run as configured');
    expect(result.stderr).toContain('broken.toml');
    expect(result.stderr).toContain('nowhere.toml');
    expect(result.stderr).toContain('enabledRules names nope-rule, which no loaded rule has');
    expect(result.stderr).toContain('no detection rules to run');
    // And the agent refuses the same file as a configuration error: exit 2.
    const runConfig = writeJson('run-rules.json', {
      rulePaths: [missing],
      databasePath: path.join(dir, 'run-rules.db'),
      statusPath: path.join(dir, 'run-rules.status.json'),
      agentLogPath: path.join(dir, 'run-rules.log'),
      alertsNdjsonPath: path.join(dir, 'run-rules.ndjson'),
      builtinRules: false,
    });
    const run = runCli(['run', '--config', runConfig, '--source', 'file:/dev/null']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('no detection rules to run');
  });

  it('show --json: values with their origin', () => {
    const file = writeJson('show.json', { logLevel: 'warn' });
    const result = runCli(['config', 'show', '--json', '--config', file]);
    expect(result.status).toBe(0);
    const shown = JSON.parse(result.stdout) as Record<string, { value: unknown; origin: string }>;
    expect(shown.logLevel).toMatchObject({ value: 'warn', origin: `file ${file}` });
    expect(shown.retentionDays).toMatchObject({ value: 90, origin: 'default' });
  });
});

describe('rule selection', () => {
  it('takes null or a list of rule ids, and says so', () => {
    expect(resolveConfig({ file: { origin: 'f', values: { enabledRules: ['3e3d15c6-1509-479a-b125-21718372157e'] } } }, paths).config.enabledRules).toHaveLength(1);
    expect(problemsOf(() => resolveConfig({ file: { origin: 'f', values: { enabledRules: 3 } } }, paths))).toEqual([
      'enabledRules: expected null (every loaded rule) or a list of rule ids, got 3',
    ]);
    expect(problemsOf(() => resolveConfig({ file: { origin: 'f', values: { enabledRules: [''] } } }, paths))).toEqual([
      'enabledRules: expected a list of non-empty strings; item 1: expected a non-empty string, got ""',
    ]);
  });
});

describe('EMONDGUARD_CONFIG', () => {
  it('names the configuration file, like EMONDGUARD_DB names the database', () => {
    const file = writeJson('from-env.json', { retentionDays: 12 });
    const fromEnv = defaultPaths({ platform: 'darwin', uid: 0, home: '/var/root', env: { EMONDGUARD_CONFIG: file } });
    expect(fromEnv.configFile).toBe(file);
    expect(loadConfig({ paths: fromEnv }).config.retentionDays).toBe(12);
  });
});
