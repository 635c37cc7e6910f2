import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { writeStatusFile, type AgentStatus } from '../../src/agent/health/status-file.js';
import { NdjsonFileSink } from '../../src/alerts/sinks/ndjson-file-sink.js';
import { closeAgentLogger, createAgentLogger } from '../../src/logging/agent-logger.js';
import { AlertStore } from '../../src/storage/alert-store.js';
import { checkOwnDirectories } from '../../src/storage/own-directories.js';
import { makeAlert } from '../helpers/alerts.js';
import { runCli } from '../helpers/cli.js';
import { writeDamagedStore, isRoot, tempDir } from '../helpers/store.js';

/**
 * Plants another user made before root (or any caller) arrives. As root the plants are really
 * chown-ed to uid 65534 and the caller is root; as an ordinary user the plants are the test's own
 * files and the caller is told it is a different uid — the checks take the caller's uid, so both
 * exercise "a file owned by someone else".
 */
const me = typeof process.geteuid === 'function' ? process.geteuid() : 0;
const OTHER = 65534;
const planter = isRoot ? OTHER : me;
const caller = isRoot ? 0 : me + 1;

function plantSymlink(target: string, at: string): void {
  fs.symlinkSync(target, at);
  if (isRoot) fs.lchownSync(at, OTHER, OTHER);
}

/** A directory anyone can write to, as /tmp/pub would be (not sticky unless asked). */
function publicDir(sticky = false): string {
  const dir = path.join(tempDir(), 'pub');
  fs.mkdirSync(dir);
  fs.chmodSync(dir, sticky ? 0o1777 : 0o777);
  if (isRoot) fs.chownSync(dir, planter, planter);
  return dir;
}

/** A directory only the test (root, as root) can write: where an attacker wants root to write. */
function privateTarget(): string {
  const dir = path.join(tempDir(), 'root-only');
  fs.mkdirSync(dir, { mode: 0o700 });
  return dir;
}

