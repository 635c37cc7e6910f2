/**
 * A detection rule as the rest of the product sees it: Elastic detection-rules TOML metadata plus
 * the compiled query. The rules/ folder turns TOML files into these; alerts/ and the pipeline only
 * read them.
 */

export type Severity = 'low' | 'medium' | 'high' | 'critical';

export interface ThreatReference {
  id: string;
  name: string;
  reference: string;
}

export interface ThreatTechnique extends ThreatReference {
  subtechnique?: ThreatReference[];
}

/** One `[[rule.threat]]` entry (MITRE ATT&CK mapping). */
export interface ThreatMapping {
  framework: string;
  tactic: ThreatReference;
  technique?: ThreatTechnique[];
}

export interface RuleMetadata {
  /** `rule_id`, a UUID. */
  id: string;
  name: string;
  /** `version`; 1 when the file has none (upstream keeps versions in a lock file). */
  version: number;
  description: string;
  severity: Severity;
  risk_score: number;
  /** Most alerts kept per `interval` window (Elastic's default is 100). */
  max_signals: number;
  /** Elastic's schedule, e.g. "5m"; we stream, so it sizes the throttling window. */
  interval: string;
  /** Look-back, e.g. "now-9m". */
  from: string;
  tags: string[];
  references: string[];
  author: string[];
  license?: string;
  false_positives: string[];
  threat: ThreatMapping[];
  /** The investigation guide (Markdown). */
  note?: string;
  /** EQL query text, as written. */
  query: string;
  /** Where the rule came from: `builtin:<file>` or an absolute path. */
  source: string;
}

/** The event category an EQL query selects (`process where …`), or `any`. */
export type EventCategory = string;

export interface CompiledRule extends RuleMetadata {
  category: EventCategory;
  /** True when the event satisfies the whole query, category included. */
  matches(event: unknown): boolean;
}
