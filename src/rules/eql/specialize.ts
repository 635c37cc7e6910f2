import { forEachValue, type FieldResolver } from './field-resolver.js';
import type { ValueTest } from './values.js';

/**
 * Why compiled predicates are built from fresh functions.
 *
 * V8 keeps type feedback (inline caches, call targets) per function literal, shared by every
 * closure made from it. A compiler that builds each clause as `(event) => test(resolve(event))`
 * therefore makes every clause of every rule share one set of call sites: they see dozens of
 * different `resolve` and `test` functions, go megamorphic, and nothing gets inlined — the
 * predicate runs several times slower than the same check written by hand.
 *
 * So the few combinators below are compiled from source text with `new Function` each time they
 * are used: every use is its own function literal with its own feedback, the calls inside see
 * one target each, and V8 inlines a whole rule the way it inlines hand-written code. The source
 * is fixed text from this module (plus generated parameter names); rule text never enters it.
 * It is written as strings, not taken from `Function.prototype.toString`, so transpilers and
 * coverage instrumentation cannot change what gets compiled.
 */
export type Predicate = (event: unknown) => boolean;

function fresh<T>(parameters: readonly string[], body: string, args: readonly unknown[]): T {
  return new Function(...parameters, body)(...args) as T;
}

const FIELD_TEST = `return function fieldTest(event) {
  const value = resolve(event);
  if (value === undefined || value === null) return false;
  if (!Array.isArray(value)) return test(value);
  for (let i = 0; i < value.length; i++) {
    const element = value[i];
    // Nested arrays are rare; the general walk flattens them without recursion.
    if (Array.isArray(element)) return walkNested(value, (leaf) => leaf !== null && leaf !== undefined && test(leaf));
    if (element !== null && element !== undefined && test(element)) return true;
  }
  return false;
};`;

/**
 * `field <test>`: true when some value of the field passes `test` — any element of an array,
 * nested arrays flattened, nulls skipped (see values.ts for the semantics).
 */
export function fieldTest(resolve: FieldResolver, test: ValueTest): Predicate {
  return fresh(['resolve', 'test', 'walkNested'], FIELD_TEST, [resolve, test, forEachValue]);
}

/** A wildcard or regex matcher applied to a value's text (keywords as they are, numbers and booleans as text; see `textOf`). */
export function textTest(matcher: (text: string) => boolean): ValueTest {
  const body = `return function textTest(value) {
    if (typeof value === 'string') return matcher(value);
    if (typeof value === 'number' || typeof value === 'boolean') return matcher(String(value));
    return false;
  };`;
  return fresh(['matcher'], body, [matcher]);
}

export function not(predicate: Predicate): Predicate {
  return fresh(['predicate'], 'return function not(event) { return !predicate(event); };', [predicate]);
}

/** Past this many operands a single expression stops paying off; the connective loops instead. */
const MAX_UNROLLED = 64;

/** `a and b and …` / `a or b or …` as one function whose calls each have a single target. */
export function connective(operator: '&&' | '||', predicates: readonly Predicate[]): Predicate {
  if (predicates.length === 1) return predicates[0] as Predicate;
  if (predicates.length > MAX_UNROLLED) {
    // `and` stops at the first false, `or` at the first true.
    const stopAt = operator === '||';
    const loop = `return function connective(event) {
      for (let i = 0; i < list.length; i++) if (list[i](event) === stopAt) return stopAt;
      return !stopAt;
    };`;
    return fresh(['list', 'stopAt'], loop, [predicates, stopAt]);
  }
  const names = predicates.map((_, index) => `p${index}`);
  const body = `return function connective(event) { return ${names.map((name) => `${name}(event)`).join(` ${operator} `)}; };`;
  return fresh(names, body, predicates);
}
