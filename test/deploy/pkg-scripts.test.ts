import { chmodSync, cpSync, existsSync, lstatSync, mkdirSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { APP_REL, REPO, run, scratchDir, sharedDryRun } from './staging.js';

const isRoot = process.getuid?.() === 0;
const modeOf = (file: string) => lstatSync(file).mode & 0o7777;
const script = (name: string) => path.join(REPO, 'scripts', name);

/** A volume with the package's payload on it, as Installer leaves it before postinstall. */
function installedVolume(): string {
  const stage = sharedDryRun();
  const volume = path.join(scratchDir('volume'), 'Macintosh HD');
  cpSync(path.join(stage.staging, 'root'), volume, { recursive: true, verbatimSymlinks: true });
  return volume;
}

describe('pkg scripts are valid bash', () => {
  it.each(['pkg/preinstall', 'pkg/postinstall', 'build-pkg.sh', 'sign.sh', 'uninstall.sh', 'pkg/emondguard-cli', 'pkg/lib.sh'])('%s', (name) => {
    const result = run(name === 'pkg/emondguard-cli' ? 'sh' : 'bash', ['-n', script(name)]);
    expect(result.status, result.stderr).toBe(0);
  });
});

describe('preinstall', () => {
  it('does nothing but say so on a volume that is not the boot volume', () => {
    const volume = scratchDir('pre');
    const result = run(script('pkg/preinstall'), ['/tmp/x.pkg', '/', volume, '/']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`installing to ${volume}, not the boot volume: no daemon to stop`);
  });
});

describe('postinstall on a target volume', () => {
  const volume = installedVolume();
  const result = run(script('pkg/postinstall'), ['/tmp/x.pkg', '/', volume, '/']);

  it('succeeds without touching launchd', () => {
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain(`installed to ${volume}; the daemon starts when that volume boots`);
  });

  it('creates the data folder 0700 and the log folder 0750', () => {
    expect(modeOf(path.join(volume, 'Library/Application Support/emondguard'))).toBe(0o700);
    expect(modeOf(path.join(volume, 'Library/Logs/emondguard'))).toBe(0o750);
  });

  it('keeps the LaunchDaemon and newsyslog entry 0644 and the bundle closed to writers', () => {
    expect(modeOf(path.join(volume, 'Library/LaunchDaemons/com.emondguard.agent.plist'))).toBe(0o644);
    expect(modeOf(path.join(volume, 'private/etc/newsyslog.d/com.emondguard.agent.conf'))).toBe(0o644);
    expect(modeOf(path.join(volume, APP_REL, 'Contents/MacOS/emondguard'))).toBe(0o755);
    expect(modeOf(path.join(volume, APP_REL, 'Contents/Info.plist'))).toBe(0o644);
  });

  it('links the CLI wrapper into /usr/local/bin', () => {
    expect(readlinkSync(path.join(volume, 'usr/local/bin/emondguard'))).toBe('/Library/EmondGuard/bin/emondguard');
  });

  it('gives everything to root (when the tests can)', () => {
    const owner = lstatSync(path.join(volume, 'Library/Application Support/emondguard')).uid;
    expect(owner).toBe(isRoot ? 0 : process.getuid?.());
  });

  it('refuses to run for the boot volume unless root', () => {
    const boot = asNobody(script('pkg/postinstall'), ['/tmp/x.pkg', '/', '/', '/']);
    expect(boot.status).toBe(1);
    expect(boot.stderr).toContain('must run as root');
  });
});

describe('uninstall.sh', () => {
  function uninstall(args: string[]) {
    const volume = installedVolume();
    expect(run(script('pkg/postinstall'), ['/tmp/x.pkg', '/', volume, '/']).status).toBe(0);
    writeFileSync(path.join(volume, 'Library/Application Support/emondguard/alerts.db'), 'alerts');
    writeFileSync(path.join(volume, 'Library/Logs/emondguard/daemon.err.log'), 'log');
    return { volume, result: run(script('uninstall.sh'), ['--target', volume, ...args]) };
  }

  it('removes everything but the alert database', () => {
    const { volume, result } = uninstall([]);
    expect(result.status, result.stderr).toBe(0);
    for (const gone of ['Library/EmondGuard', 'Library/LaunchDaemons/com.emondguard.agent.plist', 'private/etc/newsyslog.d/com.emondguard.agent.conf', 'Library/Logs/emondguard', 'usr/local/bin/emondguard']) {
      expect(existsSync(path.join(volume, gone)) || lstatExists(path.join(volume, gone)), gone).toBe(false);
    }
    expect(existsSync(path.join(volume, 'Library/Application Support/emondguard/alerts.db'))).toBe(true);
    expect(result.stdout).toContain('kept the alert database in /Library/Application Support/emondguard (use --purge to delete it)');
    expect(result.stdout).toContain('removed /Library/EmondGuard');
    expect(result.stdout).toContain('emondguard is uninstalled');
  });

  it('removes the database too with --purge', () => {
    const { volume, result } = uninstall(['--purge']);
    expect(result.status).toBe(0);
    expect(existsSync(path.join(volume, 'Library/Application Support/emondguard'))).toBe(false);
  });

  it('leaves an emondguard link that is not ours', () => {
    const volume = scratchDir('foreign');
    mkdirSync(path.join(volume, 'usr/local/bin'), { recursive: true });
    symlinkSync('/opt/dev/emondguard/dist/cli/main.js', path.join(volume, 'usr/local/bin/emondguard'));
    const result = run(script('uninstall.sh'), ['--target', volume]);
    expect(result.status).toBe(0);
    expect(lstatExists(path.join(volume, 'usr/local/bin/emondguard'))).toBe(true);
  });

  it('refuses to uninstall from the boot volume unless root', () => {
    const result = asNobody(script('uninstall.sh'), []);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('run it as root: sudo');
  });

  it('is idempotent and rejects bad arguments', () => {
    const volume = scratchDir('empty');
    expect(run(script('uninstall.sh'), ['--target', volume]).status).toBe(0);
    expect(run(script('uninstall.sh'), ['--target', path.join(volume, 'missing')]).status).toBe(2);
    expect(run(script('uninstall.sh'), ['--bogus']).status).toBe(2);
  });
});

/** Runs a script as an unprivileged user: as-is when the tests are not root, else via setpriv. */
function asNobody(file: string, args: string[]) {
  if (!isRoot) return run(file, args);
  // A copy in a world-readable folder: the checkout may sit below a folder only root can enter.
  const copy = path.join(scratchDir('nobody'), path.basename(file));
  cpSync(file, copy);
  chmodSync(path.dirname(copy), 0o755);
  chmodSync(copy, 0o755);
  return run('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', copy, ...args], { cwd: '/' });
}

function lstatExists(file: string): boolean {
  try {
    lstatSync(file);
    return true;
  } catch {
    return false;
  }
}
