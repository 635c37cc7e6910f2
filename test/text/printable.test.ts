import { describe, expect, it } from 'vitest';
import { printable } from '../../src/text/printable.js';

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
