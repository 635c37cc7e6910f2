import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileLuceneRegex, LuceneRegexError } from '../../src/rules/eql/lucene-regex.js';
import { asciiLower } from '../../src/rules/eql/values.js';
import { compileWildcards } from '../../src/rules/eql/wildcard.js';
import { compileQuery, compileRuleToml, EqlError, parseRuleToml, RuleFileError } from '../../src/rules/index.js';

/** Runs `action`; passes if it returns or throws an instance of `expected`, fails on anything else. */
function onlyThrows(expected: abstract new (...args: never[]) => Error, action: () => unknown): boolean {
  try {
    action();
    return true;
  } catch (error) {
    if (error instanceof expected) return true;
    throw error;
  }
}

/** Pieces of EQL, so random sequences reach deep into the parser and compiler rather than failing on the first character. */
const EQL_PIECES = [
  'process', 'where', 'any', 'file', 'and', 'or', 'not', '(', ')', '==', '!=', '<', '<=', '>', '>=', '=', ':',
  'like', 'like~', 'regex', 'regex~', 'in', 'in~', ',', '.', '"a*"', '"x"', '"?"', '"""r\\"""', '""', '1', '-2', '3.5',
  'true', 'false', 'null', 'process.name', 'process.args', 'process.pid', '?f', '`q-1`', 'startsWith', 'startsWith~',
  'cidrMatch', 'length', '"10.0.0.0/8"', '"[a-z]+"', '"a&b"', '"(x"', '"\\u{41}"', '"\\q"', "'s'", '|', 'head',
  'sequence', 'by', 'with', 'maxspan', '[', ']', '+', '*', '/*', '*/', '//', '\n', '\t', 'descendant', 'of', '@timestamp',
];

const eqlText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.array(fc.constantFrom(...EQL_PIECES), { maxLength: 40 }).map((pieces) => pieces.join(' ')),
  fc.array(fc.constantFrom(...EQL_PIECES), { maxLength: 40 }).map((pieces) => `process where ${pieces.join(' ')}`),
);

const documentKeys = fc.constantFrom('process', 'name', 'args', 'pid', 'event', 'category', 'process.name', 'f', 'q-1', 'constructor', '__proto__');
const eventLike = fc.object({
  key: documentKeys,
  maxDepth: 4,
  maxKeys: 4,
  values: [fc.string({ maxLength: 6 }), fc.integer(), fc.boolean(), fc.constant(null), fc.double()],
});

describe('property: the EQL front end throws nothing but EqlError', () => {
  it('compileQuery on random text returns a query or throws EqlError', () => {
    fc.assert(
      fc.property(eqlText, (text) => onlyThrows(EqlError, () => compileQuery(text))),
      { numRuns: 3000 },
    );
  });

  it('a query that compiles evaluates any JSON value to a boolean without throwing', () => {
    fc.assert(
      fc.property(eqlText, fc.oneof(eventLike, fc.jsonValue()), (text, event) => {
        let query;
        try {
          query = compileQuery(text);
        } catch {
          return true;
        }
        return typeof query.matches(event) === 'boolean';
      }),
      { numRuns: 3000 },
    );
  });

  it('compileLuceneRegex on random patterns returns an automaton or throws LuceneRegexError', () => {
    const pattern = fc.string({ unit: fc.constantFrom(...'ab.?*+{}[]()|"\\^-,0123456789&~<>@#dDwWsSq\n😀'), maxLength: 30 });
    fc.assert(
      fc.property(pattern, fc.boolean(), (text, caseInsensitive) => onlyThrows(LuceneRegexError, () => compileLuceneRegex(text, caseInsensitive))),
      { numRuns: 3000 },
    );
  });
});

/** Well-formed conditions over a few fields: every one must compile. */
const field = fc.constantFrom('process.name', 'process.args', 'process.pid', 'f', '`q-1`', '?process.missing', 'process.name.x');
const stringConstant = fc.string({ unit: fc.constantFrom(...'aA*?\\é'), maxLength: 4 }).map((text) => JSON.stringify(text));
const constant = fc.oneof(stringConstant, fc.integer({ min: -5, max: 5 }).map(String), fc.constantFrom('true', 'false', 'null'));
const { condition } = fc.letrec<{ condition: string }>((tie) => ({
  condition: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.tuple(field, fc.constantFrom('==', '!='), constant).map((parts) => parts.join(' ')),
    fc.tuple(field, fc.constantFrom('<', '<=', '>', '>='), fc.oneof(stringConstant, fc.integer().map(String))).map((parts) => parts.join(' ')),
    fc.tuple(field, fc.constantFrom(':', 'like', 'like~'), fc.array(stringConstant, { minLength: 1, maxLength: 3 })).map(
      ([name, operator, patterns]) => `${name} ${operator} (${patterns.join(', ')})`,
    ),
    fc.tuple(field, fc.constantFrom('in', 'in~', 'not in', 'not in~'), fc.array(constant, { minLength: 1, maxLength: 3 })).map(
      ([name, operator, values]) => `${name} ${operator} (${values.join(', ')})`,
    ),
    fc.tuple(fc.constantFrom('startsWith', 'endsWith~', 'stringContains'), field, stringConstant).map(([fn, name, text]) => `${fn}(${name}, ${text})`),
    tie('condition').map((inner) => `not ${inner}`),
    fc.tuple(tie('condition'), fc.constantFrom('and', 'or'), tie('condition')).map(([a, op, b]) => `(${a}) ${op} (${b})`),
  ),
}));

