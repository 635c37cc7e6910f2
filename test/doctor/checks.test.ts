import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../../src/doctor/check.js';
import { runDoctor } from '../../src/doctor/run-doctor.js';
import { ENTITLEMENTS_XML, EXE, environmentOf, healthyMac, type FakeMachine } from './fake-environment.js';

async function check(id: string, change: (machine: FakeMachine) => void = () => {}): Promise<CheckResult> {
  const machine = healthyMac();
  change(machine);
  const report = await runDoctor(environmentOf(machine));
  const result = report.checks.find((c) => c.id === id);
  if (!result) throw new Error(`no check ${id}`);
  return result;
}

const GIB = 1024 ** 3;

describe('a healthy Mac', () => {
  it('passes every check, in the documented order', async () => {
    const report = await runDoctor(environmentOf(healthyMac()));
    expect(report.checks.map((c) => [c.id, c.status])).toEqual([
      ['root', 'pass'],
      ['macos-version', 'pass'],
      ['es-entitlement', 'pass'],
      ['full-disk-access', 'pass'],
      ['eslogger', 'pass'],
      ['daemon', 'pass'],
      ['database', 'pass'],
      ['configuration', 'pass'],
      ['disk-space', 'pass'],
      ['emond', 'pass'],
    ]);
    expect(report).toMatchObject({ product: 'emondguard', ok: true, summary: 'ok' });
    expect(report.checks.every((c) => c.fix === undefined)).toBe(true);
  });
});

describe('root', () => {
  it('fails for another user, with sudo as the fix', async () => {
    expect(await check('root', (m) => (m.uid = 501))).toMatchObject({ status: 'fail', fix: 'run it with sudo: sudo emondguard doctor', details: { uid: 501 } });
  });
  it('is skipped where there are no uids', async () => {
    expect((await check('root', (m) => (m.uid = undefined))).status).toBe('skip');
  });
});

describe('macOS version', () => {
  it('fails off macOS and points at scan', async () => {
    const result = await check('macos-version', (m) => (m.platform = 'linux'));
    expect(result).toMatchObject({ status: 'fail', summary: 'this is linux, not macOS' });
    expect(result.fix).toMatch(/emondguard scan/);
  });
  it('fails before 10.15', async () => {
    const result = await check('macos-version', (m) => (m.commands['/usr/bin/sw_vers -productVersion'] = { stdout: '10.14.6' }));
    expect(result).toMatchObject({ status: 'fail', summary: 'macOS 10.14.6 predates Endpoint Security (10.15)' });
  });
  it('passes on 10.15–12 without eslogger, and on 13+ with it', async () => {
    const old = await check('macos-version', (m) => (m.commands['/usr/bin/sw_vers -productVersion'] = { stdout: '12.7.1' }));
    expect(old).toMatchObject({ status: 'pass', details: { version: '12.7.1', endpointSecurity: true, eslogger: false, emondShipped: true } });
    const ventura = await check('macos-version', (m) => (m.commands['/usr/bin/sw_vers -productVersion'] = { stdout: '13.0' }));
    expect(ventura).toMatchObject({ status: 'pass', details: { eslogger: true, emondShipped: false } });
  });
  it('warns when sw_vers fails', async () => {
    expect((await check('macos-version', (m) => (m.commands['/usr/bin/sw_vers -productVersion'] = { status: 1 }))).status).toBe('warn');
  });
});

describe('every macOS-only check is skipped off macOS', () => {
  it.each(['es-entitlement', 'full-disk-access', 'eslogger', 'daemon', 'emond'])('%s', async (id) => {
    expect(await check(id, (m) => (m.platform = 'linux'))).toMatchObject({ status: 'skip', summary: 'macOS only' });
  });
});

