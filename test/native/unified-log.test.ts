import { afterEach, describe, expect, it } from 'vitest';
import { addon, resetSimulator, sim } from './sim-helpers.js';

afterEach(resetSimulator);

describe('unified log', () => {
  it('logs public messages in clear and keeps private ones redacted, with the raw parts recorded', () => {
    const { log } = addon();
    log('com.emondguard.agent', 'alert', 'error', 'emond started /bin/sh', { public: true, detail: 'user=root cmd=curl' });
    log('com.emondguard.agent', 'agent', 'info', 'config loaded from /Users/zoë/x.json');
    log('com.emondguard.agent', 'agent', 'debug', 'private with detail', { detail: 'more' });
    log('com.emondguard.agent', 'agent', 'fault', 'public only', { public: true });
    expect(sim().logRecords()).toEqual([
      {
        subsystem: 'com.emondguard.agent',
        category: 'alert',
        level: 'error',
        format: '%{public}s %s',
        message: 'emond started /bin/sh <private>',
        args: [
          { value: 'emond started /bin/sh', public: true },
          { value: 'user=root cmd=curl', public: false },
        ],
      },
      {
        subsystem: 'com.emondguard.agent',
        category: 'agent',
        level: 'info',
        format: '%s',
        message: '<private>',
        args: [{ value: 'config loaded from /Users/zoë/x.json', public: false }],
      },
      {
        subsystem: 'com.emondguard.agent',
        category: 'agent',
        level: 'debug',
        format: '%s %s',
        message: '<private> <private>',
        args: [
          { value: 'private with detail', public: false },
          { value: 'more', public: false },
        ],
      },
      {
        subsystem: 'com.emondguard.agent',
        category: 'agent',
        level: 'fault',
        format: '%{public}s',
        message: 'public only',
        args: [{ value: 'public only', public: true }],
      },
    ]);
  });

  it('maps every level', () => {
    const { log } = addon();
    for (const level of ['debug', 'info', 'default', 'error', 'fault'] as const) log('s', 'c', level, level, { public: true });
    expect(sim().logRecords().map((r) => [r.level, r.message])).toEqual([
      ['debug', 'debug'],
      ['info', 'info'],
      ['default', 'default'],
      ['error', 'error'],
      ['fault', 'fault'],
    ]);
  });

  it('rejects an unknown level and missing arguments', () => {
    const { log } = addon();
    expect(() => log('s', 'c', 'warning' as never, 'x')).toThrow(/debug, info, default, error, fault/);
    expect(() => (log as unknown as (...args: unknown[]) => void)('s', 'c', 'info')).toThrow(/four strings/);
    expect(sim().logRecords()).toEqual([]);
  });

  it('keeps at most the last 1024 records in the simulator ring', () => {
    const { log } = addon();
    for (let i = 0; i < 1100; i++) log('s', 'c', 'info', `m${i}`, { public: true });
    const records = sim().logRecords();
    expect(records).toHaveLength(1024);
    expect(records[0]?.message).toBe('m76');
    expect(records.at(-1)?.message).toBe('m1099');
  });
});
