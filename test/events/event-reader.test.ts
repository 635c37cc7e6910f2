import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { InputError } from '../../src/events/errors.js';
import { EventReader, readInto } from '../../src/events/event-reader.js';
import type { ExecEvent } from '../../src/events/exec-event.js';
import { execLine, exitLine, forkLine, type ProcessSpec } from '../helpers/eslogger.js';

const dir = mkdtempSync(path.join(tmpdir(), 'emondguard-reader-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const emond: ProcessSpec = { pid: 50, pidversion: 10, executable: '/sbin/emond', ppid: 1 };
const child: ProcessSpec = { pid: 60, pidversion: 11, executable: '/sbin/emond', ppid: 50, parentPidversion: 10 };
const ecsLine = JSON.stringify({
  '@timestamp': '2024-01-01T00:00:00Z',
  'event.category': 'process',
  'event.type': 'start',
  'process.pid': 7,
  'process.executable': '/bin/zsh',
});

function collect(): { events: ExecEvent[]; reader: EventReader } {
  const events: ExecEvent[] = [];
  return { events, reader: new EventReader((e) => events.push(e), { input: 'trace.ndjson' }) };
}

describe('EventReader', () => {
  it('parses mixed formats line by line and accounts for every line', () => {
    const { events, reader } = collect();
    const text = [
      forkLine(emond, child),
      '',
      ecsLine,
      '{"version":9,"time":"t","event_type":10,"event":{"open":{}},"process":{}}',
      'not json',
      '   ',
      execLine(child, { ...child, pidversion: 12, executable: '/bin/sh' }),
      '[]',
      exitLine(child, 0),
    ].join('\r\n');
    reader.push(Buffer.from(text));
    reader.end();
    expect(events.map((e) => [e.event.module, e.event.action, e.process.pid])).toEqual([
      ['eslogger', 'fork', 60],
      ['ecs', 'exec', 7],
      ['eslogger', 'exec', 60],
      ['eslogger', 'exit', 60],
    ]);
    const stats = reader.stats;
    expect(stats.lines).toBe(9);
    expect(stats.blank).toBe(2);
    expect(stats.events).toBe(4);
    expect(stats.eventsByAction).toEqual({ exec: 2, fork: 1, exit: 1 });
    expect(stats.eventsByFormat).toEqual({ eslogger: 3, ecs: 1 });
    expect(Object.fromEntries(stats.irrelevant)).toEqual({ 'eslogger event_type 10': 1 });
    expect(Object.fromEntries(stats.skipped)).toEqual({
      invalid_json: { count: 1, first: ['trace.ndjson:5'] },
      not_an_object: { count: 1, first: ['trace.ndjson:8'] },
    });
    expect(stats.skippedTotal).toBe(2);
  });

  it('keeps only the first few line references per reason', () => {
    const { reader } = collect();
    reader.push(Buffer.from('x\n'.repeat(12)));
    reader.end();
    expect(reader.stats.skipped.get('invalid_json')).toEqual({
      count: 12,
      first: ['trace.ndjson:1', 'trace.ndjson:2', 'trace.ndjson:3', 'trace.ndjson:4', 'trace.ndjson:5'],
    });
  });

  it('counts an over-long line as skipped and the lossy UTF-8 ones as read', () => {
    const events: ExecEvent[] = [];
    const reader = new EventReader((e) => events.push(e), { maxLineBytes: 200, input: 'f' });
    const bad = Buffer.from(ecsLine.replace('/bin/zsh', '/bin/z\u0000sh'));
    bad[bad.indexOf(0)] = 0xff;
    reader.push(Buffer.concat([Buffer.from(`${'y'.repeat(500)}\n`), bad, Buffer.from('\n')]));
    reader.end();
    expect(reader.stats.skipped.get('line_too_long')).toEqual({ count: 1, first: ['f:1'] });
    expect(reader.stats.lossyUtf8).toBe(1);
    expect(events[0]?.process.executable).toBe('/bin/z\uFFFDsh');
  });

  it('reads a file and stdin (-) the same way', async () => {
    const text = `${forkLine(emond, child)}\n${ecsLine}`;
    const file = path.join(dir, 'mixed.ndjson');
    writeFileSync(file, text);
    const fromFile = collect();
    await readInto(fromFile.reader, file);
    const fromStdin = collect();
    await readInto(fromStdin.reader, '-', Readable.from([Buffer.from(text.slice(0, 100)), Buffer.from(text.slice(100))]));
    expect(fromFile.events).toHaveLength(2);
    expect(fromStdin.events).toEqual(fromFile.events);
  });

  it.each([
    ['a missing file', () => path.join(dir, 'nope.ndjson'), 'E_IO_NOT_FOUND', /no such file; check the path/],
    ['a directory', () => dir, 'E_IO_IS_DIRECTORY', /is a directory/],
  ])('fails on %s with an E_IO error that says what to do', async (_name, input, code, message) => {
    const { reader } = collect();
    const error = await readInto(reader, input()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).code).toBe(code);
    expect((error as InputError).message).toMatch(message);
  });

  it('wraps a failing stream as E_IO_READ but lets the consumer\'s own errors through', async () => {
    const failing = new Readable({
      read() {
        this.destroy(Object.assign(new Error('device not configured'), { code: 'ENXIO' }));
      },
    });
    const { reader } = collect();
    const ioError = await readInto(reader, '-', failing).catch((e: unknown) => e);
    expect((ioError as InputError).code).toBe('E_IO_READ');
    expect((ioError as InputError).message).toContain('standard input');

    const throwing = new EventReader(() => {
      throw new TypeError('sink broke');
    });
    const consumerError = await readInto(throwing, '-', Readable.from([Buffer.from(`${ecsLine}\n`)])).catch((e: unknown) => e);
    expect(consumerError).toBeInstanceOf(TypeError);
  });
});

describe('EventReader memory', () => {
  it('streams 256 MiB of realistic lines with a flat heap', async () => {
    const lines = [
      forkLine(emond, child),
      execLine(child, { ...child, pidversion: 12, executable: '/bin/sh' }, { args: ['sh', '-c', 'x'.repeat(800)] }),
      exitLine(child, 0),
    ];
    const block = Buffer.from(`${lines.join('\n')}\n`.repeat(Math.ceil((1 << 20) / (lines.join('\n').length + 1))));
    const total = 256 * 1024 * 1024;
    const repeats = Math.ceil(total / block.length);
    let count = 0;
    const reader = new EventReader(() => {
      count++;
    });
    const baseline = process.memoryUsage().heapUsed;
    let peak = 0;
    // Cut the stream at odd offsets so lines keep crossing chunk boundaries.
    const source = Readable.from(
      (function* () {
        for (let i = 0; i < repeats; i++) {
          const cutAt = 1 + ((i * 7919) % (block.length - 1));
          yield block.subarray(0, cutAt);
          yield block.subarray(cutAt);
          if (i % 16 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed - baseline);
        }
      })(),
    );
    await readInto(reader, '-', source);
    expect(reader.bytes).toBe(repeats * block.length);
    expect(count).toBe(reader.stats.events);
    expect(reader.stats.skippedTotal).toBe(0);
    expect(count).toBeGreaterThan(70_000);
    // 256 MiB went through; the reader may hold a chunk and a line, and V8 its young generation.
    expect(peak).toBeLessThan(96 * 1024 * 1024);
  }, 120_000);

  it('skips a 64 MiB line without ever holding it', async () => {
    const reader = new EventReader(() => undefined, { maxLineBytes: 1 << 20 });
    const piece = Buffer.alloc(1 << 20, 0x61);
    const baseline = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
    let peak = 0;
    const source = Readable.from(
      (function* () {
        for (let i = 0; i < 64; i++) {
          yield piece;
          const usage = process.memoryUsage();
          peak = Math.max(peak, usage.heapUsed + usage.arrayBuffers - baseline);
        }
        yield Buffer.from(`\n${ecsLine}\n`);
      })(),
    );
    await readInto(reader, '-', source);
    expect(reader.stats.skipped.get('line_too_long')?.count).toBe(1);
    expect(reader.stats.events).toBe(1);
    expect(peak).toBeLessThan(16 * 1024 * 1024);
  });
});
