import {
  startOf,
  type ComparisonOperator,
  type ExprNode,
  type FieldNode,
  type LiteralNode,
  type PatternOperator,
  type QueryNode,
} from './ast.js';
import { EqlError, EqlUnsupportedError } from './eql-error.js';
import { tokenize } from './lexer.js';
import { describeToken, type Keyword, type Operator, type Token } from './tokens.js';

/**
 * Parses a single-event query (`<category> where <condition>`) with the precedence of
 * Elasticsearch's grammar: `not` binds tighter than `and`, `and` tighter than `or`; a comparison
 * is not chainable; `in`, `:`, `like`, `regex` and their `~` forms attach to the operand on their
 * left. What Elasticsearch accepts but emondguard does not evaluate (`sequence`, `join`, `sample`,
 * pipes, arithmetic, array indexes, process relationships) fails with `EqlUnsupportedError`
 * naming the construct; everything else that is not EQL fails with an `E_EQL_SYNTAX` `EqlError`.
 */
export function parseQuery(query: string): QueryNode {
  return new Parser(query, tokenize(query)).query();
}

/** Deep enough for any real rule, shallow enough that parsing never exhausts the stack. */
const MAX_NESTING = 128;

const COMPARISON_OPERATORS: ReadonlySet<string> = new Set(['==', '!=', '<', '<=', '>', '>=']);
const ARITHMETIC_OPERATORS: ReadonlySet<string> = new Set(['+', '-', '*', '/', '%']);
const PATTERN_KEYWORDS: ReadonlySet<string> = new Set(['like', 'like~', 'regex', 'regex~']);
const QUERY_KINDS_NOT_SUPPORTED: ReadonlySet<string> = new Set(['sequence', 'join', 'sample']);

class Parser {
  private index = 0;
  private depth = 0;

  constructor(
    private readonly source: string,
    private readonly tokens: Token[],
  ) {}

  query(): QueryNode {
    const first = this.peek();
    if (first.kind === 'keyword' && QUERY_KINDS_NOT_SUPPORTED.has(first.keyword)) {
      throw new EqlUnsupportedError(
        first.keyword,
        `unsupported construct '${first.keyword}': emondguard evaluates single-event queries ` +
          `('<category> where <condition>') only; drop this rule or rewrite it as a single-event query`,
        this.source,
        first.start,
      );
    }
    const { category, anyCategory } = this.category();
    this.expect('where', `after the event category; a query reads '<category> where <condition>'`);
    const condition = this.expression();
    this.end();
    return { type: 'query', category, anyCategory, condition };
  }

  private category(): { category: string; anyCategory: boolean } {
    const token = this.advance();
    if (token.kind === 'keyword' && token.keyword === 'any') return { category: 'any', anyCategory: true };
    if (token.kind === 'identifier') return { category: token.name, anyCategory: false };
    if (token.kind === 'string') return { category: token.value, anyCategory: false };
    throw this.syntax(
      `expected an event category (such as process) or 'any' but found ${describeToken(token, this.source)}`,
      token,
    );
  }

  /** After the condition only a pipe (unsupported) or the end may follow. */
  private end(): void {
    const token = this.peek();
    if (token.kind === 'eof') return;
    if (token.kind === 'operator' && token.operator === '|') {
      const next = this.tokens[this.index + 1];
      const name = next && next.kind === 'identifier' ? ` ${next.name}` : '';
      throw new EqlUnsupportedError(
        `|${name}`,
        `unsupported construct '|${name}': pipes are not supported (emondguard raises an alert for ` +
          `every matching event); remove the pipe`,
        this.source,
        token.start,
      );
    }
    throw this.syntax(`unexpected ${describeToken(token, this.source)} after the condition`, token);
  }

  private expression(): ExprNode {
    const first = this.peek();
    if (++this.depth > MAX_NESTING) {
      throw new EqlError(
        'E_EQL_INVALID',
        `expression nested more than ${MAX_NESTING} levels deep: simplify the query`,
        this.source,
        first.start,
      );
    }
    const result = this.or();
    this.depth--;
    return result;
  }

  private or(): ExprNode {
    return this.chain('or', () => this.and());
  }

  private and(): ExprNode {
    return this.chain('and', () => this.not());
  }

  /** `x op y op z` as one n-ary node, so long rule lists stay flat. */
  private chain(keyword: 'and' | 'or', operand: () => ExprNode): ExprNode {
    const first = operand();
    if (!this.at(keyword)) return first;
    const operands = [first];
    while (this.accept(keyword)) operands.push(operand());
    return { type: keyword, operands, offset: startOf(first) };
  }