describe('ES entitlement', () => {
  const codesign = `/usr/bin/codesign -d --entitlements - --xml ${EXE}`;
  it('passes with the entitlement, also after the legacy blob header', async () => {
    const result = await check('es-entitlement', (m) => (m.commands[codesign] = { stdout: `\u00fa\u00de q\u0000\u0000\u0001${ENTITLEMENTS_XML}` }));
    expect(result.status).toBe('pass');
  });
  it('fails without it, naming the bundle executable in the fix', async () => {
    const result = await check('es-entitlement', (m) => (m.commands[codesign] = { stdout: ENTITLEMENTS_XML.replace('endpoint-security.client', 'other') }));
    expect(result).toMatchObject({ status: 'fail', summary: `${EXE} lacks com.apple.developer.endpoint-security.client` });
    expect(result.fix).toMatch(/EmondGuard\.app\/Contents\/MacOS\/emondguard/);
    expect(result.fix).toMatch(/eslogger mode/);
  });
  it('fails for an unsigned executable and one without entitlements', async () => {
    expect(await check('es-entitlement', (m) => (m.commands[codesign] = { status: 1, stderr: `${EXE}: code object is not signed at all\n` }))).toMatchObject({
      status: 'fail',
      summary: `${EXE} is not signed`,
    });
    expect(await check('es-entitlement', (m) => (m.commands[codesign] = { stdout: '' }))).toMatchObject({ status: 'fail', summary: `${EXE} has no entitlements` });
  });
  it('warns when the output is not a plist it can read', async () => {
    expect((await check('es-entitlement', (m) => (m.commands[codesign] = { stdout: '<plist><dict><key>x</key>' }))).status).toBe('warn');
  });
});

describe('Full Disk Access', () => {
  it.each([
    [4, 'fail', /not permitted — no Full Disk Access/],
    [5, 'fail', /not privileged/],
    [6, 'warn', /too many clients/],
    [2, 'fail', /result 2 \(E_ES_INTERNAL\)/],
    [1, 'fail', /result 1 \(E_ES_INVALID_ARGUMENT\)/],
    [9, 'fail', /result 9 \(E_ES_UNKNOWN\)/],
  ])('es_new_client result %i → %s', async (result, status, summary) => {
    const check_ = await check('full-disk-access', (m) => (m.esProbe = { result }));
    expect(check_.status).toBe(status);
    expect(check_.summary).toMatch(summary);
  });
  it('names the System Settings path and the PPPC payload in the fix', async () => {
    const result = await check('full-disk-access', (m) => (m.esProbe = { result: 4 }));
    expect(result.fix).toMatch(/Privacy & Security › Full Disk Access/);
    expect(result.fix).toMatch(/SystemPolicyAllFiles/);
  });
  it.each([
    ['ok', 'pass'],
    ['EPERM', 'fail'],
    ['EACCES', 'skip'],
    ['ENOENT', 'warn'],
  ])('without the entitlement it reads TCC.db: %s → %s', async (read, status) => {
    const result = await check('full-disk-access', (m) => {
      m.esProbe = { result: 3 };
      m.files['/Library/Application Support/com.apple.TCC/TCC.db'] = { isFile: true, read };
    });
    expect(result).toMatchObject({ status, details: { method: 'read TCC.db', outcome: read } });
  });
  it('falls back to TCC.db when the addon is missing', async () => {
    const result = await check('full-disk-access', (m) => (m.esProbe = { unavailable: 'no addon' }));
    expect(result).toMatchObject({ status: 'pass', details: { method: 'read TCC.db', probeUnavailable: 'no addon' } });
  });
});

describe('eslogger', () => {
  it('warns when missing on macOS 12, explaining it needs 13', async () => {
    const result = await check('eslogger', (m) => {
      delete m.files['/usr/bin/eslogger'];
      m.commands['/usr/bin/sw_vers -productVersion'] = { stdout: '12.6' };
    });
    expect(result).toMatchObject({ status: 'warn', summary: 'no eslogger: it ships with macOS 13, this is 12.6' });
  });
  it('warns when missing on 13+', async () => {
    expect((await check('eslogger', (m) => delete m.files['/usr/bin/eslogger'])).summary).toMatch(/missing or not executable/);
  });
});

