import { describe, expect, it } from 'vitest';
import { compileLuceneRegex } from '../../src/rules/eql/lucene-regex.js';

/** `[pattern, text, matches]` for case-sensitive Lucene matching of the whole text. */
type Row = [pattern: string, text: string, matches: boolean];

describe('Lucene regular expressions', () => {
  it.each<Row>([
    // Anchoring: the whole value, and ^ $ are plain characters.
    ['abc', 'abc', true],
    ['abc', 'xabcx', false],
    ['^abc$', 'abc', false],
    ['^abc$', '^abc$', true],
    // Any character, any string, nothing.
    ['a.c', 'a\nc', true],
    ['a.c', 'a😀c', true],
    ['a.c', 'a😀😀c', false],
    ['a@', 'anything at all', true],
    ['#', '', false],
    ['', '', true],
    ['()', '', true],
    // Repetition stacks on the atom; it is never lazy.
    ['ab+?', 'a', true],
    ['ab*?', 'a', true],
    ['a{2}', 'aa', true],
    ['a{2}', 'aaa', false],
    ['a{2,}', 'aaaa', true],
    ['a{1,2}b', 'aaab', false],
    ['(ab)+', 'ababab', true],
    // Union binds loosest.
    ['ab|cd', 'cd', true],
    ['a(b|c)d', 'acd', true],
    ['a(b|c)d', 'ad', false],
    // Quoted runs and escapes are literal.
    ['"a.b"', 'a.b', true],
    ['"a.b"', 'axb', false],
    ['a\\.b', 'axb', false],
    ['a\\.b', 'a.b', true],
    ['\\\\', '\\', true],
    ['\\/usr\\/bin', '/usr/bin', true],
    ['a\\&b', 'a&b', true],
    ['a\\~b', 'a~b', true],
    // A character where an atom must start is literal.
    ['*x', '*x', true],
    ['{x}', '{x}', true],
    ['a||b', '|b', true],
    // Character classes.
    ['[abc]', 'b', true],
    ['[a-c]+', 'cab', true],
    ['[^a-c]', 'd', true],
    ['[^a-c]', 'b', false],
    ['[^a]', '😀', true],
    ['[\\]]', ']', true],
    ['[a\\-z]', '-', true],
    ['[a\\-z]', 'm', false],
    ['[.]', 'x', false],
    // Predefined classes use ASCII definitions.
    ['\\d+', '0123', true],
    ['\\d', '٣', false],
    ['\\D', 'x', true],
    ['\\w+', 'a_Z9', true],
    ['\\w', 'é', false],
    ['\\W', 'é', true],
    ['\\s', ' ', true],
    ['\\s', '\t', true],
    ['\\s', '\u00a0', false],
    ['\\s', '\f', false],
    ['\\S', 'x', true],
    ['[\\d\\s]+', '1 2', true],
  ])('%j on %j → %s', (pattern, text, matches) => {
    expect(compileLuceneRegex(pattern, false).matches(text)).toBe(matches);
  });

  it.each<Row>([
    ['abc', 'ABC', true],
    ['"ab"', 'AB', true],
    ['[ab]+', 'AB', true],
    ['[a-b]', 'A', false],
    ['é', 'É', false],
    ['s', 'ſ', false],
    ['k', '\u212a', false],
  ])('case-insensitive %j on %j → %s (ASCII folding only, single characters only)', (pattern, text, matches) => {
    expect(compileLuceneRegex(pattern, true).matches(text)).toBe(matches);
  });
});