  private not(): ExprNode {
    const token = this.peek();
    if (token.kind === 'keyword' && token.keyword === 'not') {
      this.advance();
      // Nested `not not not …` recurses; count it like parentheses.
      if (++this.depth > MAX_NESTING) {
        throw new EqlError('E_EQL_INVALID', `'not' nested more than ${MAX_NESTING} levels deep`, this.source, token.start);
      }
      const operand = this.not();
      this.depth--;
      return { type: 'not', operand, offset: token.start };
    }
    const next = this.tokens[this.index + 1];
    if (token.kind === 'identifier' && next?.kind === 'keyword' && next.keyword === 'of') {
      throw new EqlUnsupportedError(
        `${token.name} of`,
        `unsupported construct '${token.name} of': process relationships are not supported; ` +
          `compare process.parent fields instead`,
        this.source,
        token.start,
      );
    }
    return this.comparison();
  }

  private comparison(): ExprNode {
    const left = this.operand();
    const token = this.peek();
    if (token.kind !== 'operator') return left;
    if (token.operator === '=') {
      throw this.syntax(`'=' is not an operator: use == (case-sensitive) or : (case-insensitive)`, token);
    }
    if (!COMPARISON_OPERATORS.has(token.operator)) return left;
    this.advance();
    const right = this.operand();
    const after = this.peek();
    if (after.kind === 'operator' && COMPARISON_OPERATORS.has(after.operator)) {
      throw this.syntax(`comparisons cannot be chained: join them with 'and'`, after);
    }
    return { type: 'compare', operator: token.operator as ComparisonOperator, left, right, offset: token.start };
  }

  /** A primary expression, the test that may follow it, and a check that no arithmetic follows. */
  private operand(): ExprNode {
    const primary = this.signedPrimary();
    const withPredicate = this.predicate(primary);
    const token = this.peek();
    if (token.kind === 'operator' && ARITHMETIC_OPERATORS.has(token.operator)) throw this.arithmetic(token);
    return withPredicate;
  }

  /** A leading minus is accepted on a number (`-1`); anything else signed is arithmetic. */
  private signedPrimary(): ExprNode {
    const token = this.peek();
    if (token.kind === 'operator' && (token.operator === '-' || token.operator === '+')) {
      const next = this.tokens[this.index + 1];
      if (next?.kind !== 'number') throw this.arithmetic(token);
      this.advance();
      this.advance();
      return { type: 'literal', value: token.operator === '-' ? -next.value : next.value, offset: token.start };
    }
    return this.primary();
  }

  private predicate(target: ExprNode): ExprNode {
    const token = this.peek();
    if (token.kind === 'keyword' && token.keyword === 'not') {
      const next = this.tokens[this.index + 1];
      if (next?.kind === 'keyword' && (next.keyword === 'in' || next.keyword === 'in~')) {
        this.advance();
        return this.inList(target, true);
      }
      throw this.syntax(
        `'not' here must be followed by 'in' or 'in~'; to negate another test put 'not' in front of it`,
        token,
      );
    }
    if (token.kind === 'keyword' && (token.keyword === 'in' || token.keyword === 'in~')) {
      return this.inList(target, false);
    }
    if (token.kind === 'operator' && token.operator === ':') return this.patterns(target, ':');
    if (token.kind === 'keyword' && PATTERN_KEYWORDS.has(token.keyword)) {
      return this.patterns(target, token.keyword as PatternOperator);
    }
    return target;
  }

  private inList(target: ExprNode, negated: boolean): ExprNode {
    const keyword = this.advance();
    const caseInsensitive = keyword.kind === 'keyword' && keyword.keyword === 'in~';
    this.expect('(', `after '${caseInsensitive ? 'in~' : 'in'}'`);
    const values = [this.expression()];
    while (this.accept(',')) values.push(this.expression());
    this.expect(')', 'to close the list');
    return { type: 'in', target, values, caseInsensitive, negated, offset: keyword.start };
  }

  /** `:`, `like`, `regex` take one constant or a parenthesised list of constants. */
  private patterns(target: ExprNode, operator: PatternOperator): ExprNode {
    const token = this.advance();
    const patterns: LiteralNode[] = [];
    if (this.accept('(')) {
      patterns.push(this.constant(operator));
      while (this.accept(',')) patterns.push(this.constant(operator));
      this.expect(')', 'to close the list');
    } else {
      patterns.push(this.constant(operator));
    }
    return { type: 'pattern', operator, target, patterns, offset: token.start };
  }

  private constant(after: string): LiteralNode {
    const token = this.advance();
    const literal = this.literal(token);
    if (literal) return literal;
    throw this.syntax(
      `expected a string (or a list of strings in parentheses) after '${after}' but found ${describeToken(token, this.source)}`,
      token,
    );
  }

