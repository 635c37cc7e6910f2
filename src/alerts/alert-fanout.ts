import type { AgentLog } from '../logging/agent-logger.js';
import type { RuleMetadata } from '../rules/rule.js';
import type { AgentEventInput } from '../storage/agent-events.js';
import type { RuleContext } from '../storage/alert-rows.js';
import type { AlertStore } from '../storage/alert-store.js';
import type { AlertDocument } from './alert-document.js';
import { AlertWriter, type AlertWriterOptions, type AlertWriterStats, type PendingAlert } from './alert-writer.js';
import type { AlertSink } from './sinks/alert-sink.js';
import { SinkDelivery, type SinkDeliveryOptions, type SinkDeliveryStats } from './sinks/sink-delivery.js';
import type { StoredAlert } from './stored-alert.js';
import { Throttle, alertTime, type ThrottleCounts, type ThrottleOptions } from './throttle.js';
import { DEFAULT_MAX_ALERT_BYTES, capAlert } from './alert-cap.js';

/**
 * Where every alert goes: the byte cap, the throttle, then the SQLite store (committed first,
 * batched) — every alert is stored — then, only once committed, every other sink, each with its
 * own retrying delivery. The throttle decides only what those notification sinks get: an alert
 * whose notification it held back is in the store (counted on its row) and not in the sinks. A
 * failing sink is reported and retried and never affects the store or the other sinks.
 */

export type AlertRule = Pick<RuleMetadata, 'id' | 'name' | 'max_signals' | 'interval'> &
  Partial<Pick<RuleMetadata, 'note' | 'references' | 'query' | 'source'>>;

export interface AlertFanOutOptions {
  store: AlertStore;
  sinks?: readonly AlertSink[];
  /** Throttling options, a shared Throttle, or false to keep every alert (tests, exports). */
  throttle?: ThrottleOptions | Throttle<PendingAlert> | false;
  writer?: Pick<AlertWriterOptions, 'maxBatch' | 'maxPending' | 'retryDelayMs' | 'maxRetryDelayMs' | 'priorityCommits'>;
  delivery?: Pick<SinkDeliveryOptions, 'maxQueue' | 'maxBatch' | 'retryDelayMs' | 'maxRetryDelayMs'>;
  log?: AgentLog;
  /** Byte cap per alert (see capAlert); default DEFAULT_MAX_ALERT_BYTES. */
  maxAlertBytes?: number;
  /** Called after each commit with the alerts now in the store (before the other sinks get them). */
  onCommitted?: (alerts: readonly StoredAlert[]) => void;
}

export interface AlertFanOutStats {
  /** Cumulative: kept (rows), merged, held back from the notification sinks, keys aggregated. */
  throttle: ThrottleCounts;
  /** Alerts cut by the byte cap (cumulative). */
  truncatedAlerts: number;
  store: AlertWriterStats;
  sinks: SinkDeliveryStats[];
}

/**
 * What was done with an alert: `keep` stored and notified, `merge` folded into an identical stored
 * one, `suppress` stored with its notification held back (never: not stored).
 */
/** What the throttle did with an alert: stored and notified, merged into a stored one, or stored with its notification held back. */
export type SubmitResult = 'keep' | 'merge' | 'held-back';

export class AlertFanOut {
  private readonly throttle: Throttle<PendingAlert> | undefined;
  private readonly writer: AlertWriter;
  private readonly deliveries: SinkDelivery[];
  private readonly log: AgentLog | undefined;
  private readonly maxAlertBytes: number;
  private truncatedAlerts = 0;

  constructor(options: AlertFanOutOptions) {
    this.log = options.log;
    this.maxAlertBytes = options.maxAlertBytes ?? DEFAULT_MAX_ALERT_BYTES;
    this.throttle =
      options.throttle === false ? undefined : options.throttle instanceof Throttle ? options.throttle : new Throttle(options.throttle);
    this.deliveries = (options.sinks ?? []).map(
      (sink) =>
        new SinkDelivery(sink, {
          ...options.delivery,
          onFailure: (name, error, attempt, queued) => this.sinkFailed(name, error, attempt, queued),
          onRecovered: (name, attempts) => this.sinkRecovered(name, attempts),
          onOverflow: (name, dropped) =>
            this.log?.error(`sink ${name} is too far behind: dropped its copy of ${dropped} alert(s)`, {
              sink: name, dropped, note: 'the alerts remain in the alert database',
            }),
        }),
    );
    const throttle = this.throttle;
    this.writer = new AlertWriter(options.store, {
      ...options.writer,
      ...(throttle ? { takeSummaries: () => throttle.takeSummaries() } : {}),
      onCommitted: (alerts) => {
        options.onCommitted?.(alerts);
        this.notify(alerts);
      },
      onError: (error, pending) =>
        this.log?.error('could not commit alerts to the database; keeping them and retrying', {
          error: (error as Error).message, pendingAlerts: pending,
        }),
      onRecovered: (attempts) => this.log?.warn('alert database writes recovered', { failedAttempts: attempts }),
      onUnstored: (alerts) => {
        this.log?.error('the alert database has failed for too long; sending alerts on without storing them', {
          alerts: alerts.length,
        });
        this.notify(alerts);
      },
    });
  }

