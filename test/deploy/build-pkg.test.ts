import { chmodSync, cpSync, existsSync, lstatSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isPlistDict, parsePlist, type PlistDict } from '../../src/plist/index.js';
import { APP_REL, REPO, dryRun, run, scratchDir, sharedDryRun } from './staging.js';

const pkg = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string; devDependencies: Record<string, string> };
const modeOf = (file: string) => lstatSync(file).mode & 0o7777;
const plistAt = (file: string): PlistDict => {
  const { value } = parsePlist(new Uint8Array(readFileSync(file)), file);
  if (!isPlistDict(value)) throw new Error(`${file} is not a dict`);
  return value;
};

describe('scripts/build-pkg.sh --dry-run', () => {
  const stage = sharedDryRun();
  const root = path.join(stage.staging, 'root');
  const app = path.join(root, APP_REL);

  it('succeeds and prints the staging folder last', () => {
    expect(stage.status, stage.stderr).toBe(0);
    expect(stage.stdout.trim().split('\n').at(-1)).toBe(stage.staging);
    expect(stage.stderr).toContain('A real build on macOS would now run:');
    expect(stage.stderr).toMatch(/pkgbuild --root [^]* --identifier com\.emondguard\.agent --version \d+\.\d+\.\d+ --install-location \/ --ownership recommended/);
  });

  it('lays out the complete payload tree', () => {
    for (const file of [
      `${APP_REL}/Contents/Info.plist`,
      `${APP_REL}/Contents/MacOS/emondguard`,
      `${APP_REL}/Contents/embedded.provisionprofile`,
      `${APP_REL}/Contents/Resources/app/package.json`,
      `${APP_REL}/Contents/Resources/app/dist/cli/main.js`,
      `${APP_REL}/Contents/Resources/app/dist/plist/index.js`,
      `${APP_REL}/Contents/Resources/app/node_modules/commander/package.json`,
      `${APP_REL}/Contents/Resources/app/node_modules/better-sqlite3/build/Release/better_sqlite3.node`,
      'Library/EmondGuard/bin/emondguard',
      'Library/EmondGuard/uninstall.sh',
      'Library/LaunchDaemons/com.emondguard.agent.plist',
      'private/etc/newsyslog.d/com.emondguard.agent.conf',
    ]) {
      expect(existsSync(path.join(root, file)), file).toBe(true);
    }
    for (const file of ['scripts/preinstall', 'scripts/postinstall', 'component.plist', 'Distribution.xml', 'MANIFEST', 'NOTES']) {
      expect(existsSync(path.join(stage.staging, file)), file).toBe(true);
    }
  });

  it('ships production dependencies only: no dev or build-only packages, no sources or source maps', () => {
    const modules = readdirSync(path.join(app, 'Contents/Resources/app/node_modules'));
    expect(modules).toContain('winston');
    expect(modules).toContain('smol-toml');
    for (const excluded of [...Object.keys(pkg.devDependencies), 'cmake-js', 'node-addon-api', 'prebuild-install']) {
      expect(existsSync(path.join(app, 'Contents/Resources/app/node_modules', excluded)), excluded).toBe(false);
    }
    const sqlite = path.join(app, 'Contents/Resources/app/node_modules/better-sqlite3');
    expect(readdirSync(sqlite).sort()).not.toContain('deps');
    expect(readdirSync(path.join(sqlite, 'build/Release'))).toEqual(['better_sqlite3.node']);
    const maps = run('find', [path.join(app, 'Contents/Resources/app/dist'), '-name', '*.map']).stdout.trim();
    expect(maps).toBe('');
  });

  it('sets the modes the package carries (pkgbuild keeps them; owners become root)', () => {
    expect(modeOf(path.join(app, 'Contents/MacOS/emondguard'))).toBe(0o755);
    expect(modeOf(path.join(app, 'Contents/Info.plist'))).toBe(0o644);
    expect(modeOf(path.join(app, 'Contents/Resources/app/node_modules/better-sqlite3/build/Release/better_sqlite3.node'))).toBe(0o755);
    expect(modeOf(path.join(root, 'Library/LaunchDaemons/com.emondguard.agent.plist'))).toBe(0o644);
    expect(modeOf(path.join(root, 'private/etc/newsyslog.d/com.emondguard.agent.conf'))).toBe(0o644);
    expect(modeOf(path.join(root, 'Library/EmondGuard/bin/emondguard'))).toBe(0o755);
    expect(modeOf(path.join(stage.staging, 'scripts/postinstall'))).toBe(0o755);
    expect(modeOf(app)).toBe(0o755);
    const manifest = readFileSync(path.join(stage.staging, 'MANIFEST'), 'utf8');
    expect(manifest).toContain('0644 root:wheel /Library/LaunchDaemons/com.emondguard.agent.plist');
    expect(manifest).toContain(`0755 root:wheel /${APP_REL}/Contents/MacOS/emondguard`);
    expect(manifest).toContain('0700 root:wheel /Library/Application Support/emondguard');
    const writable = manifest.split('\n').filter((line) => /^0\d[2367]\d |^0\d\d[2367] /.test(line));
    expect(writable).toEqual([]);
  });

  it('writes an Info.plist that makes it an app bundle with the package version', () => {
    expect(plistAt(path.join(app, 'Contents/Info.plist'))).toMatchObject({
      CFBundleIdentifier: 'com.emondguard.agent',
      CFBundleExecutable: 'emondguard',
      CFBundlePackageType: 'APPL',
      CFBundleShortVersionString: pkg.version,
      CFBundleVersion: pkg.version,
      LSMinimumSystemVersion: '10.15',
      LSBackgroundOnly: true,
    });
  });

  it('pins the bundle in component.plist and writes a Distribution for this version', () => {
    const component = parsePlist(new Uint8Array(readFileSync(path.join(stage.staging, 'component.plist')))).value;
    expect(component).toEqual([
      { RootRelativeBundlePath: APP_REL, BundleIsRelocatable: false, BundleIsVersionChecked: false, BundleHasStrictIdentifier: true, BundleOverwriteAction: 'upgrade' },
    ]);
    const distribution = readFileSync(path.join(stage.staging, 'Distribution.xml'), 'utf8');
    expect(distribution).toContain(`<pkg-ref id="com.emondguard.agent" version="${pkg.version}" onConclusion="none">emondguard-component.pkg</pkg-ref>`);
    expect(distribution).toMatch(/hostArchitectures="(x86_64|arm64)"/);
    expect(distribution).toContain('<os-version min="10.15"/>');
  });

  it('says what a real build adds', () => {
    const notes = readFileSync(path.join(stage.staging, 'NOTES'), 'utf8');
    expect(notes).toContain('embedded.provisionprofile is a placeholder');
    const addonBuilt = existsSync(path.join(REPO, 'native/build/Release/emondguard_native.node'));
    if (addonBuilt) expect(notes).not.toContain('native/build/Release/*.node is not built');
    else expect(notes).toContain('native/build/Release/*.node is not built');
  });

  it('bundles the Endpoint Security addon where the loader looks for it, when it is built', () => {
    const built = existsSync(path.join(REPO, 'native/build/Release/emondguard_native.node'));
    const exe = path.join(app, 'Contents/MacOS/emondguard');
    const loader = path.join(app, 'Contents/Resources/app/dist/native/addon.js');
    const probe = run(exe, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(loader)}); console.log(JSON.stringify({ loaded: m.tryLoadNativeAddon() !== null, path: m.DEFAULT_ADDON_PATH }));`], { cwd: '/' });
    expect(probe.status, probe.stderr).toBe(0);
    const result = JSON.parse(probe.stdout) as { loaded: boolean; path: string };
    expect(result.path).toBe(path.join(app, 'Contents/Resources/app/native/build/Release/emondguard_native.node'));
    expect(result.loaded).toBe(built);
  });

  it('runs: the bundled executable starts the bundled CLI with only the bundled modules', () => {
    const exe = path.join(app, 'Contents/MacOS/emondguard');
    const main = path.join(app, 'Contents/Resources/app/dist/cli/main.js');
    const version = run(exe, [main, '--version'], { cwd: '/' });
    expect(version.status, version.stderr).toBe(0);
    expect(version.stdout.trim()).toBe(pkg.version);
    const audit = run(exe, [main, 'audit', '--json', '--root', path.join(REPO, 'test/fixtures/audit/malicious')], { cwd: '/' });
    expect(audit.status, audit.stderr).toBe(0);
    expect((JSON.parse(audit.stdout) as { summary: { commandActions: number } }).summary.commandActions).toBe(3);
  });

  it('runs: the bundled better-sqlite3 stores and lists alerts, and the built-in rules are bundled', () => {
    const exe = path.join(app, 'Contents/MacOS/emondguard');
    const main = path.join(app, 'Contents/Resources/app/dist/cli/main.js');
    const db = path.join(stage.staging, 'alerts.db');
    const fixture = path.join(REPO, 'test/fixtures/audit/malicious');
    const record = run(exe, [main, 'audit', '--root', fixture, '--record', '--db', db], { cwd: '/' });
    expect(record.status, record.stderr).toBe(0);
    const list = run(exe, [main, 'alerts', 'list', '--db', db, '--format', 'json'], { cwd: '/' });
    expect(list.status, list.stderr).toBe(0);
    expect(list.stdout).toContain('Emond Rule With Command Action');
    const rules = run(exe, [main, 'rules', 'list', '--format', 'json'], { cwd: '/' });
    expect(rules.status, rules.stderr).toBe(0);
    expect(rules.stdout).toContain('Suspicious Emond Child Process');
  });
});

describe('build-pkg.sh validation', () => {
  it('accepts a provisioning profile that grants the ES entitlement to this bundle', () => {
    const stage = dryRun(['--provisioning-profile', path.join(REPO, 'test/fixtures/deploy/valid.provisionprofile')]);
    expect(stage.status, stage.stderr).toBe(0);
    expect(stage.stderr).toContain('✓ the provisioning profile grants com.apple.developer.endpoint-security.client');
    expect(stage.stderr).toContain('✓ the provisioning profile is for com.emondguard.agent (ABCDE12345.com.emondguard.agent)');
    expect(readFileSync(path.join(stage.staging, 'NOTES'), 'utf8')).not.toContain('placeholder');
  });

  it.each([
    ['expired.provisionprofile', 'the provisioning profile has not expired'],
    ['not-entitled.provisionprofile', 'the provisioning profile grants com.apple.developer.endpoint-security.client'],
  ])('refuses %s', (fixture, failure) => {
    const stage = dryRun(['--provisioning-profile', path.join(REPO, 'test/fixtures/deploy', fixture)]);
    expect(stage.status).toBe(1);
    expect(stage.stderr).toContain(`✗ ${failure}`);
  });

  it('fails when a staged plist is broken or too open', () => {
    const staging = path.join(scratchDir('broken'), 'staging');
    cpSync(sharedDryRun().staging, staging, { recursive: true });
    const stage = { staging };
    const daemon = path.join(stage.staging, 'root/Library/LaunchDaemons/com.emondguard.agent.plist');
    chmodSync(daemon, 0o666);
    const open = run('node', [path.join(REPO, 'scripts/pkg/validate-payload.mjs'), stage.staging, pkg.version]);
    expect(open.status).toBe(1);
    expect(open.stderr).toContain('✗ LaunchDaemon plist has mode 0644');
    expect(open.stderr).toContain('is writable by group or others');
    chmodSync(daemon, 0o644);
    writeFileSync(daemon, readFileSync(daemon, 'utf8').replace('<string>run</string>', '<string>run</strin>'));
    const broken = run('node', [path.join(REPO, 'scripts/pkg/validate-payload.mjs'), stage.staging, pkg.version]);
    expect(broken.status).not.toBe(0);
    expect(broken.stderr).toMatch(/invalid XML plist at line \d+/);
  });

  it('validates an unsigned build, which carries no provisioning profile, with --no-profile', () => {
    const staging = path.join(scratchDir('unsigned'), 'staging');
    cpSync(sharedDryRun().staging, staging, { recursive: true });
    rmSync(path.join(staging, 'root', APP_REL, 'Contents/embedded.provisionprofile'));
    const validate = (extra: string[]) => run('node', [path.join(REPO, 'scripts/pkg/validate-payload.mjs'), staging, pkg.version, ...extra]);
    const unsigned = validate(['--no-profile']);
    expect(unsigned.status, unsigned.stderr).toBe(0);
    expect(unsigned.stdout).toContain('✓ unsigned build: no provisioning profile in the bundle');
    const signed = validate([]);
    expect(signed.status).toBe(1);
    expect(signed.stderr).toContain('✗ Contents/embedded.provisionprofile exists');
  });

  it('refuses a non-empty staging folder and unknown arguments', () => {
    const stage = sharedDryRun();
    const again = run(path.join(REPO, 'scripts/build-pkg.sh'), ['--dry-run', '--skip-build', '--staging', stage.staging]);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain('is not empty');
    expect(run(path.join(REPO, 'scripts/build-pkg.sh'), ['--bogus']).stderr).toContain('unknown argument --bogus');
  });

  it('refuses a real build off macOS, pointing at --dry-run', () => {
    const result = run(path.join(REPO, 'scripts/build-pkg.sh'), ['--skip-build']);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('needs macOS');
    expect(result.stderr).toContain('--dry-run');
  });
});

describe('build-pkg.sh --eslogger-only', () => {
  it('builds a bundle without the ES entitlement or a provisioning profile', () => {
    const stage = dryRun(['--eslogger-only']);
    expect(stage.status, stage.stderr).toBe(0);
    expect(existsSync(path.join(stage.staging, 'root', APP_REL, 'Contents/embedded.provisionprofile'))).toBe(false);
    expect(stage.stderr).toContain('✓ eslogger-only: no provisioning profile in the bundle');
    expect(stage.stderr).toContain('✓ scripts/pkg/entitlements-eslogger.plist does not ask for com.apple.developer.endpoint-security.client');
    expect(readFileSync(path.join(stage.staging, 'NOTES'), 'utf8')).not.toContain('placeholder');
  });

  it('refuses a provisioning profile, which would be pointless', () => {
    const stage = dryRun(['--eslogger-only', '--provisioning-profile', path.join(REPO, 'test/fixtures/deploy/valid.provisionprofile')]);
    expect(stage.status).toBe(1);
    expect(stage.stderr).toContain('--eslogger-only builds carry no provisioning profile');
  });
});
