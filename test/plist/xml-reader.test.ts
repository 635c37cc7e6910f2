import { describe, expect, it } from 'vitest';
import { PlistError, parseXmlPlist, type PlistValue } from '../../src/plist/index.js';

const HEADER =
  '<?xml version="1.0" encoding="UTF-8"?>\n' +
  '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n';

function plist(body: string): PlistValue {
  return parseXmlPlist(`${HEADER}<plist version="1.0">\n${body}\n</plist>\n`);
}

function failure(text: string): PlistError {
  try {
    parseXmlPlist(text);
  } catch (error) {
    expect(error).toBeInstanceOf(PlistError);
    return error as PlistError;
  }
  throw new Error('expected a PlistError');
}

describe('parseXmlPlist: values', () => {
  it('reads every scalar type', () => {
    expect(plist('<string>a &lt;b&gt; &amp; &quot;c&quot; &apos;d&apos; &#65;&#x42;</string>')).toBe(
      `a <b> & "c" 'd' AB`,
    );
    expect(plist('<integer>42</integer>')).toBe(42);
    expect(plist('<integer>-7</integer>')).toBe(-7);
    expect(plist('<integer>0x1F</integer>')).toBe(31);
    expect(plist('<integer>9223372036854775807</integer>')).toBe(9223372036854775807n);
    expect(plist('<integer>18446744073709551615</integer>')).toBe(18446744073709551615n);
    expect(plist('<real>3.25</real>')).toBe(3.25);
    expect(plist('<real>-1e3</real>')).toBe(-1000);
    expect(plist('<real>nan</real>')).toBeNaN();
    expect(plist('<real>-infinity</real>')).toBe(-Infinity);
    expect(plist('<true/>')).toBe(true);
    expect(plist('<false/>')).toBe(false);
    expect(plist('<date>2024-02-29T23:59:58Z</date>')).toEqual(new Date('2024-02-29T23:59:58Z'));
    expect(plist('<data>\n\taGVs\n\tbG8=\n</data>')).toEqual(new Uint8Array(Buffer.from('hello')));
    expect(plist('<string/>')).toBe('');
  });

  it('keeps whitespace and CDATA inside strings and skips comments', () => {
    expect(plist('<string>  two\n lines </string>')).toBe('  two\n lines ');
    expect(plist('<string>a<![CDATA[<b>&]]>c<!-- hidden -->d</string>')).toBe('a<b>&cd');
  });

  it('reads nested dicts and arrays in order', () => {
    const value = plist(`<dict>
      <!-- a comment between entries -->
      <key>name</key><string>rule</string>
      <key>list</key><array><integer>1</integer><array/><dict/></array>
    </dict>`);
    expect(value).toEqual({ name: 'rule', list: [1, [], {}] });
    expect(Object.keys(value as object)).toEqual(['name', 'list']);
  });

  it('keeps the last value of a repeated key, like CFPropertyList', () => {
    expect(plist('<dict><key>a</key><string>first</string><key>a</key><string>second</string></dict>')).toEqual({
      a: 'second',
    });
  });

  it('stores a __proto__ key as data, never as a prototype', () => {
    const value = plist('<dict><key>__proto__</key><dict><key>polluted</key><true/></dict></dict>') as Record<
      string,
      unknown
    >;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('accepts a document without the plist wrapper, a BOM, and no prolog', () => {
    expect(parseXmlPlist('\uFEFF<array><string>x</string></array>')).toEqual(['x']);
  });
});

describe('parseXmlPlist: malformed input fails with line and column', () => {
  it.each([
    ['<plist><dict><key>a</key></dict></plist>', /key "a" has no value/],
    ['<plist><dict><string>x</string></dict></plist>', /expected <key> in <dict>/],
    ['<plist><array><string>x</array></plist>', /expected <\/string>, found <\/array>/],
    ['<plist><integer>12a</integer></plist>', /"12a" is not an integer/],
    ['<plist><integer>99999999999999999999</integer></plist>', /does not fit in 64 bits/],
    ['<plist><real>1.2.3</real></plist>', /not a real number/],
    ['<plist><date>2024-02-30T00:00:00Z</date></plist>', /not a valid date/],
    ['<plist><date>yesterday</date></plist>', /not a plist date/],
    ['<plist><data>!!!</data></plist>', /not valid base64/],
    ['<plist><string>a & b</string></plist>', /does not start an entity/],
    ['<plist><string>&nbsp;</string></plist>', /unknown entity &nbsp;/],
    ['<plist><dict>', /unexpected end of document/],
    ['<plist><blob/></plist>', /unknown element <blob>/],
    ['<plist><true>yes</true></plist>', /must be empty/],
    ['<plist><string>x</string><string>y</string></plist>', /expected <\/plist>/],
    ['<plist><string>x</string></plist> trailing', /unexpected content after the end/],
    ['<plist/>', /empty/],
    ['', /unexpected end of document/],
    ['<plist><!-- never closed', /unterminated comment/],
  ])('%s', (text, message) => {
    const error = failure(text);
    expect(error.code).toBe('E_PLIST_XML');
    expect(error.message).toMatch(message);
    expect(error.message).toMatch(/line \d+, column \d+/);
  });

  it('points at the right line', () => {
    const error = failure('<plist>\n<dict>\n<key>a</key>\n<integer>x</integer>\n</dict>\n</plist>');
    expect(error.message).toMatch(/line 4, column 1/);
  });

  it('refuses nesting deeper than the limit instead of overflowing the stack', () => {
    const depth = 600;
    const error = failure(`<plist>${'<array>'.repeat(depth)}${'</array>'.repeat(depth)}</plist>`);
    expect(error.message).toMatch(/nesting deeper than 512/);
  });

  it('names the source file in the message', () => {
    expect(() => parseXmlPlist('<plist><nope/></plist>', '/etc/emond.d/rules/x.plist')).toThrow(
      /^\/etc\/emond\.d\/rules\/x\.plist: invalid XML plist/,
    );
  });
});
