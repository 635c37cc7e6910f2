import type { AgentAction, AgentDocument, AlertSink } from '../../alerts/sinks/alert-sink.js';
import { describeError } from '../../errors.js';
import type { AgentLog } from '../../logging/agent-logger.js';
import { agentStatePath, newAgentId, readAgentState, writeAgentState, type AgentStateRecord } from './agent-state.js';
import { agentDocument, currentIdentity, type AgentIdentity } from './lifecycle-documents.js';
import type { AgentMetrics } from './metrics.js';
import { ResourceSampler } from './resource-sampler.js';

/**
 * The agent's own voice in the alert stream: started, stopped, a heartbeat every
 * `heartbeatSeconds`, drops, reloads, and — at the next start — that the previous run died. So a
 * SIEM can tell "no alerts" from "no agent".
 *
 * The documents go to each sink directly (AlertSink.writeDocuments), not through the throttle or
 * the alert deliveries: they are never throttled away, and a backlog of them can never push an
 * alert out of a delivery queue. A sink that fails keeps a small backlog of its own here, retried
 * with the next document; past it the oldest are dropped and counted (in the next heartbeat).
 */

export interface QueueDepth {
  events: number | null;
  bytes: number | null;
}

export interface AgentLifecycleOptions {
  sinks: readonly AlertSink[];
  log: AgentLog;
  /** The database path: the state record lives in its directory (the agent's data directory). */
  databasePath: string;
  metrics: AgentMetrics;
  heartbeatSeconds: number;
  /** Brings the metrics up to date (the source's drop counters) and says how much is queued. */
  refresh: () => QueueDepth;
  now?: () => Date;
  /** Most documents kept per failing sink (default 64). */
  maxBacklog?: number;
  /** Fewest seconds between two `events-dropped` documents; drops in between are added to the next (default 10). */
  dropReportSeconds?: number;
}

interface Totals {
  at: number;
  events: number;
  kernel: number;
  queue: number;
  alerts: number;
  merged: number;
  heldBack: number;
}

export class AgentLifecycle {
  private readonly statePath: string;
  private state!: AgentStateRecord;
  private identity!: AgentIdentity;
  private readonly sampler = new ResourceSampler();
  private timer: NodeJS.Timeout | null = null;
  private previous!: Totals;
  private readonly backlog = new Map<AlertSink, AgentDocument[]>();
  private readonly failing = new Set<AlertSink>();
  /** Documents a failing sink's backlog dropped since the last heartbeat. */
  private documentsDropped = 0;
  /** Drops already reported (totals), since when the next report counts, and when the last one went out. */
  private drops = { kernel: 0, queue: 0, since: 0, lastReport: 0 };
  private stopped = false;

  constructor(private options: AgentLifecycleOptions) {
    this.statePath = agentStatePath(options.databasePath);
  }

  get agentId(): string {
    return this.state.agentId;
  }

  /**
   * Reads how the previous run ended (an `unclean-shutdown` document when it did not stop), records
   * this run, writes `agent-started` and starts the heartbeat.
   */
  start(started: { source: { kind: string; mode?: string }; rules: number; pid: number }): void {
    const now = this.now();
    const previous = readAgentState(this.statePath);
    this.state = {
      schema: 1,
      agentId: previous?.agentId ?? newAgentId(),
      pid: started.pid,
      startedAt: now.toISOString(),
      lastHeartbeatAt: null,
      cleanStop: false,
      stoppedAt: null,
      endReason: null,
    };
    this.identity = currentIdentity(this.state.agentId);
    this.previous = this.totals(now.getTime());
    this.drops = { kernel: 0, queue: 0, since: now.getTime(), lastReport: 0 };
    if (previous && !previous.cleanStop) {
      const lastSeen = previous.lastHeartbeatAt ?? previous.startedAt;
      const blindSeconds = lastSeen ? Math.max(0, Math.round((now.getTime() - Date.parse(lastSeen)) / 1000)) : null;
      this.emit('unclean-shutdown', `the previous run (pid ${previous.pid}) did not stop cleanly${previous.endReason ? `: ${previous.endReason}` : ''}; last heartbeat ${previous.lastHeartbeatAt ?? 'never'}`, {
        previous_pid: previous.pid,
        previous_started_at: previous.startedAt || null,
        last_heartbeat_at: previous.lastHeartbeatAt,
        blind_since: lastSeen || null,
        blind_seconds: blindSeconds,
        end_reason: previous.endReason,
      });
    }
    this.saveState();
    this.emit('agent-started', `emondguard started: source ${started.source.kind}${started.source.mode ? ` (${started.source.mode})` : ''}, ${started.rules} rule(s)`, {
      source: started.source.kind,
      ...(started.source.mode ? { source_mode: started.source.mode } : {}),
      rules_loaded: started.rules,
      pid: started.pid,
      heartbeat_seconds: this.options.heartbeatSeconds,
    });
    this.schedule();
  }

  /** SIGHUP: a new interval applies from now. */
  reconfigure(heartbeatSeconds: number): void {
    this.options = { ...this.options, heartbeatSeconds };
    if (this.timer) this.schedule();
  }

