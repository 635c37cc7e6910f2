import { describe, expect, it } from 'vitest';
import { displayCommand } from '../../src/audit/display-text.js';

describe('displayCommand', () => {
  it('quotes words only when a shell would need it', () => {
    expect(displayCommand('/bin/sh', ['-c', 'curl x | sh'])).toBe(`/bin/sh -c 'curl x | sh'`);
    expect(displayCommand('/usr/bin/env', ['A=1', ''])).toBe(`/usr/bin/env A=1 ''`);
    expect(displayCommand('/bin/echo', ["it's"])).toBe(`/bin/echo 'it'\\''s'`);
    expect(displayCommand('/bin/echo', ['a\nb'])).toBe(`/bin/echo $'a\\nb'`);
    expect(displayCommand('/bin/echo', ['a\\nb'])).toBe(`/bin/echo 'a\\nb'`);
  });

  it('shows terminal escapes and invisible characters as escapes a shell reads back', () => {
    const args = ['-c', 'x\u001b]0;pwned\u0007\u202Egnp.sh', "it's \u009b"];
    const shown = displayCommand('/bin/sh', args);
    expect(shown).toBe(`/bin/sh -c $'x\\x1b]0;pwned\\x07\\u202egnp.sh' $'it\\'s \\u009b'`);
    expect(shown).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202e]/);
  });
});
