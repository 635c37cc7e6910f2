/**
 * One private copy of each distinct string the process tree keeps (executable paths, names),
 * shared by every record that holds it.
 *
 * Why copies: a source may hand over strings that are views into a much larger one — the native
 * addon sends a whole batch's strings as one JS string, and V8 slices share their parent's memory.
 * A record of a process that runs for days would then keep its batch (tens of KB) alive with it,
 * one batch per long-lived process. A copy made once per distinct path costs a few hundred bytes.
 */
export class OwnedStrings {
  private readonly copies = new Map<string, string>();

  /** `capacity` distinct strings at most: past it the table starts over (records keep their copies). */
  constructor(private readonly capacity = 16_384) {}

  get size(): number {
    return this.copies.size;
  }

  /** The shared copy of `value` (equal to it, never a view into another string). */
  own(value: string): string {
    const known = this.copies.get(value);
    if (known !== undefined) return known;
    if (this.copies.size >= this.capacity) this.copies.clear();
    const copy = detachedCopy(value);
    this.copies.set(copy, copy);
    return copy;
  }
}

/**
 * A string equal to `value` that shares no memory with it. JavaScript cannot ask for this
 * directly; JSON.stringify always writes a new string, and parsing it back gives the value in
 * memory of its own (at most a view of that new, small string).
 */
function detachedCopy(value: string): string {
  return JSON.parse(JSON.stringify(value)) as string;
}
