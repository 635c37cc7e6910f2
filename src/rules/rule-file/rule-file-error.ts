import { EmondguardError } from '../../errors.js';
import { caretExcerpt, type LineColumn } from '../source-excerpt.js';

/**
 * Stable codes of rule-file errors:
 * - `E_RULE_TOML`: the file is not valid TOML;
 * - `E_RULE_KEY`: a required key is missing or a key has the wrong form;
 * - `E_RULE_TYPE`: a rule type or language other than EQL;
 * - `E_RULE_QUERY`: the EQL query does not compile (the `EqlError` is the `cause`);
 * - `E_RULE_DUPLICATE`: two rules share a `rule_id`;
 * - `E_IO_RULE_READ`, `E_IO_RULE_PATH`: a path cannot be read or does not exist (the CLI exits 2).
 */
export type RuleFileErrorCode =
  | 'E_RULE_TOML'
  | 'E_RULE_KEY'
  | 'E_RULE_TYPE'
  | 'E_RULE_QUERY'
  | 'E_RULE_DUPLICATE'
  | 'E_IO_RULE_READ'
  | 'E_IO_RULE_PATH';

export interface RuleFileErrorDetails {
  /** The key at fault, as a path (`rule.severity`, `rule.threat[0].tactic.id`). */
  key?: string;
  /** The form the key must have, in words (`one of low, medium, high, critical`). */
  expected?: string;
  /** Where in the file, when known. */
  position?: LineColumn;
  /** The text that `position` points into (the file), for the caret excerpt. */
  text?: string;
  /** When `text` is not the whole file (a query that could not be placed in it): a label for it. */
  textLabel?: string;
  cause?: unknown;
}

/**
 * A rule file that cannot be used, with the file, the key and the expected form where they apply.
 * `message` is one line, `file:line:column: detail`; `render()` adds the line and a caret.
 */
export class RuleFileError extends EmondguardError {
  declare readonly code: RuleFileErrorCode;
  readonly file: string;
  readonly detail: string;
  readonly key: string | undefined;
  readonly expected: string | undefined;
  readonly line: number | undefined;
  readonly column: number | undefined;
  private readonly text: string | undefined;
  private readonly textLabel: string | undefined;

  constructor(code: RuleFileErrorCode, file: string, detail: string, details: RuleFileErrorDetails = {}) {
    const where = details.position && !details.textLabel ? `${file}:${details.position.line}:${details.position.column}` : file;
    const inText = details.position && details.textLabel ? `${details.textLabel} line ${details.position.line}:${details.position.column}: ` : '';
    super(code, `${where}: ${inText}${detail}`, { cause: details.cause });
    this.file = file;
    this.detail = detail;
    this.key = details.key;
    this.expected = details.expected;
    this.line = details.position?.line;
    this.column = details.position?.column;
    this.text = details.text;
    this.textLabel = details.textLabel;
  }

  /** The message plus, when the position is known, the offending line with a caret under it. */
  render(): string {
    if (this.text === undefined || this.line === undefined || this.column === undefined) return this.message;
    return `${this.message}\n${caretExcerpt(this.text, { line: this.line, column: this.column })}`;
  }
}
