import {
  startOf,
  type CallNode,
  type ComparisonNode,
  type ComparisonOperator,
  type ExprNode,
  type InNode,
  type LiteralNode,
  type LiteralValue,
  type PatternNode,
} from './ast.js';
import { EqlError, EqlUnsupportedError } from './eql-error.js';
import { compileFieldResolver, type FieldResolver } from './field-resolver.js';
import { findFunction, supportedFunctionNames } from './functions.js';
import { compileLuceneRegexes, LuceneRegexError, parseLuceneRegex } from './lucene-regex.js';
import { connective, fieldTest, not, textTest, type Predicate } from './specialize.js';
import {
  equalityTest,
  insensitiveEqualityTest,
  orderTest,
  type OrderOperator,
  type ScalarLiteral,
  type ValueTest,
} from './values.js';
import { compileWildcards, type TextMatcher } from './wildcard.js';

export type { Predicate } from './specialize.js';

/**
 * Turns a condition's syntax tree into one function per node, doing every piece of work that does
 * not depend on the event once: field paths are split, wildcard lists become sets and prefix
 * checks, regexes are translated and compiled, `in` lists become sets. Meaningless constructs
 * fail here with an `EqlError` pointing at them.
 *
 * The operands of a top-level `and` compiled one by one (or the whole condition as one), so the
 * caller can put them in a single flat connective with its own checks in front.
 */
export function compileConjuncts(node: ExprNode, query: string): Predicate[] {
  const compiler = new Compiler(query);
  return node.type === 'and' ? node.operands.map((operand) => compiler.condition(operand)) : [compiler.condition(node)];
}

/** What a comparison or a test reads: a field, a function's result, or a constant (folded). */
interface Operand {
  kind: 'field' | 'call' | 'literal';
  resolve: FieldResolver;
}

const FLIPPED: Readonly<Record<ComparisonOperator, ComparisonOperator>> = {
  '==': '==',
  '!=': '!=',
  '<': '>',
  '<=': '>=',
  '>': '<',
  '>=': '<=',
};

class Compiler {
  constructor(private readonly query: string) {}

  condition(node: ExprNode): Predicate {
    switch (node.type) {
      case 'and':
        return connective('&&', node.operands.map((operand) => this.condition(operand)));
      case 'or':
        return connective('||', node.operands.map((operand) => this.condition(operand)));
      case 'not':
        return not(this.condition(node.operand));
      case 'literal':
        if (typeof node.value === 'boolean') return constant(node.value);
        throw this.invalid(`${describeLiteral(node.value)} is not a condition: compare it with a field`, node.offset);
      case 'field':
        // A bare boolean field: true when it holds `true`.
        return fieldTest(compileFieldResolver(node.name), isTrue);
      case 'call':
        return this.call(node);
      case 'compare':
        return this.comparison(node);
      case 'pattern':
        return this.pattern(node);
      case 'in':
        return this.membership(node);
    }
  }

  private comparison(node: ComparisonNode): Predicate {
    let left = this.operand(node.left, node.operator);
    let right = this.operand(node.right, node.operator);
    let rightNode = node.right;
    let operator = node.operator;
    if (left.kind === 'literal' && right.kind !== 'literal') {
      [left, right] = [right, left];
      rightNode = node.left;
      operator = FLIPPED[operator];
    }
    if (right.kind !== 'literal') {
      throw new EqlUnsupportedError(
        'field compared with field',
        `comparing a field with another field is not supported (nor by Elasticsearch): compare each with a constant`,
        this.query,
        node.offset,
      );
    }
    const value = (rightNode as LiteralNode).value;
    if (left.kind === 'call' && (typeof value !== 'boolean' || (operator !== '==' && operator !== '!='))) {
      throw this.invalid(`a function result is true or false: compare it with == true or == false`, node.offset);
    }
    const predicate = this.comparisonPredicate(left.resolve, operator, value, node.offset);
    return left.kind === 'literal' ? constant(predicate(undefined)) : predicate;
  }

  private comparisonPredicate(resolve: FieldResolver, operator: ComparisonOperator, value: LiteralValue, offset: number): Predicate {
    if (value === null) {
      if (operator === '==') return not(fieldTest(resolve, isPresent));
      if (operator === '!=') return fieldTest(resolve, isPresent);
      throw this.invalid(`null can only be compared with == or !=`, offset);
    }
    if (operator === '==' || operator === '!=') {
      const equals = fieldTest(resolve, equalityTest([value]));
      return operator === '==' ? equals : not(equals);
    }
    if (typeof value === 'boolean') {
      throw this.invalid(`${String(value)} has no order: use == or != with a boolean`, offset);
    }
    return fieldTest(resolve, orderTest(operator as OrderOperator, value));
  }

  private pattern(node: PatternNode): Predicate {
    const target = this.testedOperand(node.target, node.operator);
    const patterns = node.patterns.map((pattern) => {
      if (typeof pattern.value === 'string') return pattern.value;
      throw this.invalid(
        `'${node.operator}' needs string patterns but found ${describeLiteral(pattern.value)}: put it in double quotes`,
        pattern.offset,
      );
    });
    const matcher = node.operator.startsWith('regex')
      ? this.regexMatcher(node, patterns)
      : compileWildcards(patterns, node.operator !== 'like');
    return this.testOn(target, textTest(matcher));
  }

