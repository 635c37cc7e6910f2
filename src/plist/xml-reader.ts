import { PlistError } from './plist-error.js';
import { MAX_PLIST_DEPTH, setDictKey } from './dict.js';
import type { PlistDict, PlistValue } from './plist-value.js';

/**
 * Reads an XML property list (Apple's PropertyList-1.0 DTD) into plain values.
 *
 * A small purpose-built parser rather than a general XML library: plists use a handful of
 * elements and no namespaces or attributes that matter, and a narrow grammar is easier to make
 * strict. It follows CFPropertyList where behaviour matters for auditing: a repeated dict key keeps
 * its last value, whitespace inside `<string>` is preserved, `<data>` ignores whitespace.
 * Every failure is a `PlistError` (`E_PLIST_XML`) with the line and column.
 */
export function parseXmlPlist(text: string, source?: string): PlistValue {
  return new XmlPlistParser(text, source).parseDocument();
}

const NAMED_ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

interface StartTag {
  name: string;
  /** `<name/>` */
  selfClosing: boolean;
  offset: number;
}

class XmlPlistParser {
  private pos = 0;

  constructor(
    private readonly text: string,
    private readonly source: string | undefined,
  ) {
    if (text.charCodeAt(0) === 0xfeff) this.pos = 1;
  }

  parseDocument(): PlistValue {
    this.skipMisc(true);
    const root = this.readStartTag();
    let value: PlistValue;
    if (root.name === 'plist') {
      if (root.selfClosing) this.fail('the <plist> element is empty', root.offset);
      this.skipMisc(false);
      value = this.parseValue(this.readStartTag(), 1);
      this.skipMisc(false);
      this.readEndTag('plist');
    } else {
      // CFPropertyList also accepts a document whose root is the value itself.
      value = this.parseValue(root, 1);
    }
    this.skipMisc(false);
    if (this.pos < this.text.length) this.fail('unexpected content after the end of the plist');
    return value;
  }

  private parseValue(tag: StartTag, depth: number): PlistValue {
    if (depth > MAX_PLIST_DEPTH) this.fail(`nesting deeper than ${MAX_PLIST_DEPTH} levels`, tag.offset);
    switch (tag.name) {
      case 'dict':
        return this.parseDict(tag, depth);
      case 'array':
        return this.parseArray(tag, depth);
      case 'string':
        return this.readText(tag);
      case 'key':
        return this.fail('a <key> outside a <dict>', tag.offset);
      case 'true':
      case 'false':
        if (!tag.selfClosing) this.readEmptyBody(tag);
        return tag.name === 'true';
      case 'integer':
        return this.parseInteger(this.readText(tag).trim(), tag.offset);
      case 'real':
        return this.parseReal(this.readText(tag).trim(), tag.offset);
      case 'date':
        return this.parseDate(this.readText(tag).trim(), tag.offset);
      case 'data':
        return this.parseData(this.readText(tag), tag.offset);
      default:
        return this.fail(`unknown element <${tag.name}>`, tag.offset);
    }
  }

  private parseDict(tag: StartTag, depth: number): PlistDict {
    const dict: PlistDict = {};
    if (tag.selfClosing) return dict;
    for (;;) {
      this.skipMisc(false);
      if (this.text.startsWith('</', this.pos)) {
        this.readEndTag('dict');
        return dict;
      }
      const keyTag = this.readStartTag();
      if (keyTag.name !== 'key') this.fail(`expected <key> in <dict>, found <${keyTag.name}>`, keyTag.offset);
      const key = this.readText(keyTag);
      this.skipMisc(false);
      if (this.text.startsWith('</', this.pos)) this.fail(`the key "${key}" has no value`);
      setDictKey(dict, key, this.parseValue(this.readStartTag(), depth + 1));
    }
  }

  private parseArray(tag: StartTag, depth: number): PlistValue[] {
    const array: PlistValue[] = [];
    if (tag.selfClosing) return array;
    for (;;) {
      this.skipMisc(false);
      if (this.text.startsWith('</', this.pos)) {
        this.readEndTag('array');
        return array;
      }
      array.push(this.parseValue(this.readStartTag(), depth + 1));
    }
  }

  private parseInteger(body: string, offset: number): number | bigint {
    const match = /^([+-]?)(?:0x([0-9a-fA-F]+)|([0-9]+))$/.exec(body);
    if (!match) return this.fail(`"${body}" is not an integer`, offset);
    const digits = match[2] !== undefined ? `0x${match[2]}` : (match[3] ?? '');
    let value = BigInt(digits);
    if (match[1] === '-') value = -value;
    // CFNumber holds 64-bit signed integers (and unsigned up to 2^64-1 in binary plists).
    if (value < -(2n ** 63n) || value >= 2n ** 64n) this.fail(`the integer ${body} does not fit in 64 bits`, offset);
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
  }

