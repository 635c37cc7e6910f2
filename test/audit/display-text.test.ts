import { describe, expect, it } from 'vitest';
import { displayCommand } from '../../src/audit/display-text.js';

describe('displayCommand', () => {
  it('quotes words only when a shell would need it', () => {
    expect(displayCommand('/bin/sh', ['-c', 'curl x | sh'])).toBe(`/bin/sh -c 'curl x | sh'`);
    expect(displayCommand('/usr/bin/env', ['A=1', ''])).toBe(`/usr/bin/env A=1 ''`);
    expect(displayCommand('/bin/echo', ["it's"])).toBe(`/bin/echo 'it'\\''s'`);
    expect(displayCommand('/bin/echo', ['a\nb'])).toBe(`/bin/echo 'a\\nb'`);
  });
});