const mode = (file: string): number => fs.statSync(file).mode & 0o777;
const codeOf = (action: () => unknown): string | undefined => {
  try {
    action();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
};

describe('the database path', () => {
  it("does not follow another user's symlink in a public directory into a root-only directory", () => {
    const target = path.join(privateTarget(), 'hunt.db');
    const link = path.join(publicDir(true), 'hunt.db');
    plantSymlink(target, link);
    expect(codeOf(() => AlertStore.open(link, { uid: caller }))).toBe('E_IO_UNSAFE_SYMLINK');
    expect(fs.existsSync(target)).toBe(false);
  });

  it("leaves another program's SQLite file exactly as it was: mode, journal mode and bytes", () => {
    const file = path.join(tempDir(), 'other.db');
    const other = new Database(file);
    other.exec('CREATE TABLE settings (k TEXT, v TEXT); INSERT INTO settings VALUES (1, 2)');
    other.close();
    fs.chmodSync(file, 0o644);
    const before = fs.readFileSync(file);
    expect(codeOf(() => AlertStore.open(file))).toBe('E_IO_NOT_ALERT_DB');
    expect(mode(file)).toBe(0o644);
    expect(fs.readFileSync(file).equals(before)).toBe(true); // header bytes 18–19 still say rollback journal, not WAL
    expect(fs.existsSync(`${file}-wal`)).toBe(false);
  });

  it('refuses a file that belongs to someone else, before changing its mode', () => {
    const dir = tempDir();
    const file = path.join(dir, 'alerts.db');
    fs.writeFileSync(file, '');
    fs.chmodSync(file, 0o644);
    if (isRoot) fs.chownSync(file, OTHER, OTHER);
    expect(codeOf(() => AlertStore.open(file, { uid: isRoot ? 0 : me + 1 }))).toMatch(/^E_IO_UNSAFE_(FILE|DIR)$/);
    expect(mode(file)).toBe(0o644);
  });

  it('refuses a hard link to another file (a second name for something else)', () => {
    const dir = tempDir();
    const precious = path.join(dir, 'precious');
    fs.writeFileSync(precious, '');
    fs.chmodSync(precious, 0o644);
    fs.linkSync(precious, path.join(dir, 'alerts.db'));
    expect(codeOf(() => AlertStore.open(path.join(dir, 'alerts.db')))).toBe('E_IO_UNSAFE_FILE');
    expect(mode(precious)).toBe(0o644);
    expect(fs.statSync(precious).size).toBe(0);
  });

  it('refuses a FIFO at the path at once instead of hanging on it', () => {
    const fifo = path.join(tempDir(), 'alerts.db');
    execFileSync('mkfifo', [fifo]);
    expect(codeOf(() => AlertStore.open(fifo))).toBe('E_IO_UNSAFE_FILE');
    expect(codeOf(() => AlertStore.open(fifo, { readonly: true }))).toBe('E_IO_UNSAFE_FILE');
  });

  it('refuses a database directory others can write to (not sticky), naming it and the fix', () => {
    const dir = publicDir(false);
    let message = '';
    try {
      AlertStore.open(path.join(dir, 'hunt.db'), { uid: caller });
    } catch (error) {
      expect((error as { code?: string }).code).toBe('E_IO_UNSAFE_DIR');
      message = (error as Error).message;
    }
    expect(message).toContain(dir);
    expect(message).toMatch(/chmod go-w/);
    expect(fs.existsSync(path.join(dir, 'hunt.db'))).toBe(false);
  });

  it("refuses another user's -wal symlink planted beside a new database in a sticky directory", () => {
    const dir = publicDir(true);
    const target = path.join(privateTarget(), 'victim');
    fs.writeFileSync(target, 'keep');
    const file = path.join(dir, 'hunt.db');
    plantSymlink(target, `${file}-wal`);
    const store = (): AlertStore => AlertStore.open(file, { uid: isRoot ? 0 : me });
    expect(codeOf(store)).toBe('E_IO_UNSAFE_FILE');
    expect(fs.readFileSync(target, 'utf8')).toBe('keep');
  });

  it('just works for a user scanning into their own file, through a symlink they own', () => {
    const home = tempDir();
    fs.chmodSync(home, 0o755);
    fs.mkdirSync(path.join(home, 'data'), { mode: 0o700 });
    const link = path.join(home, 'hunt.db');
    fs.symlinkSync(path.join(home, 'data', 'hunt.db'), link);
    const store = AlertStore.open(link);
    store.insertAlerts([{ document: makeAlert() }]);
    store.close();
    expect(mode(path.join(home, 'data', 'hunt.db'))).toBe(0o600);
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(AlertStore.open(link, { readonly: true }).count()).toBe(1);
  });

  it('a sticky public directory (/tmp) with no plants is fine: the file and its WAL files are created 0600', () => {
    const dir = publicDir(true);
    const file = path.join(dir, 'hunt.db');
    const store = AlertStore.open(file, { uid: isRoot ? 0 : me });
    store.insertAlerts([{ document: makeAlert() }]);
    expect([mode(file), mode(`${file}-wal`), mode(`${file}-shm`)]).toEqual([0o600, 0o600, 0o600]);
    store.close();
  });

  it('quarantining a damaged database never replaces a name planted where it is moved to', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'alerts.db');
    await writeDamagedStore(file);
    const now = Date.parse('2026-01-02T03:04:05.678Z');
    const planted = `${file}.corrupt-2026-01-02T03-04-05-678Z`;
    fs.symlinkSync(path.join(dir, 'nowhere'), planted); // dangling: existsSync says false
    const store = AlertStore.open(file, { now: () => now });
    expect(store.quarantined?.movedTo).not.toBe(planted);
    expect(fs.lstatSync(planted).isSymbolicLink()).toBe(true);
    expect(fs.statSync(store.quarantined?.movedTo as string).size).toBeGreaterThan(0);
    store.close();
  });
});

