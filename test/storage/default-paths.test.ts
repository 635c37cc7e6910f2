import { describe, expect, it } from 'vitest';
import { defaultLogPaths, resolveDbPath, type PathContext } from '../../src/storage/default-paths.js';

const mac = (uid: number, env: NodeJS.ProcessEnv = {}): PathContext => ({ platform: 'darwin', uid, home: '/Users/alice', env });
const linux = (uid: number, env: NodeJS.ProcessEnv = {}): PathContext => ({ platform: 'linux', uid, home: '/home/alice', env });

describe('default paths', () => {
  it('put the daemon (root on macOS) in the system locations', () => {
    expect(resolveDbPath(undefined, mac(0))).toBe('/Library/Application Support/emondguard/alerts.db');
    expect(defaultLogPaths(mac(0))).toEqual({
      agentLog: '/Library/Logs/emondguard/agent.log',
      alertsNdjson: '/Library/Logs/emondguard/alerts.ndjson',
    });
  });

  it('give a user (scan, demo) a per-user directory', () => {
    expect(resolveDbPath(undefined, mac(501))).toBe('/Users/alice/Library/Application Support/emondguard/alerts.db');
    expect(defaultLogPaths(mac(501)).agentLog).toBe('/Users/alice/Library/Logs/emondguard/agent.log');
    expect(resolveDbPath(undefined, linux(1000))).toBe('/home/alice/.local/share/emondguard/alerts.db');
    expect(resolveDbPath(undefined, linux(1000, { XDG_DATA_HOME: '/data/alice' }))).toBe('/data/alice/emondguard/alerts.db');
    // A relative XDG value is invalid per the spec and ignored.
    expect(resolveDbPath(undefined, linux(1000, { XDG_DATA_HOME: 'rel' }))).toBe('/home/alice/.local/share/emondguard/alerts.db');
    expect(resolveDbPath(undefined, linux(0))).toBe('/var/lib/emondguard/alerts.db');
  });

  it('let --db win over EMONDGUARD_DB, and EMONDGUARD_DB over the default', () => {
    const context = mac(0, { EMONDGUARD_DB: '/tmp/env.db' });
    expect(resolveDbPath('/tmp/flag.db', context)).toBe('/tmp/flag.db');
    expect(resolveDbPath(undefined, context)).toBe('/tmp/env.db');
    expect(resolveDbPath('', context)).toBe('/tmp/env.db');
    expect(resolveDbPath('relative.db', mac(0))).toBe(`${process.cwd()}/relative.db`);
  });
});
