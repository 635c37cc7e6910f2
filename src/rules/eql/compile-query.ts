import { compileConjuncts } from './compiler.js';
import { compileFieldResolver } from './field-resolver.js';
import { parseQuery } from './parser.js';
import { connective, fieldTest, type Predicate } from './specialize.js';

export interface CompiledQuery {
  /** The event category the query selects (`process`), or `any`. */
  category: string;
  /** True when the event is of that category (`event.category` holds it) and meets the condition. Never throws. */
  matches(event: unknown): boolean;
}

/**
 * Compiles a single-event EQL query into a predicate, with Elasticsearch 8.x/9.x semantics.
 * Throws `EqlError` (with line, column and a caret rendering) for anything it cannot evaluate.
 */
export function compileQuery(query: string): CompiledQuery {
  const ast = parseQuery(query);
  const conjuncts = compileConjuncts(ast.condition, query);
  if (ast.anyCategory) return { category: ast.category, matches: connective('&&', [isDocument, ...conjuncts]) };
  // Elasticsearch filters on the category field (ECS `event.category`, an array) before the condition.
  const category = ast.category;
  const inCategory = fieldTest(compileFieldResolver('event.category'), (value) => value === category);
  return { category, matches: connective('&&', [isDocument, inCategory, ...conjuncts]) };
}

/** An event is a JSON object; anything else (an array of events included) matches nothing. */
const isDocument: Predicate = (event) => typeof event === 'object' && event !== null && !Array.isArray(event);
