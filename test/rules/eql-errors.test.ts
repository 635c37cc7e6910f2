import { describe, expect, it } from 'vitest';
import { compileQuery, EqlError, EqlUnsupportedError } from '../../src/rules/index.js';

function compileError(query: string): EqlError {
  try {
    compileQuery(query);
  } catch (error) {
    if (error instanceof EqlError) return error;
    throw new Error(`expected an EqlError, got ${String(error)}`);
  }
  throw new Error(`expected "${query}" to fail`);
}

/**
 * Where an error must point: the first occurrence of `marker` on `line`, or the end of that line
 * when the marker is `EOL` (a line break or the end of the query is the culprit).
 */
type ErrorRow = [query: string, code: EqlError['code'], line: number, marker: string, says: RegExp];
const EOL = '<end of line>';

function columnOf(query: string, line: number, marker: string): number {
  const text = query.split('\n')[line - 1] ?? '';
  const index = marker === EOL ? text.length : text.indexOf(marker);
  if (index === -1) throw new Error(`marker ${marker} is not on line ${line} of ${query}`);
  return Array.from(text.slice(0, index)).length + 1;
}

const P = 'process where ';

describe('EQL errors carry a code, the line and column, and say what to do', () => {
  it.each<ErrorRow>([
    [`${P}process.name == 'sh'`, 'E_EQL_SYNTAX', 1, `'sh'`, /double quotes/],
    [`${P}process.name == ?"sh"`, 'E_EQL_SYNTAX', 1, '?', /triple double quotes/],
    [`${P}process.name = "sh"`, 'E_EQL_SYNTAX', 1, '= "', /use == .* or :/],
    [`${P}process.name == "sh`, 'E_EQL_SYNTAX', 1, '"sh', /unterminated string/],
    [`${P}process.name == "a\\qb"`, 'E_EQL_SYNTAX', 1, '\\q', /unknown escape sequence \\q/],
    [`${P}process.name == "\\u{1}"`, 'E_EQL_SYNTAX', 1, '\\u', /2-8\] hex digits/],
    [`${P}process.name == "\\u{D800}"`, 'E_EQL_SYNTAX', 1, '\\u', /surrogate/],
    [`${P}process.name == "\\u{110000}"`, 'E_EQL_SYNTAX', 1, '\\u', /Invalid unicode character code/],
    [`${P}process.name == "\\u0041"`, 'E_EQL_SYNTAX', 1, '\\u', /\\u\{XXXX\}/],
    [`${P}process.name == "a\nb"`, 'E_EQL_SYNTAX', 1, EOL, /line break inside a string/],
    [`${P}process.name == """a\nb"""`, 'E_EQL_SYNTAX', 1, EOL, /raw strings must stay on one line/],
    [`${P}process.name == """abc`, 'E_EQL_SYNTAX', 1, '"""', /unterminated raw string/],
    [`${P}process.name == "a" /* open`, 'E_EQL_SYNTAX', 1, '/*', /unterminated comment/],
    [`${P}process.name == "a" # x`, 'E_EQL_SYNTAX', 1, '#', /unexpected character '#'/],
    [`${P}process.name == 1e`, 'E_EQL_SYNTAX', 1, '1e', /malformed number/],
    [`${P}\`\` == "a"`, 'E_EQL_SYNTAX', 1, '``', /empty field name/],
    [`${P}process.any == "a"`, 'E_EQL_SYNTAX', 1, 'any', /reserved word.*`any`/],
    [P.trimEnd(), 'E_EQL_SYNTAX', 1, EOL, /expected a field, a value or '\(' but found the end of the query/],
    ['process process.name == "x"', 'E_EQL_SYNTAX', 1, 'process.name', /expected 'where'/],
    ['where true', 'E_EQL_SYNTAX', 1, 'where', /expected an event category/],
    [`${P}(process.name == "x"`, 'E_EQL_SYNTAX', 1, EOL, /expected '\)' to close the parenthesis/],
    [`${P}process.name == "x" and`, 'E_EQL_SYNTAX', 1, EOL, /found the end of the query/],
    [`${P}process.pid < 5 < 6`, 'E_EQL_SYNTAX', 1, '< 6', /cannot be chained/],
    [`${P}process.name not like "x"`, 'E_EQL_SYNTAX', 1, 'not', /must be followed by 'in'/],
    [`${P}process.name == "x" process.pid == 1`, 'E_EQL_SYNTAX', 1, 'process.pid', /unexpected 'process' after the condition/],
    [`${P}process.name : 5`, 'E_EQL_INVALID', 1, '5', /string patterns .* double quotes/],
    [`${P}process.name : ("a", true)`, 'E_EQL_INVALID', 1, 'true', /string patterns but found true/],
    [`${P}"sh"`, 'E_EQL_INVALID', 1, '"sh"', /not a condition/],
    [`${P}process.pid < null`, 'E_EQL_INVALID', 1, '<', /null can only be compared with == or !=/],
    [`${P}process.code_signature.trusted < true`, 'E_EQL_INVALID', 1, '<', /has no order/],
    [`${P}startsWith(process.name)`, 'E_EQL_INVALID', 1, 'startsWith', /takes 2 arguments but was given 1/],
    [`${P}startsWith(process.name, process.args)`, 'E_EQL_INVALID', 1, 'process.args', /string constants/],
    [`${P}cidrMatch~(source.ip, "10.0.0.0/8")`, 'E_EQL_INVALID', 1, 'cidrMatch', /no case-insensitive form/],
    [`${P}cidrMatch(source.ip, "300.0.0.0/8")`, 'E_EQL_INVALID', 1, '"300', /not a CIDR block/],
    [`${P}startsWith(process.name, "a") < 1`, 'E_EQL_INVALID', 1, '<', /== true or == false/],
    [`${P}(process.pid == 1) == true`, 'E_EQL_INVALID', 1, 'process.pid', /not the result of another test/],
    [`${P}process.name regex "a&b"`, 'E_EQL_REGEX', 1, '"a&b"', /intersection '&' is not supported/],
    [`${P}process.name regex "~a"`, 'E_EQL_REGEX', 1, '"~a"', /complement '~' is not supported/],
    [`${P}process.name regex "<1-5>"`, 'E_EQL_REGEX', 1, '"<', /'<…>' are not supported/],
    [`${P}process.name regex "[z-a]"`, 'E_EQL_REGEX', 1, '"[', /invalid range/],
    [`${P}process.name regex "a{3,1}"`, 'E_EQL_REGEX', 1, '"a{', /invalid repetition range/],
    [`${P}process.name regex "(ab"`, 'E_EQL_REGEX', 1, '"(', /expected '\)'/],
    [`${P}process.name regex "ab)"`, 'E_EQL_REGEX', 1, '"ab)', /unbalanced parenthesis/],
    [`${P}process.name regex "a|"`, 'E_EQL_REGEX', 1, '"a|', /unexpected end of the pattern/],
    [`${P}process.name regex "\\\\q"`, 'E_EQL_REGEX', 1, '"\\', /invalid character class \\q/],
    [`${P}process.name regex ("ok", "[a")`, 'E_EQL_REGEX', 1, '"[a"', /expected '\]'/],
    [`process where\n  process.name == "sh" and\n  process.args : '-c'`, 'E_EQL_SYNTAX', 3, `'-c'`, /double quotes/],
  ])('%s → %s on line %i at %s', (query, code, line, marker, says) => {
    const error = compileError(query);
    const column = columnOf(query, line, marker);
    expect(error.code).toBe(code);
    expect([error.line, error.column]).toEqual([line, column]);
    expect(error.detail).toMatch(says);
    expect(error.message).toBe(`line ${line}:${column}: ${error.detail}`);
  });
});