  private literal(token: Token): LiteralNode | undefined {
    if (token.kind === 'string' || token.kind === 'number') {
      return { type: 'literal', value: token.value, offset: token.start };
    }
    if (token.kind === 'keyword' && (token.keyword === 'true' || token.keyword === 'false' || token.keyword === 'null')) {
      const value = token.keyword === 'null' ? null : token.keyword === 'true';
      return { type: 'literal', value, offset: token.start };
    }
    return undefined;
  }

  private primary(): ExprNode {
    const token = this.advance();
    const literal = this.literal(token);
    if (literal) return literal;
    if (token.kind === 'operator' && token.operator === '(') {
      const inner = this.expression();
      this.expect(')', 'to close the parenthesis');
      return inner;
    }
    if (token.kind === 'operator' && token.operator === '?') {
      const next = this.advance();
      if (next.kind !== 'identifier' && next.kind !== 'quoted-identifier') {
        throw this.syntax(`expected a field name after '?' but found ${describeToken(next, this.source)}`, next);
      }
      return this.field(next, true, token.start);
    }
    if (token.kind === 'tilde-identifier' || (token.kind === 'identifier' && this.at('('))) {
      return this.call(token);
    }
    if (token.kind === 'identifier' || token.kind === 'quoted-identifier') return this.field(token, false, token.start);
    throw this.syntax(`expected a field, a value or '(' but found ${describeToken(token, this.source)}`, token);
  }

  private call(nameToken: Token & { kind: 'identifier' | 'tilde-identifier' }): ExprNode {
    this.expect('(', `after the function name '${nameToken.name}${nameToken.kind === 'tilde-identifier' ? '~' : ''}'`);
    const args: ExprNode[] = [];
    if (!this.accept(')')) {
      args.push(this.expression());
      while (this.accept(',')) args.push(this.expression());
      this.expect(')', 'to close the function arguments');
    }
    return {
      type: 'call',
      name: nameToken.name,
      caseInsensitive: nameToken.kind === 'tilde-identifier',
      args,
      offset: nameToken.start,
    };
  }

  private field(first: Token & { kind: 'identifier' | 'quoted-identifier' }, optional: boolean, offset: number): FieldNode {
    const segments = [first.name];
    for (;;) {
      const token = this.peek();
      if (token.kind === 'operator' && token.operator === '[') {
        throw new EqlUnsupportedError(
          '[index]',
          `unsupported construct '[index]': array indexes are not supported; a test on an array ` +
            `field already matches when any element matches`,
          this.source,
          token.start,
        );
      }
      if (!(token.kind === 'operator' && token.operator === '.')) break;
      this.advance();
      const part = this.advance();
      if (part.kind === 'identifier' || part.kind === 'quoted-identifier') {
        segments.push(part.name);
      } else if (part.kind === 'keyword') {
        throw this.syntax(`'${part.keyword}' is a reserved word: quote the field name with backquotes, \`${part.keyword}\``, part);
      } else {
        throw this.syntax(`expected a field name after '.' but found ${describeToken(part, this.source)}`, part);
      }
    }
    return { type: 'field', name: segments.join('.'), optional, offset };
  }

  private arithmetic(token: Token & { kind: 'operator' }): EqlUnsupportedError {
    return new EqlUnsupportedError(
      token.operator,
      `unsupported construct '${token.operator}': arithmetic is not supported; compare a field with a constant`,
      this.source,
      token.start,
    );
  }

  private peek(): Token {
    return this.tokens[this.index] ?? this.eof();
  }

  private advance(): Token {
    const token = this.peek();
    if (token.kind !== 'eof') this.index++;
    return token;
  }

  private eof(): Token {
    return { kind: 'eof', start: this.source.length, end: this.source.length };
  }

  /** Whether the next token is this keyword or operator (their spellings never overlap). */
  private at(text: Keyword | Operator): boolean {
    const token = this.peek();
    return (token.kind === 'keyword' && token.keyword === text) || (token.kind === 'operator' && token.operator === text);
  }

  private accept(text: Keyword | Operator): boolean {
    if (!this.at(text)) return false;
    this.advance();
    return true;
  }

  private expect(text: Keyword | Operator, context: string): void {
    const token = this.peek();
    if (!this.accept(text)) {
      throw this.syntax(`expected '${text}' ${context} but found ${describeToken(token, this.source)}`, token);
    }
  }

  private syntax(detail: string, token: Token): EqlError {
    return new EqlError('E_EQL_SYNTAX', detail, this.source, token.start);
  }
}
