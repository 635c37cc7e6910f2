import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventParseError } from '../../src/events/errors.js';
import { parseLine } from '../../src/events/parse-line.js';
import { blankStatBlocks } from '../../src/events/stat-blocks.js';
import { execLine, exitLine, forkLine, type ProcessSpec } from '../helpers/eslogger.js';

/** The outcome of parsing a line: the parsed result, or the rejection's reason and field. */
function outcome(line: string, blankStats: boolean): unknown {
  try {
    return parseLine(line, { blankStats });
  } catch (error) {
    if (!(error instanceof EventParseError)) throw error;
    return { rejected: error.reason, field: error.field };
  }
}

function agree(line: string): void {
  expect(outcome(line, true)).toEqual(outcome(line, false));
}

const spec: ProcessSpec = { pid: 10, pidversion: 20, executable: '/sbin/emond', ppid: 1 };
const valid = [
  execLine(spec, { ...spec, pidversion: 21, executable: '/bin/sh' }, { args: ['sh', '-c', '"stat":{"st_x":1}'], cwd: '/tmp' }),
  forkLine(spec, { ...spec, pid: 11 }, { version: 10 }),
  exitLine(spec, 256, { version: 4 }),
];

/** Edits that make a stat block something other than a plain one, valid or not. */
const statEdits = fc.constantFrom(
  (s: string) => s.replace('"st_size":38146864', '"st_size":038146864'),
  (s: string) => s.replace('"st_flags":0}', '"st_flags":0,}'),
  (s: string) => s.replace('"st_nlink":1', '"st_nlink":1.5'),
  (s: string) => s.replace('"st_nlink":1', '"st_nlink":-0'),
  (s: string) => s.replace('"st_gen":0', '"st_gen":1e3'),
  (s: string) => s.replace('"st_uid":0', '"st_uid":"0\\u0030"'),
  (s: string) => s.replace('"st_uid":0', '"st_uid":{"nested":1}'),
  (s: string) => s.replace('"st_uid":0', '"st_uid":null'),
  (s: string) => s.replace('"st_uid":0', '"st_uid":"tab\there"'),
  (s: string) => s.replace('"stat":{', '"stat":{,'),
  (s: string) => s.replace('"stat":{', '"stat": {'),
  (s: string) => s.replace('"path":', '"x\\"stat":{"st_a":1},"path":'),
  (s: string) => s.replace('"path":', '"x\\\\"stat":{"st_a":1},"path":'),
  // An exit's own stat is a number; as an object it must be rejected on both paths.
  (s: string) => s.replace(/"stat":(\d+)\}/, '"stat":{"st_a":$1}}'),
  (s: string) => s.replace(/"stat":(\d+)\}/, '"stat":{}}'),
  (s: string) => s.replace(/\}$/, ''),
  (s: string) => s,
);

describe('blanking stat blocks before JSON.parse', () => {
  it('shrinks real lines and leaves other text alone', () => {
    const line = valid[0]!;
    expect(blankStatBlocks(line).length).toBeLessThan(line.length * 0.75);
    expect(blankStatBlocks(line)).toContain('"stat":{}');
    expect(blankStatBlocks(line)).toContain('\\"stat\\":{\\"st_x\\":1}');
    expect(blankStatBlocks('{"a":1}')).toBe('{"a":1}');
  });

  it.each(valid.map((line, i) => [i, line]))('gives the same event as the full parse (line %i)', (_i, line) => {
    agree(line);
    expect((outcome(line, true) as { kind: string }).kind).toBe('event');
  });

  it('agrees with the full parse on edited, broken and odd stat blocks (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...valid), fc.array(statEdits, { maxLength: 4 }), (line, edits) => {
        agree(edits.reduce((text, edit) => edit(text), line));
      }),
      { numRuns: 1500 },
    );
  });

  it('agrees on random text around stat-like fragments (property)', () => {
    const fragment = fc.constantFrom('"stat":{', '"st_a":1', ',', '}', '"', '\\', '{', '"stat":{"st_b":"x"}', '0', '01');
    fc.assert(
      fc.property(fc.array(fc.oneof(fragment, fc.string()), { maxLength: 12 }), (parts) => agree(`{"version":9,${parts.join('')}`)),
      { numRuns: 1500 },
    );
  });
});
