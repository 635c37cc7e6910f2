import { describe, expect, it } from 'vitest';
import { printable, printableJson, printableLines } from '../../src/text/printable.js';

describe('printable', () => {
  it.each([
    ['plain text', 'curl -fsSL http://x | sh', 'curl -fsSL http://x | sh'],
    ['a terminal escape', 'ls\u001b[2J', 'ls\\x1b[2J'],
    ['newlines and tabs', 'a\nb\tc\rd', 'a\\nb\\tc\\rd'],
    ['C1 controls', 'x\u009bA', 'x\\x9bA'],
    ['a right-to-left override that would disguise a command', 'rm -rf /\u202Egnp.', 'rm -rf /\\u202egnp.'],
    ['isolates and line separators', '\u2066a\u2069\u2028', '\\u2066a\\u2069\\u2028'],
    ['non-ASCII letters, which are not controls', 'café 日本', 'café 日本'],
    // From an audited emond rule: control, C1 and bidi-override characters together.
    ['a mix of controls in an audited rule', 'a\u001b[31mb\u0007\n\t\r\u009b\u202e!', 'a\\x1b[31mb\\x07\\n\\t\\r\\x9b\\u202e!'],
    ['an emoji and a dash', 'café — 😀 /bin/sh', 'café — 😀 /bin/sh'],
  ])('%s', (_what, input, shown) => {
    expect(printable(input)).toBe(shown);
  });
});

describe('printable: invisible format characters (Unicode Cf and friends)', () => {
  it.each([
    ['zero-width space, joiners and marks', 'a\u200Bb\u200Cc\u200Dd\u200Ee\u200Ff', 'a\\u200bb\\u200cc\\u200dd\\u200ee\\u200ff'],
    ['the Arabic letter mark and the soft hyphen', 'x\u061Cy\u00ADz', 'x\\u061cy\\xadz'],
    ['a byte-order mark and word joiner', '\uFEFFsh\u2060', '\\ufeffsh\\u2060'],
    ['every bidi embedding, override and isolate', '\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069', '\\u202a\\u202b\\u202c\\u202d\\u202e\\u2066\\u2067\\u2068\\u2069'],
    ['paragraph separator', 'a\u2029b', 'a\\u2029b'],
    ['Unicode tag characters hiding text', 'ok\u{E0001}\u{E0068}\u{E0069}', 'ok\\u{e0001}\\u{e0068}\\u{e0069}'],
    ['a lone surrogate', 'a\uD800b', 'a\\ud800b'],
    ['Hangul fillers that look like nothing', '\u3164\u115F', '\\u3164\\u115f'],
    ['DEL', 'a\u007Fb', 'a\\x7fb'],
  ])('%s', (_what, input, shown) => {
    expect(printable(input)).toBe(shown);
  });

  it('printableLines keeps line breaks and tabs, escapes the rest', () => {
    expect(printableLines('## Guide\n\tstep\u202E1\r\n')).toBe('## Guide\n\tstep\\u202e1\\r\n');
  });

  it('printableJson is the same JSON value with nothing invisible left raw', () => {
    const value = { args: ['sh', '-c', 'x\u009b2J\u202E\u{E0041}'], n: 1 };
    const json = printableJson(value);
    expect(json).not.toMatch(/[\u0080-\u009f\u202e]|\u{E0041}/u);
    expect(json).toContain('x\\u009b2J\\u202e\\udb40\\udc41');
    expect(JSON.parse(json)).toEqual(value);
    expect(printableJson({ a: 'plain' })).toBe(JSON.stringify({ a: 'plain' }, null, 2));
  });
});
