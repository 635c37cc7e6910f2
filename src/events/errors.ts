import { EmondguardError } from '../errors.js';

/**
 * Why an input line was not turned into an event. Stable strings: the scan summary, the agent's
 * counters and tests key on them.
 */
export type MalformedReason =
  /** Not valid JSON. */
  | 'invalid_json'
  /** Valid JSON, but not an object (a number, an array…). */
  | 'not_an_object'
  /** An object that is neither an eslogger message nor an ECS document. */
  | 'unknown_format'
  /** A field the event cannot exist without is absent. */
  | 'missing_field'
  /** A field is present with the wrong type or an impossible value. */
  | 'bad_field'
  /** Longer than the reader accepts; skipped without being buffered. */
  | 'line_too_long';

/**
 * A line that could not become an event. Never fatal: the reader counts it by `reason` and goes on.
 * `field` names the offending field (dotted path) where there is one.
 */
export class EventParseError extends EmondguardError {
  readonly reason: MalformedReason;
  readonly field: string | undefined;

  constructor(reason: MalformedReason, message: string, options?: { field?: string; cause?: unknown }) {
    super(`E_EVENT_${reason.toUpperCase()}`, message, options);
    this.reason = reason;
    this.field = options?.field;
  }
}

/** Reading an input failed. Codes start with `E_IO` so the CLI exits 2 (the user must fix it). */
export class InputError extends EmondguardError {
  readonly input: string;

  constructor(code: `E_IO_${string}`, input: string, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.input = input;
  }
}

/** Maps a Node file-system error on `input` to an InputError whose message says what to do. */
export function inputErrorFrom(error: unknown, input: string): InputError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const label = input === '-' ? 'standard input' : input;
  switch (code) {
    case 'ENOENT':
      return new InputError('E_IO_NOT_FOUND', input, `cannot read ${label}: no such file; check the path`, { cause: error });
    case 'EACCES':
    case 'EPERM':
      return new InputError(
        'E_IO_PERMISSION',
        input,
        `cannot read ${label}: permission denied; run as a user who may read it (eslogger traces are often root-owned)`,
        { cause: error },
      );
    case 'EISDIR':
      return new InputError('E_IO_IS_DIRECTORY', input, `cannot read ${label}: it is a directory; name the trace files in it`, {
        cause: error,
      });
    default:
      return new InputError(
        'E_IO_READ',
        input,
        `cannot read ${label}: ${(error as Error | undefined)?.message ?? String(error)}`,
        { cause: error },
      );
  }
}