describe('daemon', () => {
  const print = '/bin/launchctl print system/com.emondguard.agent';
  it('passes when running, with the pid', async () => {
    expect(await check('daemon')).toMatchObject({ status: 'pass', summary: 'com.emondguard.agent is running (pid 4242)', details: { state: 'running', pid: 4242 } });
  });
  it('fails when not loaded, with the bootstrap command', async () => {
    const result = await check('daemon', (m) => (m.commands[print] = { status: 113, stderr: 'Could not find service "com.emondguard.agent" in domain for system' }));
    expect(result).toMatchObject({ status: 'fail', summary: 'com.emondguard.agent is not loaded' });
    expect(result.fix).toBe('sudo launchctl bootstrap system /Library/LaunchDaemons/com.emondguard.agent.plist (the .pkg\'s postinstall does this)');
  });
  it('fails when loaded but not running, with the last exit code', async () => {
    const stdout = 'system/com.emondguard.agent = {\n\tstate = not running\n\tlast exit code = 78: EX_CONFIG\n}';
    const result = await check('daemon', (m) => (m.commands[print] = { stdout }));
    expect(result).toMatchObject({ status: 'fail', summary: 'com.emondguard.agent is loaded but not running (last exit code 78: EX_CONFIG)' });
    expect(result.fix).toMatch(/kickstart -k system\/com\.emondguard\.agent/);
  });
  it('warns when launchctl cannot run', async () => {
    expect((await check('daemon', (m) => delete m.commands[print])).status).toBe('warn');
  });
});

describe('database', () => {
  const dir = '/Library/Application Support/emondguard';
  const db = `${dir}/alerts.db`;
  it('passes with a 0700 root folder and a 0600 root file', async () => {
    expect((await check('database')).summary).toBe(`${db} (default): 0600, in a 0700 folder`);
  });
  it('passes before the file exists', async () => {
    expect((await check('database', (m) => delete m.files[db])).summary).toMatch(/not created yet; its 0700 folder is ready/);
  });
  it('warns when the folder does not exist yet', async () => {
    const result = await check('database', (m) => {
      delete m.files[dir];
      delete m.files[db];
    });
    expect(result).toMatchObject({ status: 'warn' });
    expect(result.fix).toMatch(/mkdir -m 700/);
  });
  it('fails on open modes, wrong owners and read-only paths, with chown/chmod fixes', async () => {
    const result = await check('database', (m) => {
      m.files[dir] = { isDirectory: true, uid: 501, mode: 0o755, writable: false };
      m.files[db] = { isFile: true, uid: 0, mode: 0o644, writable: true };
    });
    expect(result.status).toBe('fail');
    expect(result.summary).toContain(`${dir} belongs to uid 501, not 0`);
    expect(result.summary).toContain(`${dir} has mode 0755; group and others must have no access (0700)`);
    expect(result.summary).toContain(`${dir} is not writable`);
    expect(result.summary).toContain(`${db} has mode 0644`);
    expect(result.fix).toBe(`sudo chown root:wheel "${dir}" && sudo chmod 700 "${dir}"; sudo chown root:wheel "${db}" && sudo chmod 600 "${db}"`);
  });
  it('expects the running user as owner when not root (per-user database)', async () => {
    const result = await check('database', (m) => {
      m.uid = 501;
      m.files[dir] = { isDirectory: true, uid: 501, mode: 0o700, writable: true };
      m.files[db] = { isFile: true, uid: 501, mode: 0o600, writable: true };
    });
    expect(result.status).toBe('pass');
  });
  it('fails when the folder is a file', async () => {
    expect((await check('database', (m) => (m.files[dir] = { isFile: true }))).summary).toBe(`${dir} is not a folder`);
  });
});