  private parseReal(body: string, offset: number): number {
    const lower = body.toLowerCase();
    if (lower === 'nan') return Number.NaN;
    if (/^[+]?inf(inity)?$/.test(lower)) return Number.POSITIVE_INFINITY;
    if (/^-inf(inity)?$/.test(lower)) return Number.NEGATIVE_INFINITY;
    if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(body)) this.fail(`"${body}" is not a real number`, offset);
    return Number(body);
  }

  private parseDate(body: string, offset: number): Date {
    // The DTD's only format: 2024-01-31T12:00:00Z (UTC, no fraction).
    const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/.exec(body);
    if (!match) return this.fail(`"${body}" is not a plist date (YYYY-MM-DDTHH:MM:SSZ)`, offset);
    const [, y, mo, d, h, mi, s] = match.map(Number) as [number, number, number, number, number, number, number];
    const date = new Date(0);
    date.setUTCFullYear(y, mo - 1, d); // not Date.UTC, which maps years 0–99 to 1900–1999
    date.setUTCHours(h, mi, s, 0);
    if (date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) {
      this.fail(`"${body}" is not a valid date`, offset);
    }
    return date;
  }

  private parseData(body: string, offset: number): Uint8Array {
    const compact = body.replace(/[\s]+/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 === 1) {
      this.fail('<data> is not valid base64', offset);
    }
    return new Uint8Array(Buffer.from(compact, 'base64'));
  }

  /** Reads character data (entities and CDATA decoded, comments skipped) up to the closing tag. */
  private readText(tag: StartTag): string {
    if (tag.selfClosing) return '';
    let out = '';
    for (;;) {
      const lt = this.text.indexOf('<', this.pos);
      if (lt === -1) this.fail(`<${tag.name}> is never closed`, tag.offset);
      out += this.decodeEntities(this.text.slice(this.pos, lt), this.pos);
      this.pos = lt;
      if (this.text.startsWith('<!--', this.pos)) {
        this.skipComment();
      } else if (this.text.startsWith('<![CDATA[', this.pos)) {
        const end = this.text.indexOf(']]>', this.pos);
        if (end === -1) this.fail('unterminated CDATA section');
        out += this.text.slice(this.pos + 9, end);
        this.pos = end + 3;
      } else if (this.text.startsWith('</', this.pos)) {
        this.readEndTag(tag.name);
        return out;
      } else {
        this.fail(`unexpected element inside <${tag.name}>`);
      }
    }
  }

  private readEmptyBody(tag: StartTag): void {
    if (this.readText(tag).trim() !== '') this.fail(`<${tag.name}> must be empty`, tag.offset);
  }

  private decodeEntities(raw: string, offset: number): string {
    if (!raw.includes('&')) return raw;
    return raw.replace(/&([^;&\s]*);?/g, (whole, name: string, index: number) => {
      if (!whole.endsWith(';')) this.fail('an "&" that does not start an entity (write &amp;)', offset + index);
      const named = NAMED_ENTITIES[name];
      if (named !== undefined) return named;
      const numeric = /^#(?:x([0-9a-fA-F]+)|([0-9]+))$/.exec(name);
      if (numeric) {
        const code = numeric[1] !== undefined ? parseInt(numeric[1], 16) : parseInt(numeric[2] ?? '', 10);
        if (code > 0 && code <= 0x10ffff) return String.fromCodePoint(code);
      }
      return this.fail(`unknown entity &${name};`, offset + index);
    });
  }

  private readStartTag(): StartTag {
    const offset = this.pos;
    if (this.text[this.pos] !== '<' || this.text[this.pos + 1] === '/') {
      this.fail(this.pos >= this.text.length ? 'unexpected end of document' : 'expected an element');
    }
    const end = this.findTagEnd(this.pos);
    const inner = this.text.slice(this.pos + 1, end);
    const selfClosing = inner.endsWith('/');
    const name = /^[A-Za-z_][\w.-]*/.exec(inner)?.[0];
    if (!name) this.fail('malformed start tag', offset);
    this.pos = end + 1;
    return { name, selfClosing, offset };
  }

  private readEndTag(name: string): void {
    const offset = this.pos;
    const end = this.findTagEnd(this.pos);
    const found = this.text.slice(this.pos + 2, end).trim();
    if (found !== name) this.fail(`expected </${name}>, found </${found}>`, offset);
    this.pos = end + 1;
  }

  /** The index of the `>` closing the tag at `from`, honouring quoted attribute values. */
  private findTagEnd(from: number): number {
    let quote: string | null = null;
    for (let i = from + 1; i < this.text.length; i++) {
      const ch = this.text[i];
      if (quote !== null) {
        if (ch === quote) quote = null;
      } else if (ch === '"' || ch === "'") {
        quote = ch;
      } else if (ch === '>') {
        return i;
      } else if (ch === '<') {
        break;
      }
    }
    return this.fail('unterminated tag', from);
  }

  /** Skips whitespace, comments, processing instructions and (before the root) a DOCTYPE. */
  private skipMisc(prolog: boolean): void {
    for (;;) {
      while (this.pos < this.text.length && /\s/.test(this.text[this.pos] ?? '')) this.pos++;
      if (this.text.startsWith('<!--', this.pos)) {
        this.skipComment();
      } else if (this.text.startsWith('<?', this.pos)) {
        const end = this.text.indexOf('?>', this.pos);
        if (end === -1) this.fail('unterminated processing instruction');
        this.pos = end + 2;
      } else if (prolog && this.text.startsWith('<!DOCTYPE', this.pos)) {
        this.skipDoctype();
      } else {
        return;
      }
    }
  }

  private skipComment(): void {
    const end = this.text.indexOf('-->', this.pos + 4);
    if (end === -1) this.fail('unterminated comment');
    this.pos = end + 3;
  }

  private skipDoctype(): void {
    let depth = 0;
    for (let i = this.pos; i < this.text.length; i++) {
      const ch = this.text[i];
      if (ch === '[') depth++;
      else if (ch === ']') depth--;
      else if (ch === '>' && depth <= 0) {
        this.pos = i + 1;
        return;
      }
    }
    this.fail('unterminated DOCTYPE');
  }

  private fail(message: string, offset: number = this.pos): never {
    const before = this.text.slice(0, Math.min(offset, this.text.length));
    const line = before.split('\n').length;
    const column = offset - before.lastIndexOf('\n');
    throw new PlistError('E_PLIST_XML', `invalid XML plist at line ${line}, column ${column}: ${message}`, {
      source: this.source,
    });
  }
}
