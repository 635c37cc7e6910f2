import type { RuleMetadata, Severity, ThreatMapping, ThreatReference, ThreatTechnique } from '../rule.js';
import { RuleFileError, type RuleFileErrorCode } from './rule-file-error.js';
import { locateKey, locateTable } from './toml-locations.js';

/**
 * Validates a parsed Elastic detection-rules TOML document and turns it into `RuleMetadata`.
 * Keys emondguard does not use (`index`, `setup`, `timestamp_override`, `[metadata]` dates…)
 * are accepted and ignored, so upstream files load unchanged; the keys it uses must have exactly
 * the documented form. Defaults are Elastic's: `version` 1 (upstream keeps versions in a lock
 * file), `max_signals` 100, `interval` "5m", `from` "now-6m".
 */
export function ruleMetadataFromDocument(document: Record<string, unknown>, file: string, text: string): RuleMetadata {
  return new RuleSchema(document, file, text).metadata();
}

const DEFAULT_VERSION = 1;
const DEFAULT_MAX_SIGNALS = 100;
const DEFAULT_INTERVAL = '5m';
const DEFAULT_FROM = 'now-6m';

const SEVERITIES: readonly Severity[] = ['low', 'medium', 'high', 'critical'];
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const DURATION = /^\d+[smhd]$/;
const LOOK_BACK = /^now-\d+[smhd]$/;

type Table = Record<string, unknown>;

class RuleSchema {
  constructor(
    private readonly document: Table,
    private readonly file: string,
    private readonly text: string,
  ) {}

  metadata(): RuleMetadata {
    if (this.document.metadata !== undefined && !isTable(this.document.metadata)) {
      throw this.error('E_RULE_KEY', 'metadata', 'a [metadata] table', this.document.metadata);
    }
    const rule = this.document.rule;
    if (!isTable(rule)) {
      throw new RuleFileError(
        'E_RULE_KEY',
        this.file,
        rule === undefined
          ? 'missing [rule] table: a rule file has a [rule] table with rule_id, name, description, severity, risk_score and query (Elastic detection-rules format)'
          : 'rule must be a [rule] table',
        { key: 'rule', expected: 'a [rule] table' },
      );
    }
    this.checkEql(rule);
    const metadata: RuleMetadata = {
      id: this.required(rule, 'rule_id', 'a UUID such as 3e3d15c6-1509-479a-b125-21718372157e', (v) => typeof v === 'string' && UUID.test(v)) as string,
      name: this.requiredText(rule, 'name'),
      version: this.optional(rule, 'version', 'a whole number of 1 or more', isPositiveInteger, DEFAULT_VERSION) as number,
      description: this.requiredText(rule, 'description'),
      severity: this.required(rule, 'severity', `one of ${SEVERITIES.join(', ')}`, (v) => SEVERITIES.includes(v as Severity)) as Severity,
      risk_score: this.required(rule, 'risk_score', 'a whole number from 0 to 100', (v) => isInteger(v) && v >= 0 && v <= 100) as number,
      max_signals: this.optional(rule, 'max_signals', 'a whole number of 1 or more', isPositiveInteger, DEFAULT_MAX_SIGNALS) as number,
      interval: this.optional(rule, 'interval', 'a duration such as "5m" (s, m, h or d)', (v) => typeof v === 'string' && DURATION.test(v), DEFAULT_INTERVAL) as string,
      from: this.optional(rule, 'from', 'a look-back such as "now-9m"', (v) => typeof v === 'string' && LOOK_BACK.test(v), DEFAULT_FROM) as string,
      tags: this.stringList(rule, 'tags'),
      references: this.stringList(rule, 'references'),
      author: this.stringList(rule, 'author'),
      false_positives: this.stringList(rule, 'false_positives'),
      threat: this.threats(rule),
      query: this.requiredText(rule, 'query'),
      source: this.file,
    };
    const license = this.optional(rule, 'license', 'a string', isString, undefined) as string | undefined;
    const note = this.optional(rule, 'note', 'a string', isString, undefined) as string | undefined;
    if (license !== undefined) metadata.license = license;
    if (note !== undefined) metadata.note = note;
    return metadata;
  }

  /** Only EQL rules can run here; say so plainly rather than failing on the query. */
  private checkEql(rule: Table): void {
    for (const key of ['type', 'language'] as const) {
      const value = rule[key];
      if (value === undefined || value === 'eql') continue;
      throw new RuleFileError(
        typeof value === 'string' ? 'E_RULE_TYPE' : 'E_RULE_KEY',
        this.file,
        typeof value === 'string'
          ? `rule ${key} "${value}" is not supported: emondguard runs EQL rules (${key} = "eql")`
          : `rule.${key} must be "eql" but is ${describe(value)}`,
        { key: `rule.${key}`, expected: '"eql"', ...this.at('rule', key) },
      );
    }
  }