describe('configuration', () => {
  it('reports "not configured yet" honestly as skipped', async () => {
    const result = await check('configuration', (m) => (m.configuration = { state: 'not-configured', detail: 'not configured yet' }));
    expect(result).toMatchObject({ status: 'skip', summary: 'not configured yet' });
  });
  it('warns, naming the path, when emond-only mode lists an emond that does not exist', async () => {
    const result = await check('configuration', (m) => (m.configuration = { state: 'valid', source: '/etc/x.json', warnings: ['emondPaths: /tmp/emond does not exist'] }));
    expect(result).toMatchObject({ status: 'warn', summary: 'configuration from /etc/x.json is valid, but emondPaths: /tmp/emond does not exist' });
    expect(result.fix).toMatch(/emondPaths/);
  });
  it('fails with the loader’s errors', async () => {
    const result = await check('configuration', (m) => (m.configuration = { state: 'invalid', source: '/etc/x.json', errors: ['retentionDays: must be a positive integer'] }));
    expect(result).toMatchObject({ status: 'fail', summary: 'configuration from /etc/x.json is invalid: retentionDays: must be a positive integer' });
  });
});

describe('disk space', () => {
  it.each([
    [50 * 1024 * 1024, 'fail'],
    [0.5 * GIB, 'warn'],
    [2 * GIB, 'pass'],
  ])('%i bytes free → %s', async (free, status) => {
    expect((await check('disk-space', (m) => (m.freeBytes = free))).status).toBe(status);
  });
  it('measures the nearest existing folder', async () => {
    const result = await check('disk-space', (m) => {
      m.database = { path: '/Volumes/Data/deep/alerts.db', source: 'EMONDGUARD_DB' };
      m.files['/Volumes'] = { isDirectory: true };
    });
    expect(result.details).toMatchObject({ path: '/Volumes' });
  });
});

describe('emond', () => {
  const version = (v: string) => (m: FakeMachine) => (m.commands['/usr/bin/sw_vers -productVersion'] = { stdout: v });
  it('13+ without emond: any emond is a masquerade', async () => {
    expect((await check('emond')).summary).toMatch(/removed in macOS 13: any process named emond here is a masquerade/);
  });
  it('13+ with /sbin/emond: warns', async () => {
    const result = await check('emond', (m) => (m.files['/sbin/emond'] = { isFile: true }));
    expect(result).toMatchObject({ status: 'warn' });
    expect(result.fix).toMatch(/codesign -dv \/sbin\/emond/);
  });
  it('12 with emond: persistence possible, points at audit', async () => {
    const result = await check('emond', (m) => {
      version('12.6')(m);
      m.files['/sbin/emond'] = { isFile: true };
    });
    expect(result).toMatchObject({ status: 'pass' });
    expect(result.summary).toMatch(/emondguard audit/);
  });
  it('12 without emond: warns', async () => {
    expect((await check('emond', version('11.7'))).status).toBe('warn');
  });
  it('unknown version: reports presence only', async () => {
    expect((await check('emond', (m) => (m.commands['/usr/bin/sw_vers -productVersion'] = { status: 1 }))).status).toBe('warn');
  });
});

describe('runDoctor', () => {
  it('turns a check that throws into a failed check and carries on', async () => {
    const report = await runDoctor(environmentOf(healthyMac()), [
      { id: 'boom', title: 'Boom', run: () => Promise.reject(new Error('kaput')) },
      { id: 'fine', title: 'Fine', run: async () => ({ status: 'pass', summary: 'ok' }) },
    ]);
    expect(report.checks).toEqual([
      expect.objectContaining({ id: 'boom', status: 'fail', summary: 'the check itself failed: kaput' }),
      expect.objectContaining({ id: 'fine', status: 'pass' }),
    ]);
    expect(report).toMatchObject({ ok: false, summary: 'failing: boom' });
  });
  it('asks sw_vers once however many checks need the version', async () => {
    const env = environmentOf(healthyMac());
    await runDoctor(env);
    expect(env.commandsRun.filter((c) => c.startsWith('/usr/bin/sw_vers'))).toHaveLength(1);
  });
});