describe('property: well-formed queries compile and evaluate consistently', () => {
  it('every generated condition compiles, and not/and/or agree with boolean logic', () => {
    fc.assert(
      fc.property(condition, condition, eventLike, (a, b, event) => {
        const document = { ...event, event: { category: 'process' } };
        const x = compileQuery(`process where ${a}`).matches(document);
        const y = compileQuery(`process where ${b}`).matches(document);
        expect(compileQuery(`process where not (${a})`).matches(document)).toBe(!x);
        expect(compileQuery(`process where (${a}) and (${b})`).matches(document)).toBe(x && y);
        expect(compileQuery(`process where (${a}) or (${b})`).matches(document)).toBe(x || y);
        expect(compileQuery(`file where ${a}`).matches(document)).toBe(false);
      }),
      { numRuns: 1500 },
    );
  });
});

describe('property: the TOML loader throws nothing but RuleFileError', () => {
  const builtin = readFileSync(new URL('../../src/rules/builtin/persistence_emond_suspicious_child_process.toml', import.meta.url), 'utf8');

  it('parseRuleToml on random text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => onlyThrows(RuleFileError, () => parseRuleToml(text, 'random.toml'))),
      { numRuns: 2000 },
    );
  });

  it('compileRuleToml on a real rule file with random edits', () => {
    const edit = fc.record({
      at: fc.nat({ max: builtin.length }),
      remove: fc.nat({ max: 8 }),
      insert: fc.string({ unit: fc.constantFrom(...'"\'[]=\n#\\{}.,0a '), maxLength: 4 }),
    });
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 3 }), (edits) => {
        let text = builtin;
        for (const { at, remove, insert } of edits) text = text.slice(0, at) + insert + text.slice(at + remove);
        return onlyThrows(RuleFileError, () => compileRuleToml(text, 'edited.toml'));
      }),
      { numRuns: 1500 },
    );
  });

  it('pathological nesting is a RuleFileError, not a crash', () => {
    expect(() => parseRuleToml(`a = ${'['.repeat(100_000)}`, 'deep.toml')).toThrow(RuleFileError);
  });
});

/**
 * A plain reference for EQL wildcards: dynamic programming over code points, `*` any run,
 * `?` one code point, everything else literal, ASCII folding when asked.
 */
function referenceWildcard(pattern: string, text: string, caseInsensitive: boolean): boolean {
  const fold = (s: string): string[] => Array.from(caseInsensitive ? s.replace(/[A-Z]/g, (c) => c.toLowerCase()) : s);
  const p = fold(pattern);
  const t = fold(text);
  let row = new Array<boolean>(t.length + 1).fill(false);
  row[0] = true;
  for (const symbol of p) {
    const next = new Array<boolean>(t.length + 1).fill(false);
    if (symbol === '*') {
      for (let j = 0; j <= t.length; j++) next[j] = row[j] === true || (j > 0 && next[j - 1] === true);
    } else {
      for (let j = 1; j <= t.length; j++) next[j] = row[j - 1] === true && (symbol === '?' || symbol === t[j - 1]);
    }
    row = next;
  }
  return row[t.length] === true;
}

describe('property: wildcard matching equals the reference definition', () => {
  const alphabet = fc.constantFrom(...['a', 'A', 'b', '*', '?', '\\', 'é', 'É', '😀', '\n', '.']);
  it('for single patterns and lists, both case modes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: alphabet, maxLength: 6 }), { minLength: 1, maxLength: 3 }),
        fc.string({ unit: alphabet, maxLength: 8 }),
        fc.boolean(),
        (patterns, text, caseInsensitive) =>
          compileWildcards(patterns, caseInsensitive)(text) === patterns.some((pattern) => referenceWildcard(pattern, text, caseInsensitive)),
      ),
      { numRuns: 5000 },
    );
  });
});

describe('property: ASCII folding', () => {
  it('changes A–Z only', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (text) => {
        const folded = asciiLower(text);
        if (folded.length !== text.length) return false;
        for (let i = 0; i < text.length; i++) {
          const code = text.charCodeAt(i);
          const expected = code >= 65 && code <= 90 ? code + 32 : code;
          if (folded.charCodeAt(i) !== expected) return false;
        }
        return true;
      }),
      { numRuns: 2000 },
    );
  });
});
