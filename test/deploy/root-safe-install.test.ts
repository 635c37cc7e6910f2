import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { APP_REL, REPO, run, scratchDir } from './staging.js';

/**
 * What the installer scripts do with what another user put on the volume first: postinstall never
 * adopts a folder that is not root's own, uninstall never follows a symlinked component, and root
 * scripts in the docs call the bundle's CLI by its path. Run as root, plants are chown-ed to
 * 65534; as a user, the plants that need no chown (symlinks, group/other-writable folders) cover it.
 */
const isRoot = process.getuid?.() === 0;
const me = process.getuid?.() ?? 0;
const script = (name: string) => path.join(REPO, 'scripts', name);
const modeOf = (file: string) => lstatSync(file).mode & 0o7777;
const DATA = 'Library/Application Support/emondguard';
const LOGS = 'Library/Logs/emondguard';

/** The few payload files postinstall sets modes on, without a full package build. */
function volume(): string {
  const root = path.join(scratchDir('rootsafe'), 'Macintosh HD');
  mkdirSync(path.join(root, APP_REL, 'Contents'), { recursive: true });
  mkdirSync(path.join(root, 'Library/LaunchDaemons'), { recursive: true });
  mkdirSync(path.join(root, 'private/etc/newsyslog.d'), { recursive: true });
  writeFileSync(path.join(root, 'Library/LaunchDaemons/com.emondguard.agent.plist'), '');
  writeFileSync(path.join(root, 'private/etc/newsyslog.d/com.emondguard.agent.conf'), '');
  mkdirSync(path.join(root, 'Library/Application Support'), { recursive: true });
  mkdirSync(path.join(root, 'Library/Logs'), { recursive: true });
  return root;
}

const postinstall = (root: string) => run(script('pkg/postinstall'), ['/tmp/x.pkg', '/', root, '/']);
const asideOf = (root: string, rel: string) => readdirSync(path.dirname(path.join(root, rel))).filter((name) => name.startsWith(`${path.basename(rel)}.untrusted-`));

describe('postinstall does not adopt a folder that is not root’s own', () => {
  it('moves aside a data folder others can write to (or another user owns), keeps its content, makes a new private one', () => {
    const root = volume();
    const data = path.join(root, DATA);
    mkdirSync(data);
    writeFileSync(path.join(data, 'alerts.db'), 'planted');
    chmodSync(data, 0o777);
    if (isRoot) chownSync(data, 65534, 65534);
    const result = postinstall(root);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/was not root's own folder .*moved it to .*untrusted-.* and made a new one/);
    expect(modeOf(data)).toBe(0o700);
    expect(lstatSync(data).uid).toBe(me);
    expect(readdirSync(data)).toEqual([]);
    const aside = asideOf(root, DATA);
    expect(aside).toHaveLength(1);
    expect(readFileSync(path.join(path.dirname(data), aside[0] as string, 'alerts.db'), 'utf8')).toBe('planted');
  });

  it('replaces a symlinked log folder with a real one and leaves where it pointed alone', () => {
    const root = volume();
    const elsewhere = path.join(scratchDir('elsewhere'), 'logs');
    mkdirSync(elsewhere);
    chmodSync(elsewhere, 0o755);
    symlinkSync(elsewhere, path.join(root, LOGS));
    const result = postinstall(root);
    expect(result.status, result.stderr).toBe(0);
    expect(lstatSync(path.join(root, LOGS)).isDirectory()).toBe(true);
    expect(modeOf(path.join(root, LOGS))).toBe(0o750);
    expect(modeOf(elsewhere)).toBe(0o755);
    expect(asideOf(root, LOGS)).toHaveLength(1);
  });

  it('keeps its own folder from an earlier install, with the database in it (an upgrade)', () => {
    const root = volume();
    const data = path.join(root, DATA);
    mkdirSync(data, { mode: 0o700 });
    chmodSync(data, 0o700);
    writeFileSync(path.join(data, 'alerts.db'), 'alerts');
    const result = postinstall(root);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).not.toContain('untrusted');
    expect(readFileSync(path.join(data, 'alerts.db'), 'utf8')).toBe('alerts');
    expect(asideOf(root, DATA)).toEqual([]);
  });
});

describe('uninstall.sh --target follows no symlinked component', () => {
  it('leaves alone what a symlinked Library points to, and says what it skipped (exit 2)', () => {
    const root = scratchDir('target');
    const real = scratchDir('real-library');
    mkdirSync(path.join(real, 'EmondGuard'), { recursive: true });
    writeFileSync(path.join(real, 'EmondGuard', 'keep'), 'keep');
    mkdirSync(path.join(real, 'LaunchDaemons'));
    writeFileSync(path.join(real, 'LaunchDaemons', 'com.emondguard.agent.plist'), 'keep');
    symlinkSync(real, path.join(root, 'Library'));
    const result = run(script('uninstall.sh'), ['--target', root, '--purge']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('skipped /Library/EmondGuard: /Library is a symlink, not followed');
    expect(readFileSync(path.join(real, 'EmondGuard', 'keep'), 'utf8')).toBe('keep');
    expect(existsSync(path.join(real, 'LaunchDaemons', 'com.emondguard.agent.plist'))).toBe(true);
  });

  it('refuses a --target that is itself a symlink', () => {
    const real = scratchDir('real-volume');
    mkdirSync(path.join(real, 'Library/EmondGuard'), { recursive: true });
    const link = path.join(scratchDir('link'), 'Volume');
    symlinkSync(real, link);
    const result = run(script('uninstall.sh'), ['--target', link]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('is a symlink');
    expect(existsSync(path.join(real, 'Library/EmondGuard'))).toBe(true);
  });
});

describe('root runs the bundle’s CLI by its path, never through /usr/local/bin', () => {
  const doc = readFileSync(path.join(REPO, 'docs/DEPLOYMENT.md'), 'utf8');

  it('in docs/DEPLOYMENT.md: the extension attribute, the Kandji audit and every sudo command', () => {
    const mentions = doc.split('\n').filter((line) => line.includes('/usr/local/bin/emondguard'));
    // Only the table row that says what the link is and why root must not use it.
    expect(mentions).toHaveLength(1);
    expect(mentions[0]).toMatch(/^\| `\/usr\/local\/bin\/emondguard` \| symlink .*may belong to a user/);
    expect(doc).toContain('EG=/Library/EmondGuard/bin/emondguard');
    expect(doc).not.toMatch(/sudo emondguard\b/);
  });

  it('in scripts/: only the postinstall that makes the link and the uninstaller that removes it name it', () => {
    const offenders: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(file);
        else if (readFileSync(file, 'utf8').includes('/usr/local/bin/emondguard')) offenders.push(path.relative(REPO, file));
      }
    };
    walk(path.join(REPO, 'scripts'));
    expect(offenders.sort()).toEqual(['scripts/pkg/emondguard-cli', 'scripts/pkg/postinstall', 'scripts/pkg/validate-payload.mjs', 'scripts/uninstall.sh']);
  });
});
