import { EqlError } from './eql-error.js';
import { KEYWORDS, type Keyword, type Operator, type Token } from './tokens.js';

/**
 * Splits an EQL query into tokens with Elasticsearch's lexical rules (EqlBase.g4): white space is
 * space, tab, CR and LF only; `//` and nestable `/* … *\/` comments; strings in double quotes
 * (no raw line breaks, escapes `\t \b \f \n \r \" \' \\ \u{2–8 hex}`) or raw in triple double
 * quotes (no line breaks, nothing escaped); single quotes and the old `?"…"` raw form are errors
 * that say what to write instead. Throws `EqlError` on the first problem.
 */
export function tokenize(query: string): Token[] {
  return new Lexer(query).run();
}

const KEYWORD_SET: ReadonlySet<string> = new Set(KEYWORDS);
const INSENSITIVE_KEYWORDS: ReadonlySet<string> = new Set(['in', 'like', 'regex']);

/** Longest operators first so `<=` is not read as `<` `=`. */
const OPERATORS: readonly Operator[] = [
  '==',
  '!=',
  '<=',
  '>=',
  '<',
  '>',
  '=',
  ':',
  '+',
  '-',
  '*',
  '/',
  '%',
  '.',
  ',',
  '[',
  ']',
  '(',
  ')',
  '|',
  '?',
  '!',
];

// Sticky patterns, applied at a given offset of the query.
const UNICODE_ESCAPE = /\\u\{([0-9A-Fa-f]*)\}/y;
const NUMBER = /(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/y;

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  t: '\t',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  '"': '"',
  "'": "'",
  '\\': '\\',
};

class Lexer {
  private pos = 0;
  private readonly tokens: Token[] = [];

  constructor(private readonly query: string) {}

  run(): Token[] {
    for (;;) {
      this.skipSpaceAndComments();
      if (this.pos >= this.query.length) break;
      this.tokens.push(this.next());
    }
    this.tokens.push({ kind: 'eof', start: this.query.length, end: this.query.length });
    return this.tokens;
  }

  private next(): Token {
    const ch = this.query[this.pos] ?? '';
    if (ch === '"') return this.query.startsWith('"""', this.pos) ? this.rawString() : this.string();
    if (ch === "'") {
      throw this.error('Use double quotes ["] to define string literals, not single quotes [\']', this.pos);
    }
    if (ch === '?' && (this.query[this.pos + 1] === '"' || this.query[this.pos + 1] === "'")) {
      throw this.error(
        `Use triple double quotes ["""] to define unescaped string literals, not [?${this.query[this.pos + 1]}]`,
        this.pos,
      );
    }
    if (ch === '`') return this.quotedIdentifier();
    if (isDigit(ch) || (ch === '.' && isDigit(this.query[this.pos + 1] ?? ''))) return this.number();
    if (isIdentifierStart(ch)) return this.word();
    for (const operator of OPERATORS) {
      if (this.query.startsWith(operator, this.pos)) {
        const start = this.pos;
        this.pos += operator.length;
        return { kind: 'operator', operator, start, end: this.pos };
      }
    }
    const code = this.query.codePointAt(this.pos) ?? 0;
    const shown = code < 0x20 || (code >= 0x7f && code <= 0xa0) ? `U+${hex(code)}` : `'${String.fromCodePoint(code)}'`;
    throw this.error(`unexpected character ${shown}`, this.pos);
  }

  private skipSpaceAndComments(): void {
    while (this.pos < this.query.length) {
      const ch = this.query[this.pos];
      if (ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n') {
        this.pos++;
      } else if (this.query.startsWith('//', this.pos)) {
        const newline = this.query.indexOf('\n', this.pos);
        this.pos = newline === -1 ? this.query.length : newline + 1;
      } else if (this.query.startsWith('/*', this.pos)) {
        this.blockComment();
      } else {
        return;
      }
    }
  }

  /** Block comments nest, as in Elasticsearch's grammar. */
  private blockComment(): void {
    const start = this.pos;
    let depth = 0;
    while (this.pos < this.query.length) {
      if (this.query.startsWith('/*', this.pos)) {
        depth++;
        this.pos += 2;
      } else if (this.query.startsWith('*/', this.pos)) {
        depth--;
        this.pos += 2;
        if (depth === 0) return;
      } else {
        this.pos++;
      }
    }
    throw this.error('unterminated comment: close it with */', start);
  }

  private string(): Token {
    const start = this.pos;
    this.pos++;
    let value = '';
    for (;;) {
      const ch = this.query[this.pos];
      if (ch === undefined) throw this.error('unterminated string: add the closing double quote', start);
      if (ch === '\n' || ch === '\r') {
        throw this.error('line break inside a string: write \\n (or \\r) instead', this.pos);
      }
      if (ch === '"') break;
      if (ch === '\\') {
        value += this.escape();
      } else {
        value += ch;
        this.pos++;
      }
    }
    this.pos++;
    return { kind: 'string', value, start, end: this.pos };
  }