  /** Hands the alerts whose notification was not held back to every notification sink. */
  private notify(alerts: readonly StoredAlert[]): void {
    const notified = alerts.every((a) => a.notify !== false) ? alerts : alerts.filter((a) => a.notify !== false);
    if (notified.length === 0) return;
    for (const delivery of this.deliveries) delivery.deliver(notified);
  }

  /** Throttles one alert and queues what is kept for the store; returns what was done with it. */
  submit(document: AlertDocument, rule: AlertRule): SubmitResult {
    const context = ruleContext(rule);
    if (capAlert(document, this.maxAlertBytes).length > 0) this.truncatedAlerts += 1;
    if (!this.throttle) {
      this.writer.add({ document, context });
      return 'keep';
    }
    const decision = this.throttle.decide(document, rule, (notified, trustedParent) => {
      if (!notified) document.emondguard = { ...document.emondguard, notification_held_back: true };
      return this.writer.add({ document, context, notified, trustedParent });
    });
    if (decision.action === 'merge') {
      this.writer.merge(decision.handle, alertTime(document));
      return 'merge';
    }
    return decision.notify ? 'keep' : 'held-back';
  }

  /** Records an agent event (start, stop, drops…) with the next commit. */
  recordAgentEvent(event: AgentEventInput): void {
    this.writer.addEvent(event);
  }

  /** Commits everything pending now; false if the store failed (it will be retried). */
  flush(): boolean {
    return this.writer.flush();
  }

  /**
   * Commits what is pending and gives each sink until `timeoutMs` to take its backlog. Returns
   * whether everything reached the store and every sink.
   */
  async close(timeoutMs = 2000): Promise<boolean> {
    const stored = this.writer.close();
    const deadline = Date.now() + timeoutMs;
    const drained = await Promise.all(this.deliveries.map((d) => d.drain(deadline)));
    for (const delivery of this.deliveries) {
      try {
        await delivery.sink.close?.();
      } catch (error) {
        this.log?.warn(`sink ${delivery.sink.name} did not close cleanly`, { error: (error as Error).message });
      }
    }
    // Sink failures and recoveries during the drain were queued as agent events: write them too.
    return this.writer.flush() && stored && drained.every(Boolean);
  }

  stats(): AlertFanOutStats {
    return {
      throttle: this.throttle?.counts() ?? { kept: this.writer.stats().committedAlerts, merged: 0, heldBack: 0, keysAggregated: 0, keys: 0 },
      truncatedAlerts: this.truncatedAlerts,
      store: this.writer.stats(),
      sinks: this.deliveries.map((d) => d.stats()),
    };
  }

  private sinkFailed(sink: string, error: unknown, attempt: number, queued: number): void {
    const message = error instanceof Error ? error.message : String(error);
    this.log?.error(`sink ${sink} failed; its alerts are kept in the database and retried`, {
      sink, error: message, attempt, queued,
    });
    // One agent event per failure streak, so `alerts stats` shows it without flooding the table.
    if (attempt === 1) this.writer.addEvent({ kind: 'sink_failure', message: `sink ${sink} failed: ${message}`, detail: { sink } });
  }

  private sinkRecovered(sink: string, attempts: number): void {
    this.log?.warn(`sink ${sink} recovered`, { sink, failedAttempts: attempts });
    this.writer.addEvent({ kind: 'sink_recovered', message: `sink ${sink} recovered after ${attempts} failed attempt(s)`, count: attempts, detail: { sink } });
  }
}

export function createAlertFanOut(options: AlertFanOutOptions): AlertFanOut {
  return new AlertFanOut(options);
}

function ruleContext(rule: AlertRule): RuleContext {
  const context: RuleContext = {};
  if (rule.note !== undefined) context.note = rule.note;
  if (rule.references !== undefined) context.references = rule.references;
  if (rule.query !== undefined) context.query = rule.query;
  if (rule.source !== undefined) context.source = rule.source;
  return context;
}

