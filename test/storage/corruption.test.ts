import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AlertStore } from '../../src/storage/alert-store.js';
import { makeAlert } from '../helpers/alerts.js';
import { tempDbPath, writeDamagedStore } from '../helpers/store.js';

function quarantinedFiles(file: string): string[] {
  return fs
    .readdirSync(path.dirname(file))
    .filter((f) => f.startsWith(`${path.basename(file)}.corrupt-`) && !/-(wal|shm)$/.test(f));
}

describe('a corrupt database', () => {
  it("at the agent's path, that is not SQLite at all is moved aside, kept, and replaced by a working store", () => {
    const file = tempDbPath();
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, 'this is not a database, it is a text file that got in the way\n'.repeat(100));
    const store = AlertStore.open(file, { notSqlite: 'move-aside', now: () => Date.parse('2025-08-07T12:00:00Z') });
    expect(store.quarantined?.movedTo).toBe(`${file}.corrupt-2025-08-07T12-00-00-000Z`);
    expect(fs.readFileSync(store.quarantined?.movedTo as string, 'utf8')).toMatch(/^this is not a database/);
    expect(store.insertAlerts([{ document: makeAlert() }])).toEqual([1]);
    const [event] = store.agentEvents({ kinds: ['quarantine'] });
    expect(event?.message).toContain(store.quarantined?.movedTo);
    expect(event?.detail).toMatchObject({ movedTo: store.quarantined?.movedTo });
    store.close();
  });

  it('with damaged pages fails the integrity check at open, is quarantined, and the agent goes on', async () => {
    const file = tempDbPath();
    await writeDamagedStore(file);

    const store = AlertStore.open(file);
    expect(store.quarantined?.reason).toMatch(/integrity check failed|malformed|corrupt/i);
    expect(quarantinedFiles(file)).toHaveLength(1);
    expect(store.count()).toBe(0);
    expect(store.insertAlerts([{ document: makeAlert() }])).toHaveLength(1);
    store.close();
    // The recovered store is itself healthy on the next open.
    const reopened = AlertStore.open(file, { integrityCheck: 'full' });
    expect(reopened.quarantined).toBeUndefined();
    expect(reopened.count()).toBe(1);
    reopened.close();
  });

  it('keeps the -wal and -shm beside the quarantined file', () => {
    const file = tempDbPath();
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, Buffer.alloc(8192, 0x42));
    fs.writeFileSync(`${file}-wal`, 'wal bytes');
    const store = AlertStore.open(file, { notSqlite: 'move-aside' });
    expect(fs.readFileSync(`${store.quarantined?.movedTo}-wal`, 'utf8')).toBe('wal bytes');
    store.close();
  });

  it('that is not SQLite at all, named by anyone but the agent (a mistyped --db), is refused and left exactly as it was', () => {
    const file = tempDbPath();
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const trace = '{"event_type":9}\n'.repeat(50);
    fs.writeFileSync(file, trace, { mode: 0o644 });
    fs.chmodSync(file, 0o644);
    expect(() => AlertStore.open(file)).toThrow(expect.objectContaining({ code: 'E_IO_NOT_ALERT_DB', message: expect.stringMatching(/is not a SQLite database.*left untouched.*--db/) }));
    expect(fs.readFileSync(file, 'utf8')).toBe(trace);
    expect(fs.statSync(file).mode & 0o777).toBe(0o644);
    expect(quarantinedFiles(file)).toEqual([]);
    // An empty file is where a new database may start.
    fs.writeFileSync(file, '');
    const store = AlertStore.open(file);
    expect(store.insertAlerts([{ document: makeAlert() }])).toEqual([1]);
    store.close();
  });

  it('opened read-only is reported with what to do, and left untouched', () => {
    const file = tempDbPath();
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, Buffer.alloc(8192, 0x42));
    expect(() => AlertStore.open(file, { readonly: true })).toThrow(/not a SQLite database.*restart the agent/);
    expect(fs.readFileSync(file)).toEqual(Buffer.alloc(8192, 0x42));
    expect(quarantinedFiles(file)).toEqual([]);
  });
});

describe('a database of another program', () => {
  it('is refused, not migrated into, when opened for writing', async () => {
    const { default: Database } = await import('better-sqlite3');
    const file = tempDbPath();
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const other = new Database(file);
    other.exec('CREATE TABLE photos (id INTEGER PRIMARY KEY)');
    other.close();
    expect(() => AlertStore.open(file)).toThrow(/SQLite database of another program/);
    const check = new Database(file, { readonly: true });
    expect(check.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all()).toEqual(['photos']);
    check.close();
  });
});
