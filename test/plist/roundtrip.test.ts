import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  PlistError,
  parseBinaryPlist,
  parsePlist,
  parseXmlPlist,
  toXmlPlist,
  type PlistValue,
} from '../../src/plist/index.js';
import { plistlib, tag, untag } from './plistlib.js';

/** Characters XML 1.0 can carry (no C0 controls but tab/LF/CR, no lone surrogates). */
const xmlString = fc
  .string({ unit: 'binary', maxLength: 20 })
  .filter((s) => !/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/.test(s));

const plistValue: fc.Arbitrary<PlistValue> = fc.letrec<{ value: PlistValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    xmlString,
    fc.boolean(),
    fc.integer(),
    fc.bigInt({ min: -(2n ** 63n), max: 2n ** 64n - 1n }).map((b) =>
      b >= BigInt(Number.MIN_SAFE_INTEGER) && b <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : b,
    ),
    fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Number.isInteger(d)),
    fc.integer({ min: -2_000_000_000, max: 4_000_000_000 }).map((s) => new Date(s * 1000)),
    fc.uint8Array({ maxLength: 80 }),
    fc.array(tie('value'), { maxLength: 4 }),
    fc
      .uniqueArray(fc.tuple(xmlString, tie('value')), { maxLength: 4, selector: ([k]) => k })
      .map((entries) => Object.fromEntries(entries) as PlistValue),
  ),
})).value;

describe('plist round trips', () => {
  it('toXmlPlist → parseXmlPlist gives the value back', () => {
    fc.assert(
      fc.property(plistValue, (value) => {
        expect(parseXmlPlist(toXmlPlist(value))).toEqual(value);
      }),
      { numRuns: 300 },
    );
  });

  it('an independent implementation (python plistlib) agrees with our writer and our binary reader', () => {
    const values = fc.sample(plistValue, { numRuns: 150, seed: 20240611 });
    const written = values.map((value) => ({ op: 'read' as const, data: Buffer.from(toXmlPlist(value)).toString('base64') }));
    const binaries = values.map((value) => ({ op: 'binary' as const, value: tag(value) }));
    const answers = plistlib([...written, ...binaries]);
    values.forEach((value, i) => {
      const readBack = answers[i];
      expect(readBack?.error, JSON.stringify(tag(value))).toBeUndefined();
      expect(untag(readBack!.value!)).toEqual(value);
      const binary = answers[values.length + i];
      expect(binary?.error).toBeUndefined();
      expect(parseBinaryPlist(new Uint8Array(Buffer.from(binary!.data!, 'base64')))).toEqual(value);
    });
  });

  it('our XML is the same document plistlib writes, modulo formatting', () => {
    const value: PlistValue = { Label: 'x', Args: ['a', 'b'], N: 3, On: true };
    const [answer] = plistlib([{ op: 'xml', value: tag(value) }]);
    const theirs = Buffer.from(answer!.data!, 'base64').toString('utf8');
    expect(parseXmlPlist(theirs)).toEqual(parseXmlPlist(toXmlPlist(value)));
  });

  it('parsers never throw anything but PlistError on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.boolean(), (bytes, asBinary) => {
        const input = asBinary ? Uint8Array.from([...Buffer.from('bplist00'), ...bytes]) : bytes;
        try {
          parsePlist(input);
        } catch (error) {
          expect(error).toBeInstanceOf(PlistError);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('the XML parser never throws anything but PlistError on mangled plists', () => {
    const sample = toXmlPlist({ a: ['b', 1, 2.5, true, new Date(0), new Uint8Array([1])], c: { d: 'e' } });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: sample.length }), fc.integer({ min: 0, max: 40 }), fc.string(), (at, cut, insert) => {
        const mangled = sample.slice(0, at) + insert + sample.slice(at + cut);
        try {
          parseXmlPlist(mangled);
        } catch (error) {
          expect(error).toBeInstanceOf(PlistError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('toXmlPlist', () => {
  it('writes Apple’s layout', () => {
    expect(toXmlPlist({ Label: 'com.emondguard.agent', RunAtLoad: true, Args: ['a'], Empty: [] })).toBe(
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
        '<plist version="1.0">',
        '<dict>',
        '\t<key>Label</key>',
        '\t<string>com.emondguard.agent</string>',
        '\t<key>RunAtLoad</key>',
        '\t<true/>',
        '\t<key>Args</key>',
        '\t<array>',
        '\t\t<string>a</string>',
        '\t</array>',
        '\t<key>Empty</key>',
        '\t<array/>',
        '</dict>',
        '</plist>',
        '',
      ].join('\n'),
    );
  });

  it('escapes markup and keeps CR', () => {
    const xml = toXmlPlist('a<b>&c\r\n');
    expect(xml).toContain('<string>a&lt;b&gt;&amp;c&#13;\n</string>');
    expect(parseXmlPlist(xml)).toBe('a<b>&c\r\n');
  });

  it.each([
    [null, /null has no plist form/],
    ['bell\u0007', /character XML cannot represent/],
    ['lone \uD800 surrogate', /character XML cannot represent/],
    [2n ** 64n, /does not fit in 64 bits/],
    [new Date(Number.NaN), /invalid Date/],
  ])('refuses %s', (value, message) => {
    expect(() => toXmlPlist(value as PlistValue)).toThrow(message);
  });

  it('refuses a value that contains itself', () => {
    const cyclic: PlistValue[] = [];
    cyclic.push(cyclic);
    expect(() => toXmlPlist(cyclic)).toThrow(/contains itself/);
  });
});