describe('through the CLI', () => {
  it('scan --db on a plant exits 2 naming the path and the fix, and writes nothing through it', () => {
    const dir = tempDir();
    const precious = path.join(dir, 'precious');
    fs.writeFileSync(precious, 'keep');
    const db = path.join(dir, 'hunt.db');
    fs.linkSync(precious, db);
    const scan = runCli(['scan', '--db', db, '-'], { input: '' });
    expect(scan.status).toBe(2);
    expect(scan.stderr).toContain(`${db} has 2 hard links`);
    expect(scan.stderr).toMatch(/Remove it or choose another path/);
    expect(fs.readFileSync(precious, 'utf8')).toBe('keep');
  });

  it.runIf(isRoot)("as root, scan --db through another user's symlink in /tmp-like directory exits 2 and creates nothing", () => {
    const target = path.join(privateTarget(), 'hunt.db');
    const link = path.join(publicDir(true), 'hunt.db');
    plantSymlink(target, link);
    const scan = runCli(['scan', '--db', link, '-'], { input: '' });
    expect(scan.status).toBe(2);
    expect(scan.stderr).toMatch(/symlink owned by uid 65534.*was not followed/);
    expect(fs.existsSync(target)).toBe(false);
  });
});

describe('the status file', () => {
  it('is written through a random O_EXCL temporary name, not a predictable one someone planted', () => {
    const dir = tempDir();
    const file = path.join(dir, 'status.json');
    const victim = path.join(privateTarget(), 'victim');
    fs.writeFileSync(victim, 'keep');
    fs.symlinkSync(victim, `${file}.${process.pid}.tmp`);
    writeStatusFile(file, { schema: 1, state: 'running' } as AgentStatus);
    expect(fs.readFileSync(victim, 'utf8')).toBe('keep');
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).state).toBe('running');
    expect(fs.readdirSync(dir).filter((name) => name.endsWith('.tmp') && !name.includes(String(process.pid)))).toEqual([]);
  });

  it('does not rename over a symlink planted at its own name by someone else', () => {
    const dir = publicDir(true);
    const file = path.join(dir, 'status.json');
    plantSymlink(path.join(privateTarget(), 'x'), file);
    // Not the caller's file: refused, not replaced (the rename would only move the link, but a
    // status file in someone else's hands is not the agent's).
    expect(codeOf(() => writeStatusFile(file, { schema: 1 } as AgentStatus, caller))).toBe('E_IO_UNSAFE_SYMLINK');
    expect(fs.lstatSync(file).isSymbolicLink()).toBe(true);
  });
});

describe('the NDJSON alert file', () => {
  it("does not append through another user's symlink in a public directory", () => {
    const victim = path.join(privateTarget(), 'victim');
    fs.writeFileSync(victim, 'keep');
    const file = path.join(publicDir(true), 'alerts.ndjson');
    plantSymlink(victim, file);
    const sink = new NdjsonFileSink({ path: file, uid: caller });
    expect(codeOf(() => sink.write([{ id: 1, document: makeAlert() } as never]))).toBe('E_IO_UNSAFE_SYMLINK');
    expect(fs.readFileSync(victim, 'utf8')).toBe('keep');
  });

  it('does not append to a hard link planted at its name after a rotation', () => {
    const dir = tempDir();
    const file = path.join(dir, 'alerts.ndjson');
    const precious = path.join(dir, 'precious');
    fs.writeFileSync(precious, 'keep');
    const sink = new NdjsonFileSink({ path: file, maxBytes: 200, maxFiles: 2 });
    sink.write([{ id: 1, document: makeAlert() } as never]);
    // The next write rotates (renames the live file away) and opens the live name again: the plant is there first.
    const rename = fs.renameSync;
    const planting = { ...fs, renameSync: (from: string, to: string) => {
      rename(from, to);
      if (from === file) fs.linkSync(precious, file);
    } };
    const planted = new NdjsonFileSink({ path: file, maxBytes: 200, maxFiles: 2, fileSystem: planting as never });
    expect(codeOf(() => planted.write([{ id: 2, document: makeAlert() } as never]))).toBe('E_IO_UNSAFE_FILE');
    expect(fs.readFileSync(precious, 'utf8')).toBe('keep');
    sink.close();
  });
});