describe('unsupported constructs are rejected by name', () => {
  it.each<[query: string, construct: string, marker: string, says: RegExp]>([
    ['sequence by process.entity_id [process where true] [file where true]', 'sequence', 'sequence', /'sequence'.*single-event/],
    ['join [process where true] [file where true]', 'join', 'join', /'join'/],
    ['sample by host.id [process where true] [file where true]', 'sample', 'sample', /'sample'/],
    [`${P}true | head 5`, '| head', '|', /'\| head': pipes are not supported/],
    [`${P}true | tail 3`, '| tail', '|', /'\| tail'/],
    [`${P}descendant of [process where process.name == "emond"]`, 'descendant of', 'descendant', /'descendant of': process relationships/],
    [`${P}child of [process where true]`, 'child of', 'child', /'child of'/],
    [`${P}process.pid + 1 > 5`, '+', '+', /'\+': arithmetic/],
    [`${P}process.pid * 2 > 5`, '*', '*', /'\*': arithmetic/],
    [`${P}-process.pid > 5`, '-', '-', /'-': arithmetic/],
    [`${P}process.args[0] == "sh"`, '[index]', '[', /array indexes are not supported/],
    [`${P}length(process.name) > 3`, 'length()', 'length', /unsupported function 'length'.*startsWith, endsWith, stringContains, cidrMatch/],
    [`${P}match(process.name, "a")`, 'match()', 'match', /unsupported function 'match'/],
    [`${P}process.name == process.executable`, 'field compared with field', '==', /another field/],
    [`${P}process.name in ("sh", process.executable)`, 'field in list', 'process.executable', /another field/],
  ])('%s names %s', (query, construct, marker, says) => {
    const error = compileError(query);
    expect(error).toBeInstanceOf(EqlUnsupportedError);
    expect(error.code).toBe('E_EQL_UNSUPPORTED');
    expect((error as EqlUnsupportedError).construct).toBe(construct);
    expect(error.detail).toMatch(says);
    expect(error.column).toBe(columnOf(query, 1, marker));
  });

  it('names sequence even when it is not on the first line', () => {
    const error = compileError('// a sequence rule\n  sequence with maxspan=1m\n  [process where true]\n  [file where true]');
    expect((error as EqlUnsupportedError).construct).toBe('sequence');
    expect([error.line, error.column]).toEqual([2, 3]);
  });
});

