import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../../src/events/line-splitter.js';

interface Collected {
  lines: Array<{ text: string; number: number; lossy: boolean }>;
  tooLong: Array<{ number: number; bytes: number }>;
}

function split(chunks: Buffer[], maxLineBytes?: number): Collected {
  const out: Collected = { lines: [], tooLong: [] };
  const splitter = new LineSplitter(
    {
      line: (text, number, lossy) => out.lines.push({ text, number, lossy }),
      tooLong: (number, bytes) => out.tooLong.push({ number, bytes }),
    },
    maxLineBytes === undefined ? {} : { maxLineBytes },
  );
  for (const chunk of chunks) splitter.push(chunk);
  splitter.end();
  return out;
}

function texts(chunks: Buffer[]): string[] {
  return split(chunks).lines.map((l) => l.text);
}

/** Cuts a buffer at the given offsets. */
function cut(buffer: Buffer, offsets: number[]): Buffer[] {
  const points = [...new Set(offsets.map((o) => o % (buffer.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let last = 0;
  for (const point of points) {
    chunks.push(buffer.subarray(last, point));
    last = point;
  }
  chunks.push(buffer.subarray(last));
  return chunks;
}

describe('LineSplitter', () => {
  it('splits on \\n, strips \\r of \\r\\n, and keeps a last line without newline', () => {
    expect(texts([Buffer.from('a\r\nb\n\nc')])).toEqual(['a', 'b', '', 'c']);
    expect(texts([Buffer.from('a\n')])).toEqual(['a']);
    expect(texts([Buffer.from('')])).toEqual([]);
  });

  it('numbers lines from 1, counting blank ones', () => {
    expect(split([Buffer.from('x\n\ny\n')]).lines.map((l) => l.number)).toEqual([1, 2, 3]);
  });

  it('drops a UTF-8 byte-order mark at the start only', () => {
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    expect(texts([Buffer.concat([bom, Buffer.from('{}\n'), bom, Buffer.from('x')])])).toEqual(['{}', '\uFEFFx']);
  });

  it('joins a \\r\\n split across chunks', () => {
    expect(texts([Buffer.from('abc\r'), Buffer.from('\ndef')])).toEqual(['abc', 'def']);
  });

  it('decodes a multi-byte character split across chunks', () => {
    const bytes = Buffer.from('é🚀\n');
    expect(texts([bytes.subarray(0, 1), bytes.subarray(1, 3), bytes.subarray(3)])).toEqual(['é🚀']);
  });

  it('replaces invalid UTF-8 with U+FFFD and says so, but not for a real U+FFFD', () => {
    const out = split([Buffer.concat([Buffer.from('a'), Buffer.from([0xff, 0xfe]), Buffer.from('b\n\uFFFD ok\n')])]);
    expect(out.lines).toEqual([
      { text: 'a\uFFFD\uFFFDb', number: 1, lossy: true },
      { text: '\uFFFD ok', number: 2, lossy: false },
    ]);
  });

  it('skips an over-long line without buffering it, then goes on', () => {
    const long = Buffer.alloc(5000, 0x61);
    const out = split([Buffer.from('ok\n'), long.subarray(0, 1000), long.subarray(1000), Buffer.from('\nnext\n')], 1024);
    expect(out.lines.map((l) => [l.number, l.text])).toEqual([
      [1, 'ok'],
      [3, 'next'],
    ]);
    expect(out.tooLong).toEqual([{ number: 2, bytes: 5000 }]);
  });

  it('skips an over-long line that arrives in one chunk, and one at the end without newline', () => {
    const out = split([Buffer.from(`${'b'.repeat(2000)}\nshort\n${'c'.repeat(3000)}`)], 1024);
    expect(out.lines.map((l) => l.text)).toEqual(['short']);
    expect(out.tooLong).toEqual([
      { number: 1, bytes: 2000 },
      { number: 3, bytes: 3000 },
    ]);
  });

  it('accepts a line of exactly the limit', () => {
    expect(split([Buffer.from(`${'d'.repeat(1024)}\r\n`)], 1024).lines[0]?.text).toHaveLength(1024);
  });

  it('gives the same lines whatever the chunking (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme' }), { maxLength: 20 }), fc.array(fc.nat(), { maxLength: 10 }), fc.boolean(), (lines, offsets, crlf) => {
        const clean = lines.map((l) => l.replace(/[\r\n\uFEFF]/g, ''));
        const text = clean.map((l) => `${l}${crlf ? '\r\n' : '\n'}`).join('');
        const whole = Buffer.from(text);
        expect(texts(cut(whole, offsets))).toEqual(clean);
      }),
    );
  });

  it('does not keep a reference to the caller\'s chunk memory', () => {
    const chunk = Buffer.from('partial');
    const out: string[] = [];
    const splitter = new LineSplitter({ line: (t) => out.push(t), tooLong: () => undefined });
    splitter.push(chunk);
    chunk.fill(0x7a);
    splitter.push(Buffer.from(' line\n'));
    expect(out).toEqual(['partial line']);
  });
});
