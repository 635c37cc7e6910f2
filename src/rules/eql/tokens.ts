/** Reserved words of Elasticsearch EQL (case-sensitive, as in Elasticsearch). */
export const KEYWORDS = [
  'and',
  'any',
  'by',
  'false',
  'in',
  'join',
  'like',
  'maxspan',
  'not',
  'null',
  'of',
  'or',
  'regex',
  'sample',
  'sequence',
  'true',
  'until',
  'where',
  'with',
] as const;

export type Keyword = (typeof KEYWORDS)[number];

/** The case-insensitive forms are single tokens (`in~`, not `in` `~`), as in Elasticsearch's lexer. */
export type InsensitiveKeyword = 'in~' | 'like~' | 'regex~';

export type Operator =
  | '=='
  | '!='
  | '<'
  | '<='
  | '>'
  | '>='
  | '='
  | ':'
  | '+'
  | '-'
  | '*'
  | '/'
  | '%'
  | '.'
  | ','
  | '['
  | ']'
  | '('
  | ')'
  | '|'
  | '?'
  | '!';

interface TokenBase {
  /** UTF-16 offsets in the query: [start, end). */
  start: number;
  end: number;
}

export type Token =
  | (TokenBase & { kind: 'identifier'; name: string })
  /** `` `my-field` ``: a field name that needs quoting; `name` is unquoted. */
  | (TokenBase & { kind: 'quoted-identifier'; name: string })
  /** A function name with the case-insensitive marker, e.g. `startsWith~`; `name` has no `~`. */
  | (TokenBase & { kind: 'tilde-identifier'; name: string })
  | (TokenBase & { kind: 'keyword'; keyword: Keyword | InsensitiveKeyword })
  | (TokenBase & { kind: 'string'; value: string })
  | (TokenBase & { kind: 'number'; value: number })
  | (TokenBase & { kind: 'operator'; operator: Operator })
  | (TokenBase & { kind: 'eof' });

/** How a token reads in an error message. */
export function describeToken(token: Token, query: string): string {
  if (token.kind === 'eof') return 'the end of the query';
  return `'${query.slice(token.start, token.end)}'`;
}
