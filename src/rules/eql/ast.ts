/**
 * The syntax tree of a single-event EQL query. Each node keeps the offset where it starts in the
 * query, so the compiler can point at the exact place of a meaningless construct.
 *
 * Boolean connectives are n-ary (`a and b and c` is one node with three operands): the tree stays
 * shallow however long a rule's `or` list grows, and evaluation is a flat loop.
 */

export type LiteralValue = string | number | boolean | null;

export interface FieldNode {
  type: 'field';
  /** The dotted name as written, backquotes removed (`process.parent.name`). */
  name: string;
  /** `?field`: Elasticsearch resolves an unmapped optional field to null instead of failing. */
  optional: boolean;
  offset: number;
}

export interface LiteralNode {
  type: 'literal';
  value: LiteralValue;
  offset: number;
}

export interface CallNode {
  type: 'call';
  /** As written, without the `~`. */
  name: string;
  /** `startsWith~(…)`. */
  caseInsensitive: boolean;
  args: ExprNode[];
  offset: number;
}

export interface LogicalNode {
  type: 'and' | 'or';
  operands: ExprNode[];
  offset: number;
}

export interface NotNode {
  type: 'not';
  operand: ExprNode;
  offset: number;
}

export type ComparisonOperator = '==' | '!=' | '<' | '<=' | '>' | '>=';

export interface ComparisonNode {
  type: 'compare';
  operator: ComparisonOperator;
  left: ExprNode;
  right: ExprNode;
  /** Where the operator is. */
  offset: number;
}

/** `:` is `like~` (case-insensitive wildcard); the operator is kept as written for messages. */
export type PatternOperator = ':' | 'like' | 'like~' | 'regex' | 'regex~';

export interface PatternNode {
  type: 'pattern';
  operator: PatternOperator;
  target: ExprNode;
  /** One pattern, or the members of a `(…)` list; any one matching is enough. */
  patterns: LiteralNode[];
  offset: number;
}

export interface InNode {
  type: 'in';
  target: ExprNode;
  values: ExprNode[];
  caseInsensitive: boolean;
  /** `not in` / `not in~`. */
  negated: boolean;
  offset: number;
}

export type ExprNode = FieldNode | LiteralNode | CallNode | LogicalNode | NotNode | ComparisonNode | PatternNode | InNode;

export interface QueryNode {
  type: 'query';
  /** The event category (`process`), or `any`. */
  category: string;
  /** True for `any where …`: no category filter. */
  anyCategory: boolean;
  condition: ExprNode;
}

/** Where the text of an expression begins (a comparison's `offset` is its operator). */
export function startOf(node: ExprNode): number {
  switch (node.type) {
    case 'compare':
      return startOf(node.left);
    case 'pattern':
    case 'in':
      return startOf(node.target);
    case 'and':
    case 'or':
      return node.operands[0] ? startOf(node.operands[0]) : node.offset;
    default:
      return node.offset;
  }
}
