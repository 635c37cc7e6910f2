import { describe, expect, it } from 'vitest';
import type { ExprNode } from '../../src/rules/eql/ast.js';
import { tokenize } from '../../src/rules/eql/lexer.js';
import { parseQuery } from '../../src/rules/eql/parser.js';

/** The tree without offsets, as a compact S-expression, so shapes are easy to read and compare. */
function shape(node: ExprNode): string {
  switch (node.type) {
    case 'and':
    case 'or':
      return `(${node.type} ${node.operands.map(shape).join(' ')})`;
    case 'not':
      return `(not ${shape(node.operand)})`;
    case 'field':
      return `${node.optional ? '?' : ''}${node.name}`;
    case 'literal':
      return JSON.stringify(node.value);
    case 'call':
      return `(${node.name}${node.caseInsensitive ? '~' : ''} ${node.args.map(shape).join(' ')})`;
    case 'compare':
      return `(${node.operator} ${shape(node.left)} ${shape(node.right)})`;
    case 'pattern':
      return `(${node.operator} ${shape(node.target)} ${node.patterns.map(shape).join(' ')})`;
    case 'in':
      return `(${node.negated ? 'not-' : ''}${node.caseInsensitive ? 'in~' : 'in'} ${shape(node.target)} ${node.values.map(shape).join(' ')})`;
  }
}

const condition = (text: string): string => shape(parseQuery(`any where ${text}`).condition);

describe('parser', () => {
  it.each([
    ['a == 1 or b == 2 and not c == 3', '(or (== a 1) (and (== b 2) (not (== c 3))))'],
    ['not a == 1 and b == 2', '(and (not (== a 1)) (== b 2))'],
    ['(a == 1 or b == 2) and c', '(and (or (== a 1) (== b 2)) c)'],
    ['a == 1 and b == 2 and c == 3 and d == 4', '(and (== a 1) (== b 2) (== c 3) (== d 4))'],
    ['process.name : ("a", "b*")', '(: process.name "a" "b*")'],
    ['process.name like~ "a"', '(like~ process.name "a")'],
    ['process.name regex~ ("a", "b")', '(regex~ process.name "a" "b")'],
    ['process.name not in~ ("a", 1, true, null)', '(not-in~ process.name "a" 1 true null)'],
    ['process.pid in (-1, +2, 3.5, .5, 1e3)', '(in process.pid -1 2 3.5 0.5 1000)'],
    ['?Effective_process.executable like "/x"', '(like ?Effective_process.executable "/x")'],
    ['`my-field`.`sub field` == "x"', '(== my-field.sub field "x")'],
    ['`a``b` == "x"', '(== a`b "x")'],
    ['@timestamp != null', '(!= @timestamp null)'],
    ['startsWith~(process.name, "py") and cidrmatch(source.ip, "10.0.0.0/8", "::1")', '(and (startsWith~ process.name "py") (cidrmatch source.ip "10.0.0.0/8" "::1"))'],
    ['5 < process.pid', '(< 5 process.pid)'],
  ])('%s', (text, expected) => {
    expect(condition(text)).toBe(expected);
  });

  it('reads the category: identifier, quoted string or any', () => {
    expect(parseQuery('process where true')).toMatchObject({ category: 'process', anyCategory: false });
    expect(parseQuery('"my-category" where true')).toMatchObject({ category: 'my-category', anyCategory: false });
    expect(parseQuery('any where true')).toMatchObject({ category: 'any', anyCategory: true });
  });
});

describe('lexer', () => {
  it('reads the case-insensitive keywords and tilde function names as single tokens', () => {
    const kinds = tokenize('in~ like~ regex~ startsWith~ in like').map((token) =>
      token.kind === 'keyword' ? token.keyword : token.kind === 'tilde-identifier' ? `${token.name}~` : token.kind,
    );
    expect(kinds).toEqual(['in~', 'like~', 'regex~', 'startsWith~', 'in', 'like', 'eof']);
  });

  it('keeps keywords case-sensitive, as Elasticsearch does', () => {
    const [first] = tokenize('AND');
    expect(first).toMatchObject({ kind: 'identifier', name: 'AND' });
  });

  it('decodes escapes and keeps raw strings verbatim', () => {
    const values = tokenize('"\\t\\b\\f\\n\\r\\"\\\'\\\\\\u{41}\\u{1F600}" """a\\n"b""""')
      .filter((token) => token.kind === 'string')
      .map((token) => (token.kind === 'string' ? token.value : ''));
    expect(values).toEqual(['\t\b\f\n\r"\'\\A😀', 'a\\n"b"']);
  });

  it('takes up to two quotes after the closing triple quote into a raw string', () => {
    const strings = tokenize('"""x""""" """""" ""').flatMap((token) => (token.kind === 'string' ? [token.value] : []));
    expect(strings).toEqual(['x""', '', '']);
  });

  it('records where each token starts and ends', () => {
    const [category, where] = tokenize('process  where');
    expect(category).toMatchObject({ start: 0, end: 7 });
    expect(where).toMatchObject({ start: 9, end: 14 });
  });
});
