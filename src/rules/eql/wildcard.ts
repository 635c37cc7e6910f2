import { ANY, Automaton, type PatternTree } from './automaton.js';
import { asciiLower, equalsAsciiFolded } from './values.js';

/**
 * Elasticsearch EQL wildcards (`like`, `like~`, `:`): `*` is any run of characters, line breaks
 * included; `?` is exactly one code point; the pattern covers the whole value; every other
 * character is literal — backslash too (Elasticsearch turns the pattern into a LIKE pattern whose
 * escape character cannot occur in text). Case-insensitive forms fold ASCII letters only.
 *
 * A list of patterns compiles into one matcher: exact names go into a set, `abc*` and `*abc`
 * become prefix/suffix checks (they read only as many characters as the pattern has), and the
 * rest — substrings `*abc*` included — becomes one automaton
 * (./automaton.ts) — never a RegExp: a backtracking `^.*a.*b.*c$` on a crafted command line costs
 * time that grows as a power of its length; the automaton reads each code point once.
 */
export type TextMatcher = (text: string) => boolean;

export function compileWildcards(patterns: readonly string[], caseInsensitive: boolean): TextMatcher {
  const exact = new Set<string>();
  const prefixes: string[] = [];
  const suffixes: string[] = [];
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
      case 'general':
        general.push(wildcardTree(pattern));
        break;
    }
  }

  if (matchesEverything) return () => true;
  if (exact.size === 1 && prefixes.length + suffixes.length + general.length === 0) {
    const only = [...exact][0] as string;
    return caseInsensitive ? (text) => equalsAsciiFolded(text, only) : (text) => text === only;
  }
  // Substrings (`*abc*`) and every other shape go to one automaton, which reads the text once and
  // folds A–Z as it reads: never a folded copy of an attacker-sized text, never a backtracking search.
  const automaton =
    general.length === 0
      ? undefined
      : new Automaton(general.length === 1 ? (general[0] as PatternTree) : { kind: 'union', alternatives: general }, { foldAscii: caseInsensitive });
  // Exact names are short: a longer text cannot be one, so it is never folded or hashed.
  const longestExact = Math.max(0, ...[...exact].map((text) => text.length));
  const startsWith = caseInsensitive ? startsWithFolded : (text: string, prefix: string): boolean => text.startsWith(prefix);
  const endsWith = caseInsensitive ? endsWithFolded : (text: string, suffix: string): boolean => text.endsWith(suffix);
  return (text) => {
    if (exact.size > 0 && text.length <= longestExact && exact.has(caseInsensitive ? asciiLower(text) : text)) return true;
    for (const prefix of prefixes) if (startsWith(text, prefix)) return true;
    for (const suffix of suffixes) if (endsWith(text, suffix)) return true;
    return automaton !== undefined && automaton.matches(text);
  };
}

/** `asciiLower(text).startsWith(prefix)` without folding the text; `prefix` is folded already. */
export function startsWithFolded(text: string, prefix: string): boolean {
  if (text.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (foldUnit(text.charCodeAt(i)) !== prefix.charCodeAt(i)) return false;
  return true;
}

/** `asciiLower(text).endsWith(suffix)` without folding the text; `suffix` is folded already. */
export function endsWithFolded(text: string, suffix: string): boolean {
  const offset = text.length - suffix.length;
  if (offset < 0) return false;
  for (let i = 0; i < suffix.length; i++) if (foldUnit(text.charCodeAt(offset + i)) !== suffix.charCodeAt(i)) return false;
  return true;
}

const foldUnit = (code: number): number => (code >= 65 && code <= 90 ? code + 32 : code);

type Shape =
  | { kind: 'exact' | 'prefix' | 'suffix'; text: string }
  | { kind: 'any' }
  | { kind: 'general' };

function classify(pattern: string): Shape {
  if (pattern.includes('?')) return { kind: 'general' };
  const stars = pattern.split('*');
  if (stars.length === 1) return { kind: 'exact', text: pattern };
  if (stars.every((part) => part === '')) return { kind: 'any' };
  const first = stars[0] as string;
  const last = stars[stars.length - 1] as string;
  if (stars.length === 2) return first === '' ? { kind: 'suffix', text: last } : last === '' ? { kind: 'prefix', text: first } : { kind: 'general' };
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
