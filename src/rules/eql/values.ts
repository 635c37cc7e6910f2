/**
 * How a resolved field value meets a test, with Elasticsearch's meaning.
 *
 * - A test on a field holds when ANY of its values passes (a term query on a multi-valued field);
 *   null elements are no value. A missing field passes no positive test, so `not <test>` and
 *   `!=` (which Elasticsearch rewrites to `not ==`) are true on it.
 * - Without a mapping, the JSON type stands in for it: a string is a keyword (exact, ordered by
 *   code point), a number is numeric. A number literal compared with a keyword compares its
 *   decimal text; a numeric string literal compared with a number compares numerically — what a
 *   term or range query does when the literal's type differs from the field's.
 * - Case folding is ASCII-only: Elasticsearch's case-insensitive automata fold A–Z and nothing else.
 */
export type ValueTest = (value: unknown) => boolean;

/** Lower-cases A–Z only, leaving every other character (É, ß, K) exactly as it is. */
export function asciiLower(text: string): string {
  // Most values are already lower case: find out without allocating (a loop beats a regex on short names).
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 65 && code <= 90) return text.replace(ASCII_UPPER_RUN, lowerAsciiRun);
  }
  return text;
}

/** `asciiLower(text) === lowerCase` without building the folded string; `lowerCase` must already be folded. */
export function equalsAsciiFolded(text: string, lowerCase: string): boolean {
  if (text.length !== lowerCase.length) return false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const folded = code >= 65 && code <= 90 ? code + 32 : code;
    if (folded !== lowerCase.charCodeAt(i)) return false;
  }
  return true;
}

const ASCII_UPPER_RUN = /[A-Z]+/g;
const lowerAsciiRun = (run: string): string => run.toLowerCase();

/** The text a wildcard, regex or string function sees: keywords as they are, numbers and booleans as their text. */
export function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

const NUMERIC_TEXT = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** The number a numeric-looking string stands for, as a long/double field would parse it. */
function numberOf(text: string): number | undefined {
  return NUMERIC_TEXT.test(text) ? Number(text) : undefined;
}

export type ScalarLiteral = string | number | boolean;

/**
 * Exact, case-sensitive membership (`==`, `in`): one literal or many, each value type checked
 * against the literals that can equal it.
 */
export function equalityTest(literals: readonly ScalarLiteral[]): ValueTest {
  const asText = new Set<string>();
  const asNumber = new Set<number>();
  const asBoolean = new Set<boolean>();
  for (const literal of literals) {
    asText.add(String(literal));
    if (typeof literal === 'number') asNumber.add(literal);
    if (typeof literal === 'boolean') asBoolean.add(literal);
    if (typeof literal === 'string') {
      const number = numberOf(literal);
      if (number !== undefined) asNumber.add(number);
      if (literal === 'true' || literal === 'false') asBoolean.add(literal === 'true');
    }
  }
  const onlyPlainStrings = literals.every((literal) => typeof literal === 'string') && asNumber.size === 0 && asBoolean.size === 0;
  if (onlyPlainStrings && literals.length === 1) {
    // The hot path of most rules (`host.os.type == "macos"`): one plain string.
    const only = literals[0] as string;
    return (value) => value === only;
  }
  if (onlyPlainStrings && literals.length <= 8) {
    // A short list (`event.type in ("start", "process_started")`) is quicker scanned than hashed.
    const list = [...asText];
    return (value) => typeof value === 'string' && list.includes(value);
  }
  return (value) => {
    if (typeof value === 'string') return asText.has(value);
    if (typeof value === 'number') return asNumber.has(value);
    if (typeof value === 'boolean') return asBoolean.has(value);
    return false;
  };
}

/** `in~` and `:` without wildcards: equal after ASCII folding; numbers and booleans by their text. */
export function insensitiveEqualityTest(literals: readonly ScalarLiteral[]): ValueTest {
  const folded = new Set(literals.map((literal) => asciiLower(String(literal))));
  return (value) => {
    const text = textOf(value);
    return text !== undefined && folded.has(asciiLower(text));
  };
}

export type OrderOperator = '<' | '<=' | '>' | '>=';

/** `<`, `<=`, `>`, `>=` against a number or a string literal. */
export function orderTest(operator: OrderOperator, literal: number | string): ValueTest {
  const holds = ORDER[operator];
  if (typeof literal === 'number') {
    const literalText = String(literal);
    return (value) => {
      if (typeof value === 'number') return holds(value - literal);
      if (typeof value === 'string') return holds(compareCodePoints(value, literalText));
      return false;
    };
  }
  const literalNumber = numberOf(literal);
  return (value) => {
    if (typeof value === 'string') return holds(compareCodePoints(value, literal));
    if (typeof value === 'number' && literalNumber !== undefined) return holds(value - literalNumber);
    return false;
  };
}

const ORDER: Readonly<Record<OrderOperator, (difference: number) => boolean>> = {
  '<': (d) => d < 0,
  '<=': (d) => d <= 0,
  '>': (d) => d > 0,
  '>=': (d) => d >= 0,
};

/**
 * Lexicographic order by code point, which is the order of the UTF-8 bytes Elasticsearch keeps
 * (JavaScript's `<` compares UTF-16 units and puts U+FFFF after U+10000).
 */
function compareCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const xSurrogate = x >= 0xd800 && x <= 0xdfff;
    const ySurrogate = y >= 0xd800 && y <= 0xdfff;
    // A surrogate (part of a code point above U+FFFF) sorts after every other UTF-16 unit.
    if (xSurrogate !== ySurrogate) return xSurrogate ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}
