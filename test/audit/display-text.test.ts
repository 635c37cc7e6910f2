import { describe, expect, it } from 'vitest';
import { displayCommand, displayText } from '../../src/audit/display-text.js';

describe('displayText', () => {
  it('shows control, C1 and bidi-override characters as escapes', () => {
    expect(displayText('a\u001b[31mb\u0007\n\t\r\u009b\u202e!')).toBe('a\\x1b[31mb\\x07\\n\\t\\r\\x9b\\u202e!');
  });
  it('leaves printable text, including non-ASCII, alone', () => {
    expect(displayText('café — 😀 /bin/sh')).toBe('café — 😀 /bin/sh');
  });
});

describe('displayCommand', () => {
  it('quotes words only when a shell would need it', () => {
    expect(displayCommand('/bin/sh', ['-c', 'curl x | sh'])).toBe(`/bin/sh -c 'curl x | sh'`);
    expect(displayCommand('/usr/bin/env', ['A=1', ''])).toBe(`/usr/bin/env A=1 ''`);
    expect(displayCommand('/bin/echo', ["it's"])).toBe(`/bin/echo 'it'\\''s'`);
    expect(displayCommand('/bin/echo', ['a\nb'])).toBe(`/bin/echo 'a\\nb'`);
  });
});