  private regexMatcher(node: PatternNode, patterns: readonly string[]): TextMatcher {
    const caseInsensitive = node.operator === 'regex~';
    const trees = patterns.map((pattern, index) => {
      try {
        return parseLuceneRegex(pattern, caseInsensitive);
      } catch (error) {
        throw this.regexError(error, node.patterns[index]?.offset ?? node.offset);
      }
    });
    try {
      // One automaton for the whole list: a text is read once, however many patterns there are.
      const automaton = compileLuceneRegexes(trees);
      return (text) => automaton.matches(text);
    } catch (error) {
      throw this.regexError(error, node.patterns[0]?.offset ?? node.offset);
    }
  }

  private regexError(error: unknown, offset: number): EqlError {
    if (!(error instanceof LuceneRegexError)) throw error;
    return new EqlError('E_EQL_REGEX', `invalid regular expression: ${error.message}`, this.query, offset, { cause: error });
  }

  private membership(node: InNode): Predicate {
    const keyword = `${node.negated ? 'not ' : ''}in${node.caseInsensitive ? '~' : ''}`;
    const target = this.testedOperand(node.target, keyword);
    const values: ScalarLiteral[] = [];
    for (const element of node.values) {
      if (element.type !== 'literal') {
        throw new EqlUnsupportedError(
          'field in list',
          `'${keyword}' takes constants only: comparing a field with another field is not supported`,
          this.query,
          element.offset,
        );
      }
      // A null member can never equal a value (a term query has no null term).
      if (element.value !== null) values.push(element.value);
    }
    const test = node.caseInsensitive ? insensitiveEqualityTest(values) : equalityTest(values);
    const membership = this.testOn(target, test);
    return node.negated ? not(membership) : membership;
  }

  private call(node: CallNode): Predicate {
    const definition = findFunction(node.name);
    const spelled = `${node.name}${node.caseInsensitive ? '~' : ''}`;
    if (!definition) {
      throw new EqlUnsupportedError(
        `${node.name}()`,
        `unsupported function '${node.name}': emondguard supports ${supportedFunctionNames().join(', ')}`,
        this.query,
        node.offset,
      );
    }
    if (node.caseInsensitive && !definition.allowsCaseInsensitive) {
      throw this.invalid(`'${definition.name}' has no case-insensitive form: remove the ~`, node.offset);
    }
    const constantCount = node.args.length - 1;
    if (constantCount < definition.min || constantCount > definition.max) {
      const wanted = definition.max === definition.min ? `${definition.min + 1}` : `at least ${definition.min + 1}`;
      throw this.invalid(`'${spelled}' takes ${wanted} arguments but was given ${node.args.length}`, node.offset);
    }
    const [first, ...rest] = node.args as [ExprNode, ...ExprNode[]];
    const field = this.testedOperand(first, spelled);
    const constants = rest.map((argument) => {
      if (argument.type === 'literal' && typeof argument.value === 'string') return argument.value;
      throw this.invalid(`'${spelled}' needs string constants after the field`, argument.offset);
    });
    const invalidConstant = (index: number, reason: string): Error => this.invalid(reason, rest[index]?.offset ?? node.offset);
    const predicate = definition.build(field.resolve, constants, node.caseInsensitive, invalidConstant);
    return field.kind === 'literal' ? constant(predicate(undefined)) : predicate;
  }

  /** `field <test>`, or a constant on the left, which folds to true or false now. */
  private testOn(target: Operand, test: ValueTest): Predicate {
    const predicate = fieldTest(target.resolve, test);
    return target.kind === 'literal' ? constant(predicate(undefined)) : predicate;
  }

  /** The left side of `:`, `like`, `regex`, `in` and the first function argument: a field or a constant. */
  private testedOperand(node: ExprNode, context: string): Operand {
    const operand = this.operand(node, context);
    if (operand.kind === 'call') {
      throw this.invalid(`'${context}' needs a field on its left, not a function result`, node.offset);
    }
    return operand;
  }

  private operand(node: ExprNode, context: string): Operand {
    switch (node.type) {
      case 'field':
        return { kind: 'field', resolve: compileFieldResolver(node.name) };
      case 'literal': {
        const value = node.value;
        return { kind: 'literal', resolve: () => value };
      }
      case 'call': {
        const predicate = this.call(node);
        return { kind: 'call', resolve: predicate };
      }
      default:
        throw this.invalid(`'${context}' compares a field with a constant, not the result of another test`, startOf(node));
    }
  }

  private invalid(detail: string, offset: number): EqlError {
    return new EqlError('E_EQL_INVALID', detail, this.query, offset);
  }
}

const isTrue: ValueTest = (value) => value === true;
/** Any non-null value, an object included (`field != null`). */
const isPresent: ValueTest = () => true;

function constant(value: boolean): Predicate {
  return () => value;
}

function describeLiteral(value: LiteralValue): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return `the string "${value}"`;
  if (typeof value === 'number') return `the number ${value}`;
  return String(value);
}
