import { EmondguardError } from '../../errors.js';
import { caretExcerpt, lineColumnAt } from '../source-excerpt.js';

/**
 * Stable codes of the EQL errors:
 * - `E_EQL_SYNTAX`: the text is not EQL (a stray character, a missing parenthesis, single quotes…);
 * - `E_EQL_UNSUPPORTED`: valid Elasticsearch EQL that emondguard does not evaluate (`sequence`,
 *   pipes, arithmetic…) — `construct` names it;
 * - `E_EQL_INVALID`: well-formed but meaningless (a number as a wildcard pattern, field compared
 *   with field, a bad CIDR block…);
 * - `E_EQL_REGEX`: a `regex`/`regex~` pattern that is not valid Lucene syntax.
 */
export type EqlErrorCode = 'E_EQL_SYNTAX' | 'E_EQL_UNSUPPORTED' | 'E_EQL_INVALID' | 'E_EQL_REGEX';

/**
 * A problem in an EQL query, pinned to the place in the query that causes it. `message` reads
 * `line L:C: detail` like Elasticsearch's; `render()` adds the query line and a caret.
 */
export class EqlError extends EmondguardError {
  declare readonly code: EqlErrorCode;
  /** The description without the position. */
  readonly detail: string;
  /** 1-based line in the query. */
  readonly line: number;
  /** 1-based column (code points) in the query. */
  readonly column: number;
  /** UTF-16 offset in the query. */
  readonly offset: number;
  readonly query: string;

  constructor(code: EqlErrorCode, detail: string, query: string, offset: number, options?: { cause?: unknown }) {
    const { line, column } = lineColumnAt(query, offset);
    super(code, `line ${line}:${column}: ${detail}`, options);
    this.detail = detail;
    this.line = line;
    this.column = column;
    this.offset = offset;
    this.query = query;
  }

  /** The message, the offending query line and a caret under the column. */
  render(): string {
    return `${this.message}\n${caretExcerpt(this.query, this)}`;
  }
}

/** Valid Elasticsearch EQL that emondguard does not evaluate; `construct` names what was found. */
export class EqlUnsupportedError extends EqlError {
  readonly construct: string;

  constructor(construct: string, detail: string, query: string, offset: number) {
    super('E_EQL_UNSUPPORTED', detail, query, offset);
    this.construct = construct;
  }
}