describe('error rendering', () => {
  it('shows the query line with a caret under the column', () => {
    const error = compileError('process where\n  process.name == "sh" and\n  process.args : \'-c\'');
    expect(error.render()).toBe(
      [
        `line 3:18: Use double quotes ["] to define string literals, not single quotes [']`,
        `    process.args : '-c'`,
        `                   ^`,
      ].join('\n'),
    );
  });

  it('keeps tabs in the padding so the caret lines up, and counts an emoji as one column', () => {
    const error = compileError('process where\tprocess.name == "😀" and \'x\'');
    expect(error.column).toBe(39);
    const [, sourceLine, caretLine] = error.render().split('\n');
    expect(sourceLine).toBe('  process where\tprocess.name == "😀" and \'x\'');
    expect(caretLine).toBe(`  ${' '.repeat(13)}\t${' '.repeat(24)}^`);
  });
});

describe('limits', () => {
  it('rejects absurd nesting with an EqlError instead of exhausting the stack', () => {
    const depth = 5000;
    const error = compileError(`${P}${'('.repeat(depth)}true${')'.repeat(depth)}`);
    expect(error.code).toBe('E_EQL_INVALID');
    expect(error.detail).toMatch(/nested more than 128 levels/);
    expect(compileError(`${P}${'not '.repeat(depth)}true`).code).toBe('E_EQL_INVALID');
  });

  it('accepts a very long flat condition (and/or lists do not nest)', () => {
    const terms = Array.from({ length: 5000 }, (_, i) => `process.pid == ${i}`);
    const query = compileQuery(`any where ${terms.join(' or ')}`);
    expect(query.matches({ process: { pid: 4999 } })).toBe(true);
    expect(query.matches({ process: { pid: 5000 } })).toBe(false);
  });

  it('evaluates a long and-chain (more operands than are unrolled)', () => {
    const terms = Array.from({ length: 100 }, (_, i) => `process.pid != ${i + 1}`);
    const query = compileQuery(`any where ${terms.join(' and ')}`);
    expect(query.matches({ process: { pid: 0 } })).toBe(true);
    expect(query.matches({ process: { pid: 100 } })).toBe(false);
  });

  it('accepts nesting up to the limit', () => {
    const query = compileQuery(`any where ${'('.repeat(120)}process.pid == 1${')'.repeat(120)}`);
    expect(query.matches({ process: { pid: 1 } })).toBe(true);
  });
});
