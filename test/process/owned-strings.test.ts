import { describe, expect, it } from 'vitest';
import { OwnedStrings } from '../../src/process/owned-strings.js';

describe('OwnedStrings', () => {
  it('returns an equal string, one shared copy per distinct value', () => {
    const strings = new OwnedStrings();
    const batch = 'xx/bin/shyy/sbin/emond';
    const first = strings.own(batch.slice(2, 9));
    expect(first).toBe('/bin/sh');
    expect(strings.own(batch.slice(2, 9))).toBe(first);
    expect(strings.own('/sbin/emond')).toBe('/sbin/emond');
    expect(strings.size).toBe(2);
  });

  it('starts over past its capacity, so it never grows without bound', () => {
    const strings = new OwnedStrings(3);
    for (const path of ['/a', '/b', '/c']) strings.own(path);
    expect(strings.size).toBe(3);
    expect(strings.own('/d')).toBe('/d');
    expect(strings.size).toBe(1);
  });

  it('keeps strings that JSON escapes intact', () => {
    const strings = new OwnedStrings();
    const odd = '/tmp/a "quoted"\\path\n\u0001é😀';
    expect(strings.own(odd)).toBe(odd);
  });
});