  private escape(): string {
    const start = this.pos;
    const letter = this.query[this.pos + 1];
    if (letter !== undefined && letter in SIMPLE_ESCAPES) {
      this.pos += 2;
      return SIMPLE_ESCAPES[letter] ?? '';
    }
    if (letter === 'u') return this.unicodeEscape(start);
    const shown = letter === undefined ? '\\' : `\\${letter}`;
    throw this.error(
      `unknown escape sequence ${shown}: write \\\\ for a backslash, or use a raw string """…"""`,
      start,
    );
  }

  /** `\u{XXXX}`: 2 to 8 hex digits, a Unicode scalar value (no surrogates), as Elasticsearch requires. */
  private unicodeEscape(start: number): string {
    UNICODE_ESCAPE.lastIndex = start;
    const match = UNICODE_ESCAPE.exec(this.query);
    if (!match) throw this.error('invalid unicode escape: write \\u{XXXX} with 2 to 8 hex digits', start);
    const digits = match[1] ?? '';
    if (digits.length < 2 || digits.length > 8) {
      throw this.error(
        `Unicode sequence should use [2-8] hex digits, [${match[0]}] has [${digits.length}]`,
        start,
      );
    }
    const code = Number.parseInt(digits, 16);
    if (code >= 0xd800 && code <= 0xdfff) {
      throw this.error(`Invalid unicode character code, [${digits}] is a surrogate code`, start);
    }
    if (code > 0x10ffff) throw this.error(`Invalid unicode character code [${digits}]`, start);
    this.pos = start + match[0].length;
    return String.fromCodePoint(code);
  }

  /**
   * `"""…"""`: the shortest run up to `"""`, plus up to two more quotes that belong to the content
   * (so `""""a""""` is `"a"`), exactly like Elasticsearch's lexer. No line breaks.
   */
  private rawString(): Token {
    const start = this.pos;
    const close = this.query.indexOf('"""', start + 3);
    const lineBreak = this.query.slice(start + 3, close === -1 ? undefined : close).search(/[\r\n]/);
    if (lineBreak !== -1) {
      throw this.error('line break inside a raw string: raw strings must stay on one line', start + 3 + lineBreak);
    }
    if (close === -1) throw this.error('unterminated raw string: close it with """', start);
    let end = close + 3;
    for (let extra = 0; extra < 2 && this.query[end] === '"'; extra++) end++;
    this.pos = end;
    return { kind: 'string', value: this.query.slice(start + 3, end - 3), start, end };
  }

  /** `` `name` ``; a doubled backquote stands for one. */
  private quotedIdentifier(): Token {
    const start = this.pos;
    this.pos++;
    let name = '';
    for (;;) {
      const ch = this.query[this.pos];
      if (ch === undefined) throw this.error('unterminated field name: close it with `', start);
      if (ch === '`') {
        if (this.query[this.pos + 1] !== '`') break;
        name += '`';
        this.pos += 2;
      } else {
        name += ch;
        this.pos++;
      }
    }
    this.pos++;
    if (name === '') throw this.error('empty field name between backquotes', start);
    return { kind: 'quoted-identifier', name, start, end: this.pos };
  }

  private number(): Token {
    const start = this.pos;
    NUMBER.lastIndex = start;
    const text = NUMBER.exec(this.query)?.[0] ?? '';
    // An exponent marker with no digits ("1e") is not a number in the grammar.
    const after = this.query[start + text.length];
    if (after === 'e' || after === 'E') {
      throw this.error(`malformed number '${this.query.slice(start, start + text.length + 1)}'`, start);
    }
    const value = Number(text);
    if (!Number.isFinite(value)) throw this.error(`number ${text} is too large`, start);
    this.pos += text.length;
    return { kind: 'number', value, start, end: this.pos };
  }

  private word(): Token {
    const start = this.pos;
    let end = start + 1;
    while (end < this.query.length && isIdentifierPart(this.query[end] ?? '')) end++;
    const name = this.query.slice(start, end);
    if (this.query[end] === '~' && /^[A-Za-z]/.test(name)) {
      this.pos = end + 1;
      if (INSENSITIVE_KEYWORDS.has(name)) {
        return { kind: 'keyword', keyword: `${name}~` as 'in~' | 'like~' | 'regex~', start, end: this.pos };
      }
      return { kind: 'tilde-identifier', name, start, end: this.pos };
    }
    this.pos = end;
    if (KEYWORD_SET.has(name)) return { kind: 'keyword', keyword: name as Keyword, start, end };
    return { kind: 'identifier', name, start, end };
  }

  private error(detail: string, offset: number): EqlError {
    return new EqlError('E_EQL_SYNTAX', detail, this.query, offset);
  }
}

function isDigit(ch: string): boolean {
  return ch >= '0' && ch <= '9';
}

function isLetter(ch: string): boolean {
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

function isIdentifierStart(ch: string): boolean {
  return isLetter(ch) || ch === '_' || ch === '@';
}

function isIdentifierPart(ch: string): boolean {
  return isLetter(ch) || isDigit(ch) || ch === '_';
}

function hex(code: number): string {
  return code.toString(16).toUpperCase().padStart(4, '0');
}
