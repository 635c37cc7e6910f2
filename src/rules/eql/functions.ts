import { inCidr, parseCidr, parseIp } from './cidr.js';
import type { FieldResolver } from './field-resolver.js';
import { fieldTest } from './specialize.js';
import { asciiLower, textOf } from './values.js';
import { endsWithFolded, startsWithFolded } from './wildcard.js';

/**
 * The EQL functions emondguard evaluates, all usable as conditions: `startsWith`, `endsWith`,
 * `stringContains` (each with a `~` case-insensitive form) and `cidrMatch`. Names are looked up
 * without regard to case, as Elasticsearch does (upstream rules write `cidrmatch`). The first
 * argument is the field; the others are string constants. Like every test, a function holds when
 * any value of a multi-valued field satisfies it.
 */
export interface FunctionDefinition {
  /** The canonical spelling, for messages. */
  name: string;
  allowsCaseInsensitive: boolean;
  /** Number of constant arguments after the field: at least `min`, at most `max` (Infinity for variadic). */
  min: number;
  max: number;
  /**
   * Builds the predicate. `constants` are the string arguments; `invalid(index, reason)` returns
   * the error to throw for the constant at that index.
   */
  build(field: FieldResolver, constants: readonly string[], caseInsensitive: boolean, invalid: (index: number, reason: string) => Error): (event: unknown) => boolean;
}

/**
 * `test` gets the text as it is and the constant (folded for the `~` form); `foldedTest`, when
 * given, answers the `~` form without a folded copy of the text (an attacker sizes the text).
 */
const textFunction = (
  name: string,
  test: (text: string, constant: string) => boolean,
  foldedTest?: (text: string, foldedConstant: string) => boolean,
): FunctionDefinition => ({
  name,
  allowsCaseInsensitive: true,
  min: 1,
  max: 1,
  build(field, constants, caseInsensitive) {
    const constant = constants[0] ?? '';
    const wanted = caseInsensitive ? asciiLower(constant) : constant;
    const check = (value: unknown): boolean => {
      const text = textOf(value);
      if (text === undefined) return false;
      if (!caseInsensitive) return test(text, wanted);
      return foldedTest ? foldedTest(text, wanted) : test(asciiLower(text), wanted);
    };
    return fieldTest(field, check);
  },
});

const cidrMatch: FunctionDefinition = {
  name: 'cidrMatch',
  allowsCaseInsensitive: false,
  min: 1,
  max: Number.POSITIVE_INFINITY,
  build(field, constants, _caseInsensitive, invalid) {
    const blocks = constants.map((text, index) => {
      const block = parseCidr(text);
      if (!block) throw invalid(index, `'${text}' is not a CIDR block: write it like 10.0.0.0/8 or fe80::/10`);
      return block;
    });
    const check = (value: unknown): boolean => {
      if (typeof value !== 'string') return false;
      const address = parseIp(value);
      return address !== undefined && blocks.some((block) => inCidr(address, block));
    };
    return fieldTest(field, check);
  },
};

const DEFINITIONS: readonly FunctionDefinition[] = [
  textFunction('startsWith', (text, prefix) => text.startsWith(prefix), startsWithFolded),
  textFunction('endsWith', (text, suffix) => text.endsWith(suffix), endsWithFolded),
  // String.prototype.includes: V8's search is linear in the text (it moves to Boyer–Moore on bad input), no RegExp.
  textFunction('stringContains', (text, part) => text.includes(part)),
  cidrMatch,
];

const BY_NAME: ReadonlyMap<string, FunctionDefinition> = new Map(
  DEFINITIONS.map((definition) => [definition.name.toLowerCase(), definition]),
);

export function findFunction(name: string): FunctionDefinition | undefined {
  return BY_NAME.get(name.toLowerCase());
}

export function supportedFunctionNames(): string[] {
  return DEFINITIONS.map((definition) => definition.name);
}