  private required(rule: Table, key: string, expected: string, valid: (value: unknown) => boolean): unknown {
    const value = rule[key];
    if (value === undefined) {
      throw new RuleFileError('E_RULE_KEY', this.file, `missing rule.${key}: add ${key} = <${expected}> to the [rule] table`, {
        key: `rule.${key}`,
        expected,
        ...this.atTable('rule'),
      });
    }
    if (!valid(value)) throw this.error('E_RULE_KEY', `rule.${key}`, expected, value);
    return value;
  }

  private requiredText(rule: Table, key: string): string {
    return this.required(rule, key, 'a non-empty string', (v) => typeof v === 'string' && v.trim() !== '') as string;
  }

  private optional(rule: Table, key: string, expected: string, valid: (value: unknown) => boolean, fallback: unknown): unknown {
    const value = rule[key];
    if (value === undefined) return fallback;
    if (!valid(value)) throw this.error('E_RULE_KEY', `rule.${key}`, expected, value);
    return value;
  }

  private stringList(rule: Table, key: string): string[] {
    return this.optional(rule, key, 'a list of strings', (v) => Array.isArray(v) && v.every(isString), []) as string[];
  }

  private threats(rule: Table): ThreatMapping[] {
    const value = rule.threat;
    if (value === undefined) return [];
    if (!Array.isArray(value)) throw this.error('E_RULE_KEY', 'rule.threat', 'an array of [[rule.threat]] tables', value);
    return value.map((entry, index) => {
      const key = `rule.threat[${index}]`;
      if (!isTable(entry)) throw this.error('E_RULE_KEY', key, 'a [[rule.threat]] table', entry);
      const framework = entry.framework;
      if (typeof framework !== 'string' || framework === '') {
        throw this.error('E_RULE_KEY', `${key}.framework`, 'a string such as "MITRE ATT&CK"', framework);
      }
      const mapping: ThreatMapping = { framework, tactic: this.reference(entry.tactic, `${key}.tactic`) };
      if (entry.technique !== undefined) mapping.technique = this.techniques(entry.technique, `${key}.technique`);
      return mapping;
    });
  }

  private techniques(value: unknown, key: string): ThreatTechnique[] {
    if (!Array.isArray(value)) throw this.error('E_RULE_KEY', key, 'an array of technique tables', value);
    return value.map((entry, index) => {
      const technique: ThreatTechnique = this.reference(entry, `${key}[${index}]`);
      const sub = isTable(entry) ? entry.subtechnique : undefined;
      if (sub !== undefined) {
        if (!Array.isArray(sub)) throw this.error('E_RULE_KEY', `${key}[${index}].subtechnique`, 'an array of subtechnique tables', sub);
        technique.subtechnique = sub.map((item, subIndex) => this.reference(item, `${key}[${index}].subtechnique[${subIndex}]`));
      }
      return technique;
    });
  }

  /** `{ id, name, reference }`, all non-empty strings. */
  private reference(value: unknown, key: string): ThreatReference {
    if (!isTable(value)) throw this.error('E_RULE_KEY', key, 'a table with id, name and reference', value);
    const result: Record<string, string> = {};
    for (const field of ['id', 'name', 'reference'] as const) {
      const text = value[field];
      if (typeof text !== 'string' || text === '') throw this.error('E_RULE_KEY', `${key}.${field}`, 'a non-empty string', text);
      result[field] = text;
    }
    return result as unknown as ThreatReference;
  }

  private error(code: RuleFileErrorCode, key: string, expected: string, found: unknown): RuleFileError {
    const [table, name] = splitKey(key);
    const detail = found === undefined ? `missing ${key}: expected ${expected}` : `${key} must be ${expected} but is ${describe(found)}`;
    return new RuleFileError(code, this.file, detail, { key, expected, ...this.at(table, name) });
  }

  private at(table: string, key: string): { position?: ReturnType<typeof locateKey>; text?: string } {
    const position = locateKey(this.text, table, key);
    return position ? { position, text: this.text } : {};
  }

  private atTable(table: string): { position?: ReturnType<typeof locateTable>; text?: string } {
    const position = locateTable(this.text, table);
    return position ? { position, text: this.text } : {};
  }
}

/** `rule.severity` → [`rule`, `severity`]; keys inside arrays of tables are not located. */
function splitKey(key: string): [string, string] {
  const dot = key.lastIndexOf('.');
  if (dot === -1) return ['', ''];
  const table = key.slice(0, dot);
  return table.includes('[') ? ['', ''] : [table, key.slice(dot + 1)];
}

function isTable(value: unknown): value is Table {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

function isString(value: unknown): value is string {
  return typeof value === 'string';
}

function isInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value);
}

function isPositiveInteger(value: unknown): boolean {
  return isInteger(value) && value >= 1;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (Array.isArray(value)) return 'a list';
  if (isTable(value)) return 'a table';
  if (typeof value === 'bigint') return `${value} (out of range)`;
  return String(value);
}
