// Test-only oracle: the RegExp-based matchers emondguard used before the automata (src/rules/eql/automaton.ts).
// Kept verbatim (imports adjusted) so property tests can compare the new matchers with them; never used in src/.

import { asciiLower, equalsAsciiFolded } from '../../../src/rules/eql/values.js';

/**
 * Elasticsearch EQL wildcards (`like`, `like~`, `:`): `*` is any run of characters, line breaks
 * included; `?` is exactly one code point; the pattern covers the whole value; every other
 * character is literal — backslash too (Elasticsearch turns the pattern into a LIKE pattern whose
 * escape character cannot occur in text). Case-insensitive forms fold ASCII letters only.
 *
 * A list of patterns compiles into one matcher: exact names go into a set, `abc*`, `*abc` and
 * `*abc*` become prefix/suffix/substring checks, and only the rest becomes a regular expression,
 * so the common rule shapes never run a regex.
 */
export type TextMatcher = (text: string) => boolean;

export function oracleCompileWildcards(patterns: readonly string[], caseInsensitive: boolean): TextMatcher {
  const exact = new Set<string>();
  const prefixes: string[] = [];
  const suffixes: string[] = [];
  const infixes: string[] = [];
  const expressions: RegExp[] = [];
  let matchesEverything = false;

  for (const raw of patterns) {
    const pattern = caseInsensitive ? asciiLower(raw) : raw;
    const shape = classify(pattern);
    switch (shape.kind) {
      case 'exact':
        exact.add(shape.text);
        break;
      case 'any':
        matchesEverything = true;
        break;
      case 'prefix':
        prefixes.push(shape.text);
        break;
      case 'suffix':
        suffixes.push(shape.text);
        break;
      case 'infix':
        infixes.push(shape.text);
        break;
      case 'general':
        expressions.push(wildcardRegExp(pattern));
        break;
    }
  }

  if (matchesEverything) return () => true;
  const fold = caseInsensitive ? asciiLower : (text: string): string => text;
  if (exact.size === 1 && prefixes.length + suffixes.length + infixes.length + expressions.length === 0) {
    const only = [...exact][0] as string;
    return caseInsensitive ? (text) => equalsAsciiFolded(text, only) : (text) => text === only;
  }
  return (text) => {
    const value = fold(text);
    if (exact.has(value)) return true;
    for (const prefix of prefixes) if (value.startsWith(prefix)) return true;
    for (const suffix of suffixes) if (value.endsWith(suffix)) return true;
    for (const infix of infixes) if (value.includes(infix)) return true;
    for (const expression of expressions) if (expression.test(value)) return true;
    return false;
  };
}

type Shape =
  | { kind: 'exact' | 'prefix' | 'suffix' | 'infix'; text: string }
  | { kind: 'any' }
  | { kind: 'general' };

function classify(pattern: string): Shape {
  if (pattern.includes('?')) return { kind: 'general' };
  const stars = pattern.split('*');
  if (stars.length === 1) return { kind: 'exact', text: pattern };
  if (stars.every((part) => part === '')) return { kind: 'any' };
  const inner = stars.slice(1, -1);
  const first = stars[0] as string;
  const last = stars[stars.length - 1] as string;
  if (stars.length === 2) return first === '' ? { kind: 'suffix', text: last } : last === '' ? { kind: 'prefix', text: first } : { kind: 'general' };
  if (stars.length === 3 && first === '' && last === '' && inner[0] !== '') return { kind: 'infix', text: inner[0] as string };
  return { kind: 'general' };
}

/** `*` → any run (the `s` flag lets it cross line breaks), `?` → one code point (the `u` flag). */
function wildcardRegExp(pattern: string): RegExp {
  let source = '';
  for (const ch of pattern) {
    if (ch === '*') source += '.*';
    else if (ch === '?') source += '.';
    else source += unit(ch.codePointAt(0) ?? 0);
  }
  return new RegExp(`^${source}$`, 'su');
}
/**
 * Translates a Lucene regular expression — what `regex`/`regex~` take, since Elasticsearch runs
 * them as `regexp` queries — into an anchored JavaScript RegExp with the same meaning:
 *
 * - the whole value must match (`^`/`$` are ordinary characters in Lucene and stay literal);
 * - `.` is any code point, line breaks included; `@` any string; `#` nothing;
 * - `?`, `*`, `+`, `{n}`, `{n,}`, `{n,m}` apply to the atom before them and may stack
 *   (`a+?` is "(a+) optional", never a lazy quantifier);
 * - `"…"` quotes a literal run; `\` makes the next character literal, except the classes
 *   `\d \D \s \S \w \W` (ASCII definitions); a backslash before another letter is an error;
 * - `[…]`/`[^…]` with ranges; reserved characters inside must be escaped too;
 * - a character where an atom must start (`*` first, `|` after `|`, `)` first) is literal, as in
 *   Lucene's parser.
 *
 * Not supported, with an error that says so: intersection `&`, complement `~` (its meaning
 * differs between Elasticsearch 8 and 9), and `<…>` intervals and named automata. Escape the
 * character (`\&`, `\~`, `\<`) to match it literally.
 *
 * Case-insensitive matching folds ASCII letters only, like Elasticsearch's ASCII case-insensitive
 * automata; as in Lucene, a single character folds but a range (`[a-z]`) does not.
 */
