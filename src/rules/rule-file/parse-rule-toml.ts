import { parse as parseToml, TomlError } from 'smol-toml';
import { EqlError } from '../eql/eql-error.js';
import { compileQuery } from '../eql/compile-query.js';
import type { CompiledRule, RuleMetadata } from '../rule.js';
import { lineColumnAt } from '../source-excerpt.js';
import { RuleFileError } from './rule-file-error.js';
import { ruleMetadataFromDocument } from './rule-schema.js';
import { locateQueryText } from './toml-locations.js';

/**
 * Reads an Elastic detection-rules TOML text into rule metadata, validating every key emondguard
 * uses. The query is not compiled here (see `compileRuleToml`). `source` names the file in errors
 * and becomes `RuleMetadata.source`. Throws `RuleFileError` only.
 */
export function parseRuleToml(text: string, source: string): RuleMetadata {
  let document: Record<string, unknown>;
  try {
    document = parseToml(text) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof TomlError) {
      const detail = `not valid TOML: ${firstLine(error.message)}`;
      throw new RuleFileError('E_RULE_TOML', source, detail, { position: error, text, cause: error });
    }
    // The parser may give up on pathological input (nesting deep enough to exhaust the stack).
    throw new RuleFileError('E_RULE_TOML', source, `not valid TOML: ${(error as Error).message}`, { cause: error });
  }
  return ruleMetadataFromDocument(document, source, text);
}

/** `parseRuleToml` plus the compiled query; an EQL error is reported at its place in the file. */
export function compileRuleToml(text: string, source: string): CompiledRule {
  const metadata = parseRuleToml(text, source);
  try {
    const { category, matches } = compileQuery(metadata.query);
    return { ...metadata, category, matches };
  } catch (error) {
    if (!(error instanceof EqlError)) throw error;
    throw queryError(error, text, source);
  }
}

/** Places the EQL error in the file when the query stands there verbatim; otherwise in the query. */
function queryError(error: EqlError, text: string, source: string): RuleFileError {
  const details = { key: 'rule.query', cause: error };
  const start = locateQueryText(text, error.query);
  if (start !== undefined) {
    return new RuleFileError('E_RULE_QUERY', source, error.detail, { ...details, position: lineColumnAt(text, start + error.offset), text });
  }
  return new RuleFileError('E_RULE_QUERY', source, error.detail, {
    ...details,
    position: { line: error.line, column: error.column },
    text: error.query,
    textLabel: 'query',
  });
}

/** smol-toml's message without its own prefix and code excerpt (we render our own). */
function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/^Invalid TOML document: /, '');
}
