import { statSync } from 'node:fs';
import { VERSION } from '../../version.js';
import type { AgentMetrics } from './metrics.js';
import { ResourceSampler } from './resource-sampler.js';
import { writeStatusFile, type AgentStatus } from './status-file.js';
import { Watchdog, type WatchdogBudgets, type WatchdogWarning } from './watchdog.js';

export interface StatusReporterOptions {
  file: string;
  intervalSeconds: number;
  budgets: WatchdogBudgets;
  metrics: AgentMetrics;
  databasePath: string;
  /** This process's start-time token (ProcessIdentity), recorded beside the pid. */
  processStart?: string | null;
  /** The live source's description (kind, mode, note) at the time of each update. */
  source: () => AgentStatus['source'];
  /** Called first on every update, to bring the metrics up to date (the source's drop counters). */
  refresh?: () => void;
  onWarning: (warning: WatchdogWarning) => void;
  onRecovered: (budget: WatchdogWarning['budget']) => void;
  /** Kernel or queue drops since the previous update (recorded as agent events). */
  onDrops: (drops: { kernel: number; queue: number }) => void;
  /** After every update, running or not: the lifecycle's drop report and the stall watchdog's queue depth. */
  onTick?: () => void;
  /** Reported, never thrown: a full disk must not stop detection. */
  onWriteError: (error: unknown) => void;
  now?: () => Date;
}

/** Rewrites the status file every interval and runs the self-watchdog on the same tick. */
export class StatusReporter {
  private readonly sampler = new ResourceSampler();
  private readonly watchdog: Watchdog;
  private readonly startedAt: Date;
  private timer: NodeJS.Timeout | null = null;
  private previous: { at: number; events: number; kernel: number; queue: number };

  constructor(private options: StatusReporterOptions) {
    this.watchdog = new Watchdog(options.budgets);
    this.startedAt = this.now();
    this.previous = { at: this.startedAt.getTime(), events: 0, kernel: 0, queue: 0 };
  }

  start(): void {
    this.tick();
    this.schedule();
  }

  /** SIGHUP: new interval and budgets apply from the next tick. */
  reconfigure(intervalSeconds: number, budgets: WatchdogBudgets): void {
    this.options = { ...this.options, intervalSeconds, budgets };
    this.watchdog.setBudgets(budgets);
    if (this.timer) this.schedule();
  }

  /** Writes a last snapshot marked `stopped`. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.options.refresh?.();
    this.write(this.snapshot('stopped'));
  }

  tick(): AgentStatus {
    this.options.refresh?.();
    const status = this.snapshot('running');
    const { raised, cleared } = this.watchdog.observe(status.resources, this.now().getTime());
    raised.forEach((w) => this.options.onWarning(w));
    cleared.forEach((b) => this.options.onRecovered(b));
    status.warnings = this.watchdog.active().map((b) => (b === 'memory' ? 'memory above budget' : 'CPU above budget'));
    const drops = { kernel: status.drops.kernel - this.previous.kernel, queue: status.drops.queue - this.previous.queue };
    if (drops.kernel > 0 || drops.queue > 0) this.options.onDrops(drops);
    this.previous = { at: this.now().getTime(), events: status.events.total, kernel: status.drops.kernel, queue: status.drops.queue };
    this.write(status);
    this.options.onTick?.();
    return status;
  }

  private schedule(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = setInterval(() => this.tick(), this.options.intervalSeconds * 1000);
    this.timer.unref();
  }

  private snapshot(state: AgentStatus['state']): AgentStatus {
    const { metrics } = this.options;
    const now = this.now();
    const elapsed = Math.max((now.getTime() - this.previous.at) / 1000, 1e-3);
    return {
      schema: 1,
      state,
      pid: process.pid,
      processStart: this.options.processStart ?? null,
      agentVersion: VERSION,
      startedAt: this.startedAt.toISOString(),
      updatedAt: now.toISOString(),
      uptimeSeconds: Math.round((now.getTime() - this.startedAt.getTime()) / 1000),
      intervalSeconds: this.options.intervalSeconds,
      source: this.options.source(),
      events: {
        total: metrics.events,
        perSecond: Math.round(((metrics.events - this.previous.events) / elapsed) * 10) / 10,
        lastEventAt: metrics.lastEventAt,
        skipped: metrics.skipped,
      },
      drops: { kernel: metrics.kernelDrops, queue: metrics.queueDrops, queueByteBudget: metrics.queueByteDrops, queueBytes: metrics.queueBytes },
      alerts: { total: metrics.alerts, merged: metrics.merged, heldBack: metrics.heldBack, lastAlertAt: metrics.lastAlertAt },
      database: { path: this.options.databasePath, sizeBytes: databaseSize(this.options.databasePath) },
      resources: this.sampler.sample(),
      ...(metrics.esThread ? { esThread: metrics.esThread } : {}),
      warnings: [],
    };
  }

  private write(status: AgentStatus): void {
    try {
      writeStatusFile(this.options.file, status);
    } catch (error) {
      this.options.onWriteError(error);
    }
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }
}

/** The database and its WAL together: that is what the disk holds. */
function databaseSize(file: string): number | null {
  let total: number | null = null;
  for (const part of [file, `${file}-wal`]) {
    try {
      total = (total ?? 0) + statSync(part).size;
    } catch {
      // absent (no database yet, or no WAL right now)
    }
  }
  return total;
}
