/**
 * The base of every error emondguard raises on purpose. `code` is stable (tests, scripts and the
 * CLI's exit codes key on it); the message says what happened *and* what to do about it.
 * Each area defines its own subclasses next to its code (ParseError in rules/, StoreError in
 * storage/, …) so callers can `instanceof` the area and switch on `code`.
 */
export class EmondguardError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Bad command-line usage or input the user must fix. The CLI exits 2 on these. */
export class UsageError extends EmondguardError {
  constructor(message: string, options?: { cause?: unknown; code?: string }) {
    super(options?.code ?? 'E_USAGE', message, options);
  }
}

/** A message for anything thrown, without assuming it is an Error. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
