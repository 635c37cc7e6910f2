import { ANY, Automaton, AutomatonTooLargeError, complementRanges, EMPTY, normalizeRanges, type PatternTree, type Range } from './automaton.js';

/**
 * Compiles a Lucene regular expression — what `regex`/`regex~` take, since Elasticsearch runs
 * them as `regexp` queries — into an automaton (./automaton.ts), never a backtracking RegExp, so
 * matching is linear in the text. Its meaning:
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
export function compileLuceneRegex(pattern: string, caseInsensitive: boolean): Automaton {
  return compileLuceneRegexes([parseLuceneRegex(pattern, caseInsensitive)]);
}

/** The pattern tree of a Lucene regular expression, for one automaton over several patterns. */
export function parseLuceneRegex(pattern: string, caseInsensitive: boolean): PatternTree {
  return pattern === '' ? EMPTY : new LuceneParser(pattern, caseInsensitive).parse();
}

/** One automaton for a list of patterns (a match of any), with the cap on its size reported as a LuceneRegexError. */
export function compileLuceneRegexes(trees: readonly PatternTree[]): Automaton {
  try {
    return new Automaton(trees.length === 1 ? (trees[0] as PatternTree) : { kind: 'union', alternatives: trees });
  } catch (error) {
    if (!(error instanceof AutomatonTooLargeError)) throw error;
    throw new LuceneRegexError(`the pattern is too large: ${error.message}`, 0);
  }
}

/** A problem in a Lucene pattern, with the 0-based position in the pattern. */
export class LuceneRegexError extends Error {
  constructor(
    readonly reason: string,
    readonly position: number,
  ) {
    super(`${reason} (at position ${position} of the pattern)`);
  }
}

const MAX_DEPTH = 100;
const MAX_REPEAT = 10_000;

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

  parse(): PatternTree {
    const body = this.union();
    if (this.more()) throw this.fail('unbalanced parenthesis: nothing may follow here');
    return body;
  }

  private union(): PatternTree {
    if (++this.depth > MAX_DEPTH) throw this.fail(`groups nested more than ${MAX_DEPTH} deep`);
    const alternatives = [this.intersection()];
    while (this.match('|')) alternatives.push(this.intersection());
    this.depth--;
    return alternatives.length === 1 ? (alternatives[0] as PatternTree) : { kind: 'union', alternatives };
  }

  private intersection(): PatternTree {
    const concatenation = this.concatenation();
    if (this.peek('&')) {
      throw this.fail("intersection '&' is not supported: escape it as \\& to match a literal &");
    }
    return concatenation;
  }

  private concatenation(): PatternTree {
    const parts = [this.repeat()];
    while (this.more() && !this.peek(')') && !this.peek('|') && !this.peek('&')) parts.push(this.repeat());
    return parts.length === 1 ? (parts[0] as PatternTree) : { kind: 'concat', parts };
  }

  private repeat(): PatternTree {
    let node = this.complement();
    for (;;) {
      if (this.match('?')) node = { kind: 'repeat', node, min: 0, max: 1 };
      else if (this.match('*')) node = { kind: 'repeat', node, min: 0, max: undefined };
      else if (this.match('+')) node = { kind: 'repeat', node, min: 1, max: undefined };
      else if (this.match('{')) node = { kind: 'repeat', node, ...this.bounds() };
      else return node;
    }
  }

  private bounds(): { min: number; max: number | undefined } {
    const min = this.integer();
    let max: number | undefined = min;
    if (this.match(',')) max = this.peekDigit() ? this.integer() : undefined;
    if (!this.match('}')) throw this.fail("expected '}'");
    if (max !== undefined && min > max) throw this.fail(`invalid repetition range: ${min} is more than ${max}`);
    return { min, max };
  }

  private integer(): number {
    const start = this.pos;
    while (this.peekDigit()) this.pos++;
    if (start === this.pos) throw this.fail('expected a number');
    const value = Number(this.pattern.slice(start, this.pos));
    if (value > MAX_REPEAT) throw this.fail(`repetition count ${value} is larger than ${MAX_REPEAT}`);
    return value;
  }

  private complement(): PatternTree {
    if (this.peek('~')) {
      throw this.fail("complement '~' is not supported: escape it as \\~ to match a literal ~");
    }
    return this.characterClass();
  }

  private characterClass(): PatternTree {
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
    return { kind: 'set', ranges: negated ? complementRanges(ranges) : normalizeRanges(ranges) };
  }

  /** Inside a class a backslash makes the next character literal. */
  private classCharacter(): number {
    this.match('\\');
    return this.nextCodePoint();
  }

  private simple(): PatternTree {
    if (this.match('.')) return ANY;
    if (this.match('#')) return { kind: 'set', ranges: [] };
    if (this.match('@')) return { kind: 'repeat', node: ANY, min: 0, max: undefined };
    if (this.match('"')) return this.quoted();
    if (this.match('(')) {
      if (this.match(')')) return EMPTY;
      const inner = this.union();
      if (!this.match(')')) throw this.fail("expected ')' to close the group");
      return inner;
    }
    if (this.peek('<')) {
      throw this.fail("intervals and named automata '<…>' are not supported: escape it as \\< to match a literal <");
    }
    if (this.match('\\')) {
      const escaped = this.nextCodePoint();
      const predefined = this.predefinedRanges(escaped);
      if (predefined) return { kind: 'set', ranges: predefined };
      return this.literal(escaped);
    }
    return this.literal(this.nextCodePoint());
  }

  private quoted(): PatternTree {
    const start = this.pos;
    const close = this.pattern.indexOf('"', start);
    if (close === -1) throw this.fail("expected '\"' to close the quoted string");
    this.pos = close + 1;
    return { kind: 'concat', parts: Array.from(this.pattern.slice(start, close), (ch) => this.literal(ch.codePointAt(0) ?? 0)) };
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
    if (ranges) return complementRanges(ranges);
    if (/^[A-Za-z]$/.test(letter)) {
      throw new LuceneRegexError(`invalid character class \\${letter}: only \\d \\D \\s \\S \\w \\W exist; write ${letter} without the backslash`, this.pos - 2);
    }
    return undefined;
  }

  private literal(code: number): PatternTree {
    return { kind: 'set', ranges: normalizeRanges(this.caseForms(code).map((form): Range => [form, form])) };
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

  private fail(reason: string): LuceneRegexError {
    return new LuceneRegexError(reason, this.pos);
  }
}