export function oracleLuceneToRegExp(pattern: string, caseInsensitive: boolean): RegExp {
  const body = pattern === '' ? '' : new LuceneParser(pattern, caseInsensitive).parse();
  try {
    return new RegExp(`^(?:${body})$`, 'su');
  } catch (error) {
    throw new OracleLuceneRegexError(`the pattern is too complex to evaluate (${(error as Error).message})`, 0);
  }
}

/** A problem in a Lucene pattern, with the 0-based position in the pattern. */
export class OracleLuceneRegexError extends Error {
  constructor(
    readonly reason: string,
    readonly position: number,
  ) {
    super(`${reason} (at position ${position} of the pattern)`);
  }
}

const MAX_DEPTH = 100;
const MAX_REPEAT = 10_000;
const MAX_CODE_POINT = 0x10ffff;

type Range = readonly [number, number];

/** Lucene's predefined classes, as inclusive code point ranges. */
const PREDEFINED: Readonly<Record<string, readonly Range[]>> = {
  d: [[0x30, 0x39]],
  s: [
    [0x09, 0x0a],
    [0x0d, 0x0d],
    [0x20, 0x20],
  ],
  w: [
    [0x30, 0x39],
    [0x41, 0x5a],
    [0x5f, 0x5f],
    [0x61, 0x7a],
  ],
};

class LuceneParser {
  private pos = 0;
  private depth = 0;

  constructor(
    private readonly pattern: string,
    private readonly caseInsensitive: boolean,
  ) {}

  parse(): string {
    const body = this.union();
    if (this.more()) throw this.fail('unbalanced parenthesis: nothing may follow here');
    return body;
  }

  private union(): string {
    if (++this.depth > MAX_DEPTH) throw this.fail(`groups nested more than ${MAX_DEPTH} deep`);
    const alternatives = [this.intersection()];
    while (this.match('|')) alternatives.push(this.intersection());
    this.depth--;
    return alternatives.length === 1 ? (alternatives[0] as string) : `(?:${alternatives.join('|')})`;
  }

  private intersection(): string {
    const concatenation = this.concatenation();
    if (this.peek('&')) {
      throw this.fail("intersection '&' is not supported: escape it as \\& to match a literal &");
    }
    return concatenation;
  }

  private concatenation(): string {
    let body = this.repeat();
    while (this.more() && !this.peek(')') && !this.peek('|') && !this.peek('&')) body += this.repeat();
    return body;
  }

  private repeat(): string {
    let atom = this.complement();
    for (;;) {
      if (this.match('?')) atom = `(?:${atom})?`;
      else if (this.match('*')) atom = `(?:${atom})*`;
      else if (this.match('+')) atom = `(?:${atom})+`;
      else if (this.match('{')) atom = `(?:${atom})${this.bounds()}`;
      else return atom;
    }
  }

  private bounds(): string {
    const min = this.integer();
    let max: number | undefined = min;
    if (this.match(',')) max = this.peekDigit() ? this.integer() : undefined;
    if (!this.match('}')) throw this.fail("expected '}'");
    if (max !== undefined && min > max) throw this.fail(`invalid repetition range: ${min} is more than ${max}`);
    return max === min ? `{${min}}` : max === undefined ? `{${min},}` : `{${min},${max}}`;
  }

  private integer(): number {
    const start = this.pos;
    while (this.peekDigit()) this.pos++;
    if (start === this.pos) throw this.fail('expected a number');
    const value = Number(this.pattern.slice(start, this.pos));
    if (value > MAX_REPEAT) throw this.fail(`repetition count ${value} is larger than ${MAX_REPEAT}`);
    return value;
  }

  private complement(): string {
    if (this.peek('~')) {
      throw this.fail("complement '~' is not supported: escape it as \\~ to match a literal ~");
    }
    return this.characterClass();
  }

