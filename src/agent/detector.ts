import { buildAlert } from '../alerts/build-alert.js';
import type { AlertDocument } from '../alerts/alert-document.js';
import { describeError } from '../errors.js';
import type { ExecEvent } from '../events/exec-event.js';
import { ProcessTree } from '../process/process-tree.js';
import type { CompiledRule } from '../rules/rule.js';

export interface DetectorOptions {
  /** The tree to resolve parents with; the daemon passes one it has seeded from the snapshot. */
  tree?: ProcessTree;
  /** Clock for `event.created`, injectable for tests. */
  now?: () => Date;
}

export interface RuleFailure {
  ruleId: string;
  message: string;
}

export interface DetectorCounters {
  events: number;
  alerts: number;
  /** Alerts per rule id. */
  alertsByRule: Map<string, number>;
  /** Rule evaluations that threw; the event still went through every other rule. */
  ruleErrors: number;
}

/**
 * The detection step shared by `scan`, `run` and `demo`: process tree, then rules, then alert
 * documents. No I/O, so every source and sink can reuse it and tests can drive it directly.
 */
export class Detector {
  readonly tree: ProcessTree;
  readonly counters: DetectorCounters = { events: 0, alerts: 0, alertsByRule: new Map(), ruleErrors: 0 };
  /** The first few rule failures, for the summary and the agent log. */
  readonly ruleFailures: RuleFailure[] = [];
  private readonly rules: readonly CompiledRule[];
  private readonly now: () => Date;

  constructor(rules: readonly CompiledRule[], options: DetectorOptions = {}) {
    this.rules = [...rules];
    this.tree = options.tree ?? new ProcessTree();
    this.now = options.now ?? (() => new Date());
  }

  /** Resolves the event's parent and returns one alert per matching rule (usually none). */
  process(event: ExecEvent): AlertDocument[] {
    this.counters.events++;
    this.tree.observe(event);
    let alerts: AlertDocument[] | undefined;
    for (const rule of this.rules) {
      if (!this.evaluate(rule, event)) continue;
      (alerts ??= []).push(buildAlert(rule, event, this.now()));
      this.counters.alerts++;
      this.counters.alertsByRule.set(rule.id, (this.counters.alertsByRule.get(rule.id) ?? 0) + 1);
    }
    return alerts ?? [];
  }

  /** A rule that throws must not cost the other rules their alerts, nor stop the stream. */
  private evaluate(rule: CompiledRule, event: ExecEvent): boolean {
    try {
      return rule.matches(event);
    } catch (error) {
      this.counters.ruleErrors++;
      if (this.ruleFailures.length < MAX_KEPT_FAILURES) {
        this.ruleFailures.push({ ruleId: rule.id, message: describeError(error) });
      }
      return false;
    }
  }
}

const MAX_KEPT_FAILURES = 10;
