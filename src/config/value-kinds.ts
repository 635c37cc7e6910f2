/**
 * The forms a configuration value can take. Each kind checks a raw value (from JSON or a plist) and
 * returns it normalised, or a sentence saying what was expected — the sentence ends up in front of
 * an administrator, so it names the form, the range and what was given.
 */

export type Check<T> = (raw: unknown) => { ok: true; value: T } | { ok: false; expected: string };

export interface ValueKind<T> {
  /** How the form reads in `config show` and in errors, e.g. "whole number 1–3650". */
  readonly form: string;
  readonly check: Check<T>;
}

/** A raw value as an error message shows it. */
export function shown(raw: unknown): string {
  if (typeof raw === 'string') return JSON.stringify(raw);
  if (raw === null) return 'null';
  if (Array.isArray(raw)) return 'a list';
  if (typeof raw === 'object') return 'an object';
  return String(raw);
}

function fail(form: string, raw: unknown): { ok: false; expected: string } {
  return { ok: false, expected: `expected ${form}, got ${shown(raw)}` };
}

export function integer(min: number, max: number, unit = ''): ValueKind<number> {
  const form = `a whole number from ${min} to ${max}${unit ? ` (${unit})` : ''}`;
  return {
    form,
    check: (raw) =>
      typeof raw === 'number' && Number.isInteger(raw) && raw >= min && raw <= max ? { ok: true, value: raw } : fail(form, raw),
  };
}

export function number(min: number, max: number, unit = ''): ValueKind<number> {
  const form = `a number from ${min} to ${max}${unit ? ` (${unit})` : ''}`;
  return {
    form,
    check: (raw) =>
      typeof raw === 'number' && Number.isFinite(raw) && raw >= min && raw <= max ? { ok: true, value: raw } : fail(form, raw),
  };
}

export const boolean: ValueKind<boolean> = {
  form: 'true or false',
  check: (raw) => (typeof raw === 'boolean' ? { ok: true, value: raw } : fail('true or false', raw)),
};

export function oneOf<T extends string>(choices: readonly T[]): ValueKind<T> {
  const form = `one of ${choices.map((c) => `"${c}"`).join(', ')}`;
  return {
    form,
    check: (raw) => (typeof raw === 'string' && (choices as readonly string[]).includes(raw) ? { ok: true, value: raw as T } : fail(form, raw)),
  };
}

/** An absolute path. Relative paths are refused: a daemon's working directory is `/`, a surprise. */
export const absolutePath: ValueKind<string> = {
  form: 'an absolute path',
  check: (raw) =>
    typeof raw === 'string' && raw.startsWith('/') && !raw.includes('\0') ? { ok: true, value: raw } : fail('an absolute path', raw),
};

/** An absolute path, or `null`/`""` to switch the feature off. */
export const optionalPath: ValueKind<string | null> = {
  form: 'an absolute path, or null to turn it off',
  check: (raw) => {
    if (raw === null || raw === '') return { ok: true, value: null };
    const checked = absolutePath.check(raw);
    return checked.ok ? checked : fail('an absolute path, or null to turn it off', raw);
  },
};

export function listOf<T>(item: ValueKind<T>): ValueKind<T[]> {
  const form = `a list of ${item.form.replace(/^an? /, '')}s`;
  return {
    form,
    check: (raw) => {
      if (!Array.isArray(raw)) return fail(form, raw);
      const values: T[] = [];
      for (const [index, element] of raw.entries()) {
        const checked = item.check(element);
        if (!checked.ok) return { ok: false, expected: `expected ${form}; item ${index + 1}: ${checked.expected}` };
        values.push(checked.value);
      }
      return { ok: true, value: values };
    },
  };
}

export const nonEmptyString: ValueKind<string> = {
  form: 'a non-empty string',
  check: (raw) => (typeof raw === 'string' && raw.trim() !== '' ? { ok: true, value: raw } : fail('a non-empty string', raw)),
};