  private characterClass(): string {
    if (!this.match('[')) return this.simple();
    const negated = this.match('^');
    const ranges: Range[] = [];
    do {
      if (this.match('\\')) {
        const escaped = this.nextCodePoint();
        const predefined = this.predefinedRanges(escaped);
        if (predefined) ranges.push(...predefined);
        else ranges.push([escaped, escaped]);
      } else {
        const from = this.classCharacter();
        if (this.match('-')) {
          const to = this.classCharacter();
          if (from > to) throw this.fail(`invalid range: ${String.fromCodePoint(from)} comes after ${String.fromCodePoint(to)}`);
          ranges.push([from, to]);
        } else {
          for (const form of this.caseForms(from)) ranges.push([form, form]);
        }
      }
    } while (this.more() && !this.peek(']'));
    if (!this.match(']')) throw this.fail("expected ']' to close the character class");
    return `[${negated ? '^' : ''}${ranges.map(([from, to]) => (from === to ? unit(from) : `${unit(from)}-${unit(to)}`)).join('')}]`;
  }

  /** Inside a class a backslash makes the next character literal. */
  private classCharacter(): number {
    this.match('\\');
    return this.nextCodePoint();
  }

  private simple(): string {
    if (this.match('.')) return '.';
    if (this.match('#')) return '[]';
    if (this.match('@')) return '.*';
    if (this.match('"')) return this.quoted();
    if (this.match('(')) {
      if (this.match(')')) return '(?:)';
      const inner = this.union();
      if (!this.match(')')) throw this.fail("expected ')' to close the group");
      return `(?:${inner})`;
    }
    if (this.peek('<')) {
      throw this.fail("intervals and named automata '<…>' are not supported: escape it as \\< to match a literal <");
    }
    if (this.match('\\')) {
      const escaped = this.nextCodePoint();
      const predefined = this.predefinedRanges(escaped);
      if (predefined) return `[${predefined.map(([from, to]) => `${unit(from)}-${unit(to)}`).join('')}]`;
      return this.literal(escaped);
    }
    return this.literal(this.nextCodePoint());
  }

  private quoted(): string {
    const start = this.pos;
    const close = this.pattern.indexOf('"', start);
    if (close === -1) throw this.fail("expected '\"' to close the quoted string");
    this.pos = close + 1;
    return Array.from(this.pattern.slice(start, close), (ch) => this.literal(ch.codePointAt(0) ?? 0)).join('');
  }

  /**
   * `\d \D \s \S \w \W` as ranges; `\\` is not a class (undefined, so the caller takes it
   * literally); a backslash before any other letter is an error, as in Lucene.
   */
  private predefinedRanges(code: number): readonly Range[] | undefined {
    const letter = String.fromCodePoint(code);
    const lower = letter.toLowerCase();
    const ranges = PREDEFINED[lower];
    if (ranges && letter === lower) return ranges;
    if (ranges) return complementOf(ranges);
    if (/^[A-Za-z]$/.test(letter)) {
      throw new OracleLuceneRegexError(`invalid character class \\${letter}: only \\d \\D \\s \\S \\w \\W exist; write ${letter} without the backslash`, this.pos - 2);
    }
    return undefined;
  }

  private literal(code: number): string {
    const forms = this.caseForms(code);
    return forms.length === 1 ? unit(code) : `[${forms.map(unit).join('')}]`;
  }

  private caseForms(code: number): number[] {
    if (!this.caseInsensitive) return [code];
    if (code >= 0x41 && code <= 0x5a) return [code, code + 32];
    if (code >= 0x61 && code <= 0x7a) return [code, code - 32];
    return [code];
  }

  private nextCodePoint(): number {
    const code = this.pattern.codePointAt(this.pos);
    if (code === undefined) throw this.fail('unexpected end of the pattern');
    this.pos += code > 0xffff ? 2 : 1;
    return code;
  }

  private more(): boolean {
    return this.pos < this.pattern.length;
  }

  private peek(ch: string): boolean {
    return this.pattern[this.pos] === ch;
  }

  private peekDigit(): boolean {
    const ch = this.pattern[this.pos];
    return ch !== undefined && ch >= '0' && ch <= '9';
  }

  private match(ch: string): boolean {
    if (!this.peek(ch)) return false;
    this.pos++;
    return true;
  }

  private fail(reason: string): OracleLuceneRegexError {
    return new OracleLuceneRegexError(reason, this.pos);
  }
}

function complementOf(ranges: readonly Range[]): Range[] {
  const result: Range[] = [];
  let next = 0;
  for (const [from, to] of ranges) {
    if (from > next) result.push([next, from - 1]);
    next = to + 1;
  }
  if (next <= MAX_CODE_POINT) result.push([next, MAX_CODE_POINT]);
  return result;
}

/** A code point as a regex unit (for the `u` flag) that is literal both inside and outside a class. */
export function unit(code: number): string {
  const ch = String.fromCodePoint(code);
  return /^[A-Za-z0-9]$/.test(ch) ? ch : `\\u{${code.toString(16)}}`;
}