describe("the agent's log file", () => {
  it('is not chmod-ed or written through a hard link planted at its name', async () => {
    const dir = tempDir();
    const precious = path.join(dir, 'precious');
    fs.writeFileSync(precious, 'keep');
    fs.chmodSync(precious, 0o644);
    const file = path.join(dir, 'agent.log');
    fs.linkSync(precious, file);
    expect(codeOf(() => createAgentLogger({ file }))).toBe('E_IO_UNSAFE_FILE');
    expect(mode(precious)).toBe(0o644);
    expect(fs.readFileSync(precious, 'utf8')).toBe('keep');
  });

  it("refuses another user's symlink at its name in a public directory", () => {
    const victim = path.join(privateTarget(), 'victim');
    fs.writeFileSync(victim, 'keep');
    fs.chmodSync(victim, 0o644);
    const file = path.join(publicDir(true), 'agent.log');
    plantSymlink(victim, file);
    expect(codeOf(() => createAgentLogger({ file, level: 'info', uid: caller }))).toBe('E_IO_UNSAFE_SYMLINK');
    expect(mode(victim)).toBe(0o644);
  });
});

describe('rotated logs', () => {
  it('agent.log and its rotated copies stay 0600 under a permissive umask', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'agent.log');
    const previous = process.umask(0o022);
    try {
      const logger = createAgentLogger({ file, maxBytes: 2048, maxFiles: 3 });
      for (let i = 0; i < 60; i++) {
        logger.info(`line ${i} ${'x'.repeat(100)}`);
        // Rotation happens between writes; give winston its turns.
        await new Promise((resolve) => setImmediate(resolve));
      }
      expect(await closeAgentLogger(logger, 10_000)).toBe(true);
    } finally {
      process.umask(previous);
    }
    const logs = fs.readdirSync(dir).filter((name) => name.startsWith('agent'));
    expect(logs.length).toBeGreaterThan(1);
    for (const name of logs) expect([name, mode(path.join(dir, name))]).toEqual([name, 0o600]);
  });

  it('alerts.ndjson and its rotated copies stay 0600 under a permissive umask', () => {
    const dir = tempDir();
    const file = path.join(dir, 'alerts.ndjson');
    const previous = process.umask(0o022);
    try {
      const sink = new NdjsonFileSink({ path: file, maxBytes: 600, maxFiles: 2 });
      for (let i = 0; i < 6; i++) sink.write([{ id: i, document: makeAlert({ pid: i }) } as never]);
      sink.close();
    } finally {
      process.umask(previous);
    }
    const files = fs.readdirSync(dir);
    expect(files.sort()).toEqual(['alerts.ndjson', 'alerts.ndjson.1', 'alerts.ndjson.2']);
    for (const name of files) expect([name, mode(path.join(dir, name))]).toEqual([name, 0o600]);
  });
});

describe("the daemon's own directories", () => {
  it('are refused when group or others can write them, naming the directory and the fix', () => {
    const data = tempDir();
    const logs = path.join(tempDir(), 'logs');
    fs.mkdirSync(logs);
    fs.chmodSync(logs, 0o775);
    let error: (Error & { code?: string }) | undefined;
    try {
      checkOwnDirectories({ database: path.join(data, 'alerts.db'), status: path.join(data, 'status.json'), agentLog: path.join(logs, 'agent.log') });
    } catch (caught) {
      error = caught as Error & { code?: string };
    }
    expect(error?.code).toBe('E_IO_UNSAFE_DIR');
    expect(error?.message).toContain(logs);
    expect(error?.message).toMatch(/chmod go-w/);
  });

  it('are refused when they belong to someone else', () => {
    const data = tempDir();
    fs.chmodSync(data, 0o755);
    if (isRoot) fs.chownSync(data, OTHER, OTHER);
    expect(codeOf(() => checkOwnDirectories({ database: path.join(data, 'alerts.db'), status: path.join(data, 'status.json') }, isRoot ? 0 : me + 1))).toBe(
      'E_IO_UNSAFE_DIR',
    );
  });

  it('missing ones are created, private; existing private ones pass', () => {
    const root = tempDir();
    const files = { database: path.join(root, 'data', 'alerts.db'), status: path.join(root, 'data', 'status.json'), alertsNdjson: path.join(root, 'logs', 'alerts.ndjson') };
    checkOwnDirectories(files);
    expect([mode(path.join(root, 'data')), mode(path.join(root, 'logs'))]).toEqual([0o700, 0o700]);
    expect(() => checkOwnDirectories(files)).not.toThrow();
  });
});