  heartbeat(): AgentDocument | undefined {
    const queue = this.options.refresh();
    const now = this.now();
    const totals = this.totals(now.getTime());
    const since = this.previous;
    const resources = this.sampler.sample();
    this.reportDrops(totals, now.getTime(), true);
    const dropped = totals.kernel - since.kernel + (totals.queue - since.queue);
    // What this very document's write drops is counted in the next heartbeat, not lost by the reset.
    const documentsDropped = this.documentsDropped;
    const document = this.emit('heartbeat', `emondguard alive: ${totals.events - since.events} event(s), ${dropped} dropped, ${totals.alerts - since.alerts} alert(s) in ${Math.round((now.getTime() - since.at) / 1000)} s`, {
      interval_seconds: this.options.heartbeatSeconds,
      period_seconds: Math.round((now.getTime() - since.at) / 100) / 10,
      events_seen: totals.events - since.events,
      events_dropped: dropped,
      events_dropped_kernel: totals.kernel - since.kernel,
      events_dropped_queue: totals.queue - since.queue,
      alerts: totals.alerts - since.alerts,
      alerts_merged: totals.merged - since.merged,
      alerts_held_back: totals.heldBack - since.heldBack,
      queue_events: queue.events,
      queue_bytes: queue.bytes,
      rss_bytes: resources.rssBytes,
      cpu_percent: Math.round(resources.cpuPercent * 100) / 100,
      documents_dropped: documentsDropped,
    }, now);
    this.documentsDropped -= documentsDropped;
    this.previous = totals;
    this.state.lastHeartbeatAt = now.toISOString();
    this.saveState();
    return document;
  }

  /** Called with every status tick: an `events-dropped` document when events were lost, at most one per `dropReportSeconds`. */
  checkDrops(): void {
    this.reportDrops(this.totals(this.now().getTime()), this.now().getTime(), false);
  }

  rulesReloaded(outcome: { rules: number; taken: boolean; problems: readonly string[] }): void {
    this.emit('rules-reloaded', outcome.taken ? `rules reloaded: ${outcome.rules} rule(s) running` : 'rules not reloaded; the previous rules keep running', {
      rules_loaded: outcome.rules,
      taken: outcome.taken,
      problems: outcome.problems.slice(0, 10),
    });
  }

  /** The last document of a clean run; the state record says so, so the next start reports no unclean shutdown. */
  stop(reason: string): void {
    if (this.stopped || !this.state) return;
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.options.refresh();
    const now = this.now();
    const totals = this.totals(now.getTime());
    this.reportDrops(totals, now.getTime(), true);
    this.emit('agent-stopped', `emondguard stopped (${reason})`, {
      reason,
      uptime_seconds: Math.round((now.getTime() - Date.parse(this.state.startedAt)) / 1000),
      events_seen: totals.events,
      alerts: totals.alerts,
    });
    this.state = { ...this.state, cleanStop: true, stoppedAt: now.toISOString(), endReason: reason };
    this.saveState();
  }

  private reportDrops(totals: Totals, nowMs: number, force: boolean): void {
    const kernel = totals.kernel - this.drops.kernel;
    const queue = totals.queue - this.drops.queue;
    if (kernel + queue <= 0) return;
    const spacing = (this.options.dropReportSeconds ?? 10) * 1000;
    if (!force && this.drops.lastReport > 0 && nowMs - this.drops.lastReport < spacing) return;
    this.emit('events-dropped', `${kernel + queue} event(s) lost since ${new Date(this.drops.since).toISOString()}: ${kernel} dropped by the kernel, ${queue} because the agent fell behind`, {
      dropped: kernel + queue,
      kernel,
      queue,
      since: new Date(this.drops.since).toISOString(),
      total_kernel: totals.kernel,
      total_queue: totals.queue,
    });
    this.drops = { kernel: this.drops.kernel + kernel, queue: this.drops.queue + queue, since: nowMs, lastReport: nowMs };
  }

  /** `at`: the document's time, when the caller records the same instant elsewhere (the state record). */
  private emit(action: AgentAction, message: string, fields: Record<string, unknown>, at: Date = this.now()): AgentDocument {
    const document = agentDocument(this.identity, action, at, message, fields);
    for (const sink of this.options.sinks) {
      if (!sink.writeDocuments) continue;
      const queued = this.backlog.get(sink) ?? [];
      queued.push(document);
      const excess = queued.length - (this.options.maxBacklog ?? 64);
      if (excess > 0) {
        queued.splice(0, excess);
        this.documentsDropped += excess;
      }
      try {
        sink.writeDocuments(queued);
        this.backlog.delete(sink);
        if (this.failing.delete(sink)) this.options.log.warn(`sink ${sink.name} takes agent documents again`);
      } catch (error) {
        this.backlog.set(sink, queued);
        if (!this.failing.has(sink)) this.options.log.error(`sink ${sink.name} could not take an agent ${action} document; kept and retried with the next one`, { error: describeError(error) });
        this.failing.add(sink);
      }
    }
    return document;
  }

  private saveState(): void {
    try {
      writeAgentState(this.statePath, this.state);
    } catch (error) {
      this.options.log.warn(`cannot write the agent state record ${this.statePath}; an unclean shutdown may go unreported: ${describeError(error)}`);
    }
  }

  private totals(at: number): Totals {
    const m = this.options.metrics;
    return { at, events: m.events, kernel: m.kernelDrops, queue: m.queueDrops, alerts: m.alerts, merged: m.merged, heldBack: m.heldBack };
  }

  private schedule(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = setInterval(() => this.heartbeat(), this.options.heartbeatSeconds * 1000);
    this.timer.unref();
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }
}
