import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventParseError } from '../../src/events/errors.js';
import { parseLine } from '../../src/events/parse-line.js';
import { execMessage, exitMessage, forkMessage, toLine, type ProcessSpec } from '../helpers/eslogger.js';

/** parseLine may return anything, or throw an EventParseError, and nothing else. */
function parsesOrRejectsCleanly(line: string): void {
  try {
    const parsed = parseLine(line);
    expect(['event', 'irrelevant']).toContain(parsed.kind);
  } catch (error) {
    if (!(error instanceof EventParseError)) throw error;
    expect(error.code).toMatch(/^E_EVENT_[A-Z_]+$/);
  }
}

type Json = unknown;

/** Every path to a value inside a JSON document. */
function paths(value: Json, prefix: Array<string | number> = [], out: Array<Array<string | number>> = []): Array<Array<string | number>> {
  if (typeof value === 'object' && value !== null) {
    for (const [key, child] of Object.entries(value)) {
      const path = [...prefix, Array.isArray(value) ? Number(key) : key];
      out.push(path);
      paths(child, path, out);
    }
  }
  return out;
}

/** Replaces (or deletes, when `replacement` is undefined) the value at `path` in a deep copy. */
function mutate(value: Json, path: Array<string | number>, replacement: Json | undefined): Json {
  const copy = structuredClone(value) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (replacement === undefined) delete node[last];
  else node[last] = replacement;
  return copy;
}

const spec: ProcessSpec = { pid: 200, pidversion: 5001, executable: '/sbin/emond', ppid: 100, parentPidversion: 40 };
const target: ProcessSpec = { ...spec, pidversion: 5002, executable: '/bin/sh' };
const versions = fc.integer({ min: 1, max: 10 });

const esloggerMessages = fc.oneof(
  versions.map((version) => execMessage(spec, target, { args: ['sh', '-c', 'id'], cwd: '/tmp', script: '/tmp/x' }, { version })),
  versions.map((version) => forkMessage(spec, { ...spec, pid: 300 }, { version })),
  versions.map((version) => exitMessage(spec, 256, { version })),
);

const ecsDocuments = fc.constantFrom<Json>(
  {
    '@timestamp': '2024-01-01T00:00:00Z',
    event: { category: ['process'], type: ['start'], action: 'exec' },
    host: { os: { type: 'macos' } },
    process: { pid: 5, executable: '/bin/sh', args: ['sh'], parent: { pid: 4, name: 'emond' } },
    user: { id: '0' },
  },
  {
    '@timestamp': '2024-01-01T00:00:00Z',
    'event.category': 'process',
    'event.type': 'end',
    'process.pid': 5,
    'process.name': 'sh',
    'process.exit_code': 0,
  },
);

/** Values that break parsers: wrong types, huge and negative numbers, odd keys. */
const nastyValues = fc.oneof(
  fc.jsonValue(),
  fc.constantFrom<Json>(null, -1, 2 ** 53, 1.5, '', [], {}, [1, 2, 3, 4, 5, 6, 7, 8], ['a'], { __proto__: { pid: 1 } }, 'x'.repeat(100)),
);

function mutated(documents: fc.Arbitrary<Json>): fc.Arbitrary<Json> {
  return documents.chain((document) => {
    const all = paths(document);
    return fc
      .array(fc.tuple(fc.constantFrom(...all), fc.option(nastyValues, { nil: undefined })), { minLength: 1, maxLength: 4 })
      .map((edits) => {
        let result = document;
        for (const [path, replacement] of edits) {
          try {
            result = mutate(result, path, replacement);
          } catch {
            // An earlier edit removed the path; keep the document as it is.
          }
        }
        return result;
      });
  });
}

describe('parsers never throw anything but EventParseError', () => {
  it('on arbitrary text', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), parsesOrRejectsCleanly), { numRuns: 2000 });
  });

  it('on arbitrary JSON', () => {
    fc.assert(fc.property(fc.jsonValue(), (value) => parsesOrRejectsCleanly(JSON.stringify(value))), { numRuns: 2000 });
  });

  it('on eslogger messages with fields replaced or removed', () => {
    fc.assert(fc.property(mutated(esloggerMessages), (m) => parsesOrRejectsCleanly(toLine(m as Record<string, unknown>))), {
      numRuns: 3000,
    });
  });

  it('on ECS documents with fields replaced or removed', () => {
    fc.assert(fc.property(mutated(ecsDocuments), (d) => parsesOrRejectsCleanly(JSON.stringify(d))), { numRuns: 2000 });
  });

  it('on truncated and spliced lines', () => {
    fc.assert(
      fc.property(esloggerMessages, fc.nat(), fc.nat(), (message, a, b) => {
        const line = toLine(message);
        const cutAt = a % line.length;
        parsesOrRejectsCleanly(line.slice(0, cutAt));
        parsesOrRejectsCleanly(line.slice(0, cutAt) + line.slice(b % line.length));
      }),
      { numRuns: 1000 },
    );
  });

  it('never lets a JSON "__proto__" key stand in for a missing field', () => {
    const message = execMessage(spec, target, {}, { version: 3 });
    const exec = (message['event'] as { exec: { target: Record<string, unknown> } }).exec;
    delete exec.target['ppid'];
    const line = toLine(message).replace('"target":{', '"target":{"__proto__":{"ppid":5},');
    expect(() => parseLine(line)).toThrow(/event\.exec\.target\.ppid is missing/);
  });
});
