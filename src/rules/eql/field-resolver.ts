/**
 * Reading a dotted field (`process.parent.name`) out of an event the way Elasticsearch sees a
 * document: nested objects are walked, an array anywhere on the path contributes every element
 * (`process.args`, or `threat[].tactic.id` in an alert), and a key that itself contains dots
 * (`{"process.name": "sh"}`, as ECS exports may hold) is the same field as the nested form.
 *
 * A resolver returns `undefined` when the field is missing, the value itself when the path met no
 * array, or an array of the values found (elements may be null or nested arrays; see
 * `forEachValue`). The common case — plain nested objects — allocates nothing.
 */
export type FieldResolver = (event: unknown) => unknown;

export function compileFieldResolver(name: string): FieldResolver {
  const segments = name.split('.');
  const guarded = segments.map((segment) => segment in Object.prototype);
  const count = segments.length;

  const ownValue = (container: object, index: number): unknown => {
    const key = segments[index] as string;
    // A key such as `constructor` must not resolve to Object.prototype's member.
    if (guarded[index] === true && !Object.hasOwn(container, key)) return undefined;
    return (container as Record<string, unknown>)[key];
  };

  /** The general walk from `value` at segment `index`, used once an array or a dotted key shows up. */
  const resolveFrom = (value: unknown, index: number): unknown => {
    let current = value;
    for (let i = index; i < count; i++) {
      if (current === null || typeof current !== 'object') return undefined;
      if (Array.isArray(current)) return resolveEach(current, i);
      const next = ownValue(current, i);
      if (next === undefined) return resolveDotted(current, i);
      current = next;
    }
    return current;
  };

  const resolveEach = (array: unknown[], index: number): unknown[] | undefined => {
    const found: unknown[] = [];
    forEachValue(array, (element) => {
      const value = resolveFrom(element, index);
      if (value !== undefined) found.push(value);
      return false;
    });
    return found.length > 0 ? found : undefined;
  };

  /** `{"parent.name": …}` under `process`: try the remaining segments joined by dots, shortest first. */
  const resolveDotted = (container: object, index: number): unknown => {
    let key = segments[index] as string;
    for (let last = index + 1; last < count; last++) {
      key = `${key}.${segments[last] as string}`;
      if (!Object.hasOwn(container, key)) continue;
      const value = resolveFrom((container as Record<string, unknown>)[key], last + 1);
      if (value !== undefined) return value;
    }
    return undefined;
  };

  const general: FieldResolver = (event) => resolveFrom(event, 0);
  // A key that Object.prototype also has must go through the own-property check every time.
  return guarded.includes(true) ? general : plainObjectWalk(segments, general);
}

/**
 * The walk for the common case — nested plain objects, every key present — as a function with the
 * keys written into its code. Each property read then gets its own inline cache, which makes a
 * read as cheap as `event.process.parent.name` in hand-written code; a loop with a variable key
 * cannot do that (its single keyed load sees every key of every rule and goes megamorphic).
 * Anything else (a missing key, an array, a non-object) hands the event to `general`.
 * The keys enter the code only as JSON string literals.
 */
function plainObjectWalk(segments: readonly string[], general: FieldResolver): FieldResolver {
  const steps = segments.map((segment) => {
    // Reading `name` from an array gives undefined, which already hands over to `general`; only
    // keys an array itself answers (`length`, `map`, `0`…) need the explicit array check.
    const arrayAnswers = segment in Array.prototype || /^\d+$/.test(segment);
    return (
      `if (typeof value !== 'object' || value === null${arrayAnswers ? ' || Array.isArray(value)' : ''}) return general(event);\n` +
      `value = value[${JSON.stringify(segment)}];\n` +
      `if (value === undefined) return general(event);\n`
    );
  });
  const body = `return function resolveField(event) {\nlet value = event;\n${steps.join('')}return value;\n};`;
  return new Function('general', body)(general) as FieldResolver;
}

/**
 * Calls `visit` on every value that is not an array, descending into nested arrays without
 * recursion (so a hostile, deeply nested array cannot exhaust the stack), until `visit` returns
 * true. Returns whether it did.
 */
export function forEachValue(array: readonly unknown[], visit: (value: unknown) => boolean): boolean {
  const arrays: Array<readonly unknown[]> = [array];
  const positions: number[] = [0];
  while (arrays.length > 0) {
    const top = arrays.length - 1;
    const current = arrays[top] as readonly unknown[];
    const position = positions[top] as number;
    if (position >= current.length) {
      arrays.pop();
      positions.pop();
      continue;
    }
    positions[top] = position + 1;
    const value = current[position];
    if (Array.isArray(value)) {
      arrays.push(value);
      positions.push(0);
    } else if (visit(value)) {
      return true;
    }
  }
  return false;
}
