import { describe, expect, it } from 'vitest';
import { DEFAULT_ARGV_CAPS, capArgs, capString } from '../../src/events/argv-caps.js';
import type { ExecEvent } from '../../src/events/exec-event.js';
import { parseLine } from '../../src/events/parse-line.js';
import { execLine, type ProcessSpec } from '../helpers/eslogger.js';

function eventOf(line: string): ExecEvent {
  const parsed = parseLine(line);
  if (parsed.kind !== 'event') throw new Error(`expected an event, got irrelevant: ${parsed.reason}`);
  return parsed.event;
}

const before: ProcessSpec = { pid: 200, pidversion: 5001, executable: '/bin/zsh', ppid: 100, parentPidversion: 4001 };

/** An eslogger exec line (v9, the real layout) with this argv and, if given, this cwd and target path. */
function esloggerWith(args: string[], path?: string): string {
  const target: ProcessSpec = { ...before, pidversion: 5002, executable: path ?? '/bin/ls' };
  return execLine(before, target, { args, ...(path !== undefined ? { cwd: path } : {}) }, { version: 9 });
}

describe('argv caps shared by every JavaScript source', () => {
  it('keeps maxArgs arguments, cuts one argument at maxArgLength on a character boundary, stops at maxArgBytes', () => {
    const caps = { maxArgs: 3, maxArgBytes: 12, maxArgLength: 5 };
    expect(capArgs(['a', 'b'], caps)).toEqual({ args: ['a', 'b'], truncated: false });
    expect(capArgs(['a', 'b', 'c', 'd'], caps)).toEqual({ args: ['a', 'b', 'c'], truncated: true });
    // 'éé€' is 2+2+3 bytes: 5 bytes end inside '€', so the cut keeps 'éé' (4 bytes).
    expect(capArgs(['abcdefgh', 'éé€'], caps)).toEqual({ args: ['abcde', 'éé'], truncated: true });
    // 5 + 5 bytes fit in 12; the third (5 more) does not: the argv ends there.
    expect(capArgs(['12345', '67890', 'abcde'], caps)).toEqual({ args: ['12345', '67890'], truncated: true });
    expect(capString('x'.repeat(20_000))).toHaveLength(16_384);
    expect(capString('😀'.repeat(5), 7)).toBe('😀');
  });

  it('eslogger: a 1 MB argv is capped like the native source does, args_count keeps the real count, the event says it was cut', () => {
    const args = ['/bin/sh', '-c', 'y'.repeat(1_000_000), ...Array.from({ length: 3000 }, (_, i) => `a${i}`)];
    const event = eventOf(esloggerWith(args, `/${'d'.repeat(50_000)}`));
    expect(event.process.args_count).toBe(args.length);
    expect(event.process.args[2]).toHaveLength(DEFAULT_ARGV_CAPS.maxArgLength);
    expect(event.process.args.length).toBeLessThanOrEqual(DEFAULT_ARGV_CAPS.maxArgs);
    expect(Buffer.byteLength(event.process.args.join(''))).toBeLessThanOrEqual(DEFAULT_ARGV_CAPS.maxArgBytes);
    expect(event.process.command_line.length).toBeLessThanOrEqual(DEFAULT_ARGV_CAPS.maxArgBytes + DEFAULT_ARGV_CAPS.maxArgs);
    expect(event.process.Ext).toEqual({ args_truncated: true });
    expect(event.es.args_truncated).toBe(true);
    expect(event.process.executable).toHaveLength(16_384);
    expect(event.process.working_directory).toHaveLength(16_384);
    expect(event.es.executable_truncated).toBe(true);
  });

  it('eslogger: an ordinary exec is not marked', () => {
    const event = eventOf(esloggerWith(['/bin/ls', '-l']));
    expect(event.process.Ext).toBeUndefined();
    expect(event.es.args_truncated).toBe(false);
  });

  it('ECS: capped args and command line, the original args_count, and a truncation flag that survives a re-read', () => {
    const doc = {
      '@timestamp': '2026-01-01T00:00:00Z',
      event: { category: ['process'], type: ['start'], action: 'exec' },
      process: { pid: 9, executable: '/bin/sh', args: ['/bin/sh', '-c', 'z'.repeat(500_000)], command_line: `/bin/sh -c ${'z'.repeat(500_000)}`, parent: { pid: 1, name: 'emond' } },
    };
    const event = eventOf(JSON.stringify(doc));
    expect(event.process.args[2]).toHaveLength(DEFAULT_ARGV_CAPS.maxArgLength);
    expect(event.process.args_count).toBe(3);
    expect(event.process.command_line.length).toBeLessThanOrEqual(DEFAULT_ARGV_CAPS.maxArgBytes + DEFAULT_ARGV_CAPS.maxArgs);
    expect(event.process.Ext).toEqual({ args_truncated: true });
    // An alert written by the agent and read back by `scan` keeps saying it was cut.
    const reread = eventOf(JSON.stringify({ ...doc, process: { ...doc.process, args: ['/bin/sh'], command_line: '/bin/sh', Ext: { args_truncated: true } } }));
    expect(reread.process.Ext).toEqual({ args_truncated: true });
  });
});
