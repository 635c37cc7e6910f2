/**
 * A finite automaton over code points, so `regex` and general wildcard patterns run in time linear
 * in the text, whatever the text: argv, paths and names come from whoever starts a process, and a
 * backtracking RegExp on them can be made to take minutes (issue 11).
 *
 * - `NfaBuilder` does Thompson's construction from a small pattern tree, with a cap on the number of
 *   states (repetitions such as `{10000}` expand into copies, so a rule's pattern can be large).
 * - `Automaton.matches` walks the text once, one code point at a time (a surrogate pair is one
 *   code point, a lone surrogate is one too — what a RegExp with the `u` flag sees). It builds a
 *   DFA lazily, one state per distinct set of NFA states reached, with a budget per automaton;
 *   past the budget it simulates the NFA for the rest of the text (cost per code point bounded by
 *   the number of NFA states), so an input crafted to visit many DFA states costs time, never memory.
 * - The whole text must match (anchored at both ends). A dead state ends the walk early.
 */

export type Range = readonly [from: number, to: number];

/** The pattern tree both wildcard and Lucene patterns compile from. */
export type PatternTree =
  | { kind: 'set'; ranges: readonly Range[] }
  | { kind: 'concat'; parts: readonly PatternTree[] }
  | { kind: 'union'; alternatives: readonly PatternTree[] }
  | { kind: 'repeat'; node: PatternTree; min: number; max: number | undefined };

export const MAX_CODE_POINT = 0x10ffff;
export const ANY: PatternTree = { kind: 'set', ranges: [[0, MAX_CODE_POINT]] };
export const EMPTY: PatternTree = { kind: 'concat', parts: [] };

/** Most NFA states one pattern (or one list of wildcard patterns) may compile into. */
export const MAX_NFA_STATES = 50_000;
/** Most DFA states built lazily per automaton before it falls back to simulating the NFA. */
export const MAX_DFA_STATES = 1_000;

/** Most NFA state entries all of an automaton's DFA states may hold (4 bytes each, plus a key of a few bytes each). */
export const MAX_DFA_SET_ENTRIES = 200_000;
/** Most transition-table cells (4 bytes each) per automaton. */
export const MAX_DFA_TABLE_CELLS = 1_000_000;

/** The pattern needs more than MAX_NFA_STATES states. */
export class AutomatonTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`the pattern needs more than ${limit} automaton states: shorten it or lower its repetition counts`);
  }
}

/** Work counters, so tests can assert that the work is linear in the text without timing it. */
export interface AutomatonStats {
  /** Code points consumed (each costs one DFA lookup or one NFA simulation step). */
  steps: number;
  /** NFA states visited while building DFA states or simulating past the budget. */
  nfaVisits: number;
  dfaStates: number;
  /** Texts that exceeded the DFA budget and finished by NFA simulation. */
  budgetFallbacks: number;
}

class NfaBuilder {
  /** Per state: epsilon targets (for epsilon states) — char states have `ranges` set instead. */
  readonly epsilon: number[][] = [];
  readonly ranges: (readonly Range[] | undefined)[] = [];
  readonly out: number[] = [];

  constructor(private readonly limit: number) {}

  state(): number {
    if (this.out.length >= this.limit) throw new AutomatonTooLargeError(this.limit);
    this.epsilon.push([]);
    this.ranges.push(undefined);
    this.out.push(-1);
    return this.out.length - 1;
  }

  /** Builds `tree` between a fresh start state and a fresh end state (an epsilon state with no exits yet). */
  build(tree: PatternTree): { start: number; end: number } {
    switch (tree.kind) {
      case 'set': {
        const start = this.state();
        const end = this.state();
        this.ranges[start] = tree.ranges;
        this.out[start] = end;
        return { start, end };
      }
      case 'concat': {
        if (tree.parts.length === 0) {
          const only = this.state();
          return { start: only, end: only };
        }
        let first: { start: number; end: number } | undefined;
        let previous: { start: number; end: number } | undefined;
        for (const part of tree.parts) {
          const fragment = this.build(part);
          if (previous) this.epsilon[previous.end]!.push(fragment.start);
          first ??= fragment;
          previous = fragment;
        }
        return { start: first!.start, end: previous!.end };
      }
      case 'union': {
        const start = this.state();
        const end = this.state();
        for (const alternative of tree.alternatives) {
          const fragment = this.build(alternative);
          this.epsilon[start]!.push(fragment.start);
          this.epsilon[fragment.end]!.push(end);
        }
        return { start, end };
      }
      case 'repeat':
        return this.repeat(tree.node, tree.min, tree.max);
    }
  }

