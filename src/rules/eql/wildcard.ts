import { ANY, Automaton, type PatternTree } from './automaton.js';
import { asciiLower, equalsAsciiFolded } from './values.js';

/**
 * Elasticsearch EQL wildcards (`like`, `like~`, `:`): `*` is any run of characters, line breaks
 * included; `?` is exactly one code point; the pattern covers the whole value; every other
 * character is literal — backslash too (Elasticsearch turns the pattern into a LIKE pattern whose
 * escape character cannot occur in text). Case-insensitive forms fold ASCII letters only.
 *
 * A list of patterns compiles into one matcher: exact names go into a set, `abc*`, `*abc` and
 * `*abc*` become prefix/suffix/substring checks, and the rest becomes one automaton
 * (./automaton.ts) — never a RegExp: a backtracking `^.*a.*b.*c$` on a crafted command line costs
 * time that grows as a power of its length; the automaton reads each code point once.
 */
export type TextMatcher = (text: string) => boolean;

export function compileWildcards(patterns: readonly string[], caseInsensitive: boolean): TextMatcher {
  const exact = new Set<string>();
  const prefixes: string[] = [];
  const suffixes: string[] = [];
  const infixes: string[] = [];
  const general: PatternTree[] = [];
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
        general.push(wildcardTree(pattern));
        break;
    }
  }

  if (matchesEverything) return () => true;
  const fold = caseInsensitive ? asciiLower : (text: string): string => text;
  const automaton = general.length === 0 ? undefined : new Automaton(general.length === 1 ? (general[0] as PatternTree) : { kind: 'union', alternatives: general });
  if (exact.size === 1 && prefixes.length + suffixes.length + infixes.length + general.length === 0) {
    const only = [...exact][0] as string;
    return caseInsensitive ? (text) => equalsAsciiFolded(text, only) : (text) => text === only;
  }
  return (text) => {
    const value = fold(text);
    if (exact.has(value)) return true;
    for (const prefix of prefixes) if (value.startsWith(prefix)) return true;
    for (const suffix of suffixes) if (value.endsWith(suffix)) return true;
    for (const infix of infixes) if (value.includes(infix)) return true;
    return automaton !== undefined && automaton.matches(value);
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

/** `*` → any run of code points (line breaks included), `?` → one code point, the rest literal. */
function wildcardTree(pattern: string): PatternTree {
  const parts: PatternTree[] = [];
  for (const ch of pattern) {
    if (ch === '*') parts.push(ANY_RUN);
    else if (ch === '?') parts.push(ANY);
    else {
      const code = ch.codePointAt(0) ?? 0;
      parts.push({ kind: 'set', ranges: [[code, code]] });
    }
  }
  return { kind: 'concat', parts };
}

const ANY_RUN: PatternTree = { kind: 'repeat', node: ANY, min: 0, max: undefined };
