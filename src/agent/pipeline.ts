import type { AlertFanOut } from '../alerts/alert-fanout.js';
import { describeError } from '../errors.js';
import type { ExecEvent } from '../events/exec-event.js';
import type { AgentLog } from '../logging/agent-logger.js';
import type { ProcessTree } from '../process/process-tree.js';
import type { CompiledRule } from '../rules/rule.js';
import { Detector } from './detector.js';
import type { AgentMetrics } from './health/metrics.js';

/**
 * Events in, alerts out: the process tree and the rules (Detector), then throttling and the store
 * and sinks (AlertFanOut). The same for every source. Nothing here throws back into the source:
 * a failure on one event is logged and counted, and the next event is processed.
 */
export class Pipeline {
  private detector: Detector;
  private rulesById: Map<string, CompiledRule>;
  /** Events whose processing threw (a bug, not bad input); each is logged, the first few in full. */
  failures = 0;

  constructor(
    rules: readonly CompiledRule[],
    private readonly fanOut: AlertFanOut,
    private readonly metrics: AgentMetrics,
    private readonly log: AgentLog,
    tree?: ProcessTree,
  ) {
    this.detector = new Detector(rules, tree ? { tree } : {});
    this.rulesById = byId(rules);
  }

  get tree(): ProcessTree {
    return this.detector.tree;
  }

  get rules(): CompiledRule[] {
    return [...this.rulesById.values()];
  }

  /** New rules (SIGHUP). The process tree carries over, so no parent is forgotten by a reload. */
  setRules(rules: readonly CompiledRule[]): void {
    this.detector = new Detector(rules, { tree: this.detector.tree });
    this.rulesById = byId(rules);
  }

  handle(events: readonly ExecEvent[]): void {
    this.metrics.countEvents(events.length, events[events.length - 1]?.['@timestamp']);
    for (const event of events) {
      try {
        for (const alert of this.detector.process(event)) {
          const rule = this.rulesById.get(alert.rule.id);
          if (!rule) continue;
          this.metrics.countAlert(this.fanOut.submit(alert, rule), alert['@timestamp']);
        }
      } catch (error) {
        this.failures++;
        if (this.failures <= 10 || this.failures % 1000 === 0) {
          this.log.error('an event could not be processed; it was skipped', {
            error: describeError(error),
            pid: event.process?.pid,
            executable: event.process?.executable,
            failures: this.failures,
          });
        }
      }
    }
  }
}

function byId(rules: readonly CompiledRule[]): Map<string, CompiledRule> {
  return new Map(rules.map((rule) => [rule.id, rule]));
}