  private repeat(node: PatternTree, min: number, max: number | undefined): { start: number; end: number } {
    const start = this.state();
    let end = start;
    for (let i = 0; i < min; i++) {
      const copy = this.build(node);
      this.epsilon[end]!.push(copy.start);
      end = copy.end;
    }
    if (max === undefined) {
      // Kleene star on one more copy: loop back from its end, and allow skipping it.
      const loop = this.build(node);
      const after = this.state();
      this.epsilon[end]!.push(loop.start, after);
      this.epsilon[loop.end]!.push(loop.start, after);
      return { start, end: after };
    }
    const after = this.state();
    for (let i = min; i < max; i++) {
      const copy = this.build(node);
      this.epsilon[end]!.push(copy.start, after);
      end = copy.end;
    }
    this.epsilon[end]!.push(after);
    return { start, end: after };
  }
}

export class Automaton {
  readonly stats: AutomatonStats = { steps: 0, nfaVisits: 0, dfaStates: 0, budgetFallbacks: 0 };

  private readonly charRanges: (readonly Range[] | undefined)[];
  private readonly charOut: Int32Array;
  private readonly epsilon: number[][];
  private readonly accept: number;
  /** Boundaries between equivalence classes of code points (sorted); class i is [bounds[i], bounds[i+1]). */
  private readonly bounds: number[];
  private readonly asciiClass: Uint16Array;
  private readonly classCount: number;

  // The lazily built DFA: state i's set, its accepting flag and its transitions (-1 = not built yet).
  private readonly dfaSets: Int32Array[] = [];
  private readonly dfaAccepts: boolean[] = [];
  /** Transitions of all DFA states, `classCount` per state, grown by doubling (-1 = not built yet). */
  private table = new Int32Array(0);
  private readonly dfaIndex = new Map<string, number>();
  private readonly startState: number;
  private readonly dead: number;

  // Scratch for closures: a generation mark per NFA state avoids clearing a set per step.
  private readonly mark: Uint32Array;
  private generation = 0;
  private readonly stack: number[] = [];

  constructor(
    tree: PatternTree,
    options: { maxNfaStates?: number; maxDfaStates?: number; foldAscii?: boolean } = {},
  ) {
    const builder = new NfaBuilder(options.maxNfaStates ?? MAX_NFA_STATES);
    const { start, end } = builder.build(tree);
    this.maxDfaStates = options.maxDfaStates ?? MAX_DFA_STATES;
    this.foldAscii = options.foldAscii === true;
    this.charRanges = builder.ranges;
    this.charOut = Int32Array.from(builder.out);
    this.epsilon = builder.epsilon;
    this.accept = end;
    this.mark = new Uint32Array(builder.out.length);

    const cuts = new Set<number>([0]);
    for (const ranges of builder.ranges) {
      for (const [from, to] of ranges ?? []) {
        cuts.add(from);
        if (to < MAX_CODE_POINT) cuts.add(to + 1);
      }
    }
    this.bounds = [...cuts].sort((a, b) => a - b);
    this.classCount = this.bounds.length;
    this.asciiClass = new Uint16Array(128);
    // With foldAscii, A–Z read as a–z (the pattern is folded already): no folded copy of the text is made.
    for (let code = 0; code < 128; code++) {
      this.asciiClass[code] = this.classOfSlow(options.foldAscii === true && code >= 65 && code <= 90 ? code + 32 : code);
    }

    this.dead = this.intern(new Int32Array(0));
    this.startState = this.intern(this.closure([start]));
  }

  private readonly maxDfaStates: number;
  private readonly foldAscii: boolean;

  /** True when the whole text matches. */
  matches(text: string): boolean {
    let state = this.startState;
    const length = text.length;
    const classes = this.classCount;
    const dead = this.dead;
    const asciiClass = this.asciiClass;
    let i = 0;
    let steps = 0;
    let answer: boolean | undefined;
    while (i < length) {
      if (state === dead) {
        answer = false;
        break;
      }
      let code = text.charCodeAt(i);
      i++;
      if (code >= 0xd800 && code <= 0xdbff && i < length) {
        const low = text.charCodeAt(i);
        if (low >= 0xdc00 && low <= 0xdfff) {
          code = (code - 0xd800) * 0x400 + (low - 0xdc00) + 0x10000;
          i++;
        }
      }
      steps++;
      const klass = code < 128 ? (asciiClass[code] as number) : this.classOfSlow(code);
      let next = this.table[state * classes + klass] as number;
      if (next < 0) {
        // Any code point of the class stands for it: its first one.
        const set = this.step(this.dfaSets[state] as Int32Array, this.bounds[klass] as number);
        if (!this.canAdd(set) && !this.dfaIndex.has(keyOf(set))) {
          this.stats.budgetFallbacks++;
          this.stats.steps += steps;
          return this.simulate(set, text, i);
        }
        next = this.intern(set);
        this.table[state * classes + klass] = next;
      }
      state = next;
    }
    this.stats.steps += steps;
    return answer ?? (this.dfaAccepts[state] as boolean);
  }

  /** NFA simulation from `set` for text[i…] — used past the DFA budget, and bounded by the NFA's size per step. */
  private simulate(set: Int32Array, text: string, i: number): boolean {
    let current = set;
    const length = text.length;
    while (i < length) {
      if (current.length === 0) return false;
      let code = text.codePointAt(i) as number;
      i += code > 0xffff ? 2 : 1;
      if (this.foldAscii && code >= 65 && code <= 90) code += 32;
      this.stats.steps++;
      current = this.step(current, code);
    }
    return this.isAccepting(current);
  }

  private isAccepting(set: Int32Array): boolean {
    for (const s of set) if (s === this.accept) return true;
    return false;
  }

  /** The closed set of NFA states reached from `set` on code point `code`. */
  private step(set: Int32Array, code: number): Int32Array {
    const targets: number[] = [];
    for (const s of set) {
      this.stats.nfaVisits++;
      const ranges = this.charRanges[s];
      if (ranges && contains(ranges, code)) targets.push(this.charOut[s] as number);
    }
    return this.closure(targets);
  }

  /** Epsilon closure, keeping only char states and the accept state (the rest carry no information). */
  private closure(seeds: readonly number[]): Int32Array {
    const generation = ++this.generation;
    if (generation === 0xffffffff) {
      this.mark.fill(0);
      this.generation = 1;
    }
    const stack = this.stack;
    const kept: number[] = [];
    for (const seed of seeds) {
      if (this.mark[seed] === this.generation) continue;
      this.mark[seed] = this.generation;
      stack.push(seed);
    }
    while (stack.length > 0) {
      const s = stack.pop() as number;
      this.stats.nfaVisits++;
      if (this.charRanges[s] !== undefined || s === this.accept) kept.push(s);
      for (const t of this.epsilon[s] as number[]) {
        if (this.mark[t] === this.generation) continue;
        this.mark[t] = this.generation;
        stack.push(t);
      }
    }
    kept.sort((a, b) => a - b);
    return Int32Array.from(kept);
  }

  /**
   * Whether one more DFA state fits the budget: a count of states, and bytes — the NFA states the
   * sets hold (a set of a large NFA can be big, and the text chooses which sets appear) and the
   * transition table.
   */
  private canAdd(set: Int32Array): boolean {
    return (
      this.dfaSets.length < this.maxDfaStates &&
      this.storedEntries + set.length <= MAX_DFA_SET_ENTRIES &&
      (this.dfaSets.length + 1) * this.classCount <= MAX_DFA_TABLE_CELLS
    );
  }

  private storedEntries = 0;

  private intern(set: Int32Array): number {
    const key = keyOf(set);
    const known = this.dfaIndex.get(key);
    if (known !== undefined) return known;
    const index = this.dfaSets.length;
    this.dfaIndex.set(key, index);
    this.dfaSets.push(set);
    this.storedEntries += set.length;
    this.dfaAccepts.push(this.isAccepting(set));
    const needed = (index + 1) * this.classCount;
    if (needed > this.table.length) {
      const grown = new Int32Array(Math.max(needed, this.table.length * 2)).fill(-1);
      grown.set(this.table);
      this.table = grown;
    }
    this.stats.dfaStates++;
    return index;
  }

  private classOfSlow(code: number): number {
    const bounds = this.bounds;
    let low = 0;
    let high = bounds.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((bounds[middle] as number) <= code) low = middle;
      else high = middle - 1;
    }
    return low;
  }
}

function contains(ranges: readonly Range[], code: number): boolean {
  for (const [from, to] of ranges) if (code >= from && code <= to) return true;
  return false;
}

function keyOf(set: Int32Array): string {
  return set.join(',');
}

/** Sorted, merged ranges. */
export function normalizeRanges(ranges: readonly Range[]): Range[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [from, to] of sorted) {
    const last = merged[merged.length - 1];
    if (last && from <= last[1] + 1) last[1] = Math.max(last[1], to);
    else merged.push([from, to]);
  }
  return merged;
}

/** Every code point not in `ranges`. */
export function complementRanges(ranges: readonly Range[]): Range[] {
  const result: Range[] = [];
  let next = 0;
  for (const [from, to] of normalizeRanges(ranges)) {
    if (from > next) result.push([next, from - 1]);
    next = to + 1;
  }
  if (next <= MAX_CODE_POINT) result.push([next, MAX_CODE_POINT]);
  return result;
}
