import type winston from 'winston';
import { createAlertFanOut, type AlertFanOut } from '../alerts/alert-fanout.js';
import type { AlertSink } from '../alerts/sinks/alert-sink.js';
import { NdjsonFileSink } from '../alerts/sinks/ndjson-file-sink.js';
import { UnifiedLogAlertSink } from '../alerts/sinks/unified-log-sink.js';
import { CONFIG_KEYS, type AgentConfig, type ConfigKey, type SourceSetting } from '../config/keys.js';
import { changedKeys } from '../config/resolve.js';
import { describeError } from '../errors.js';
import type { ExecEvent } from '../events/exec-event.js';
import { closeAgentLogger, createAgentLogger } from '../logging/agent-logger.js';
import { loadNativeAddon, NativeAddonError, type NativeAddon } from '../native/addon.js';
import type { SnapshotProcess } from '../process/process-record.js';
import type { EventSource, SourceHandlers } from '../sources/event-source.js';
import { snapshotProcesses } from '../sources/process-snapshot.js';
import type { SimulationPlan, SimulatorDriver } from '../sources/simulator-driver.js';
import { AlertStore } from '../storage/alert-store.js';
import { checkOwnDirectories } from '../storage/own-directories.js';
import { configuredRetention, type RetentionPolicy } from '../storage/retention.js';
import { VERSION } from '../version.js';
import { loadAgentRules, startupRules } from './agent-rules.js';
import { agentStatePath } from './health/agent-state.js';
import { AgentLifecycle } from './health/lifecycle.js';
import { AgentMetrics } from './health/metrics.js';
import { platformIdentity } from './health/process-identity.js';
import { STALL_EXIT_CODE, StallWatchdog } from './health/stall-watchdog.js';
import { StatusReporter } from './health/status-reporter.js';
import { checkSourcePossible, currentSourceEnvironment, openSource, type SourceEnvironment } from './open-source.js';
import { Pipeline } from './pipeline.js';
import { WarningLimiter } from './warning-limiter.js';

export interface AgentStartOptions {
  config: AgentConfig;
  /** `--source`, over the configuration's `source`. */
  source?: SourceSetting;
  /** What drives the simulator source (replay, synthetic load). */
  simulation?: SimulationPlan;
  /** Also log to stderr (warnings and errors), for runs in a terminal and launchd's stderr file. */
  logToStderr?: boolean;
  /** The native addon; by default loaded if built (null: run without it). */
  addon?: NativeAddon | null;
  /** Platform facts for source selection; tests stand in for a Mac. */
  environment?: Partial<Pick<SourceEnvironment, 'platform' | 'macosMajor'>>;
  /**
   * What the stall watchdog does once it has logged a stall: by default the process exits with
   * STALL_EXIT_CODE so launchd restarts it. In-process tests record it instead.
   */
  onStall?: (reason: string) => void;
}

export interface ReloadOutcome {
  /** Keys whose new values are in force. */
  applied: ConfigKey[];
  /** Keys that changed but take effect only after a restart. */
  needsRestart: ConfigKey[];
  /** Why the new rules were not taken (the previous rules keep running); empty when they were. */
  ruleProblems: string[];
}

const PRUNE_EVERY_MS = 60 * 60 * 1000;
const STOP_BUDGET_MS = 1500;

/**
 * The composition root: the only place that builds the agent's parts — logger, rules, store and
 * sinks, pipeline, source, health — and wires them. `run`, the demo and the end-to-end tests start
 * an Agent; nothing else constructs its own dependencies.
 */
export class Agent {
  /** Settles when the agent stops on its own: a file source ended (resolves) or a source failed for good (rejects). */
  readonly finished: Promise<void>;
  private resolveFinished!: () => void;
  private rejectFinished!: (error: Error) => void;
  private stopping: Promise<boolean> | undefined;
  private pruneTimer: NodeJS.Timeout | undefined;
  private retention: RetentionPolicy;

  private constructor(
    private config: AgentConfig,
    readonly log: winston.Logger,
    readonly store: AlertStore,
    private readonly fanOut: AlertFanOut,
    readonly pipeline: Pipeline,
    readonly metrics: AgentMetrics,
    readonly addon: NativeAddon | null,
    readonly lifecycle: AgentLifecycle,
  ) {
    this.finished = new Promise((resolve, reject) => {
      this.resolveFinished = resolve;
      this.rejectFinished = reject;
    });
    // A rejection nobody awaits (the agent was stopped by a signal first) is not a crash.
    this.finished.catch(() => undefined);
    this.retention = configuredRetention(config);
  }

  source!: EventSource;
  driver: SimulatorDriver | undefined;
  /** With a simulation plan: settles when the replay has been injected and delivered (true) or timed out (false). */
  simulationDone: Promise<boolean> | undefined;
  private reporter!: StatusReporter;
  private stall: StallWatchdog | undefined;

  static async start(options: AgentStartOptions): Promise<Agent> {
    const { config } = options;
    const { addon, addonProblem } = options.addon !== undefined ? { addon: options.addon, addonProblem: undefined } : loadAddon();
    checkSourcePossible(options.source ?? config.source, { platform: options.environment?.platform ?? process.platform, addon, ...(addonProblem ? { addonProblem } : {}) });
    const unifiedLog = config.unifiedLog && addon ? addon : undefined;
    // Before the first write: a directory someone else can write to is refused (exit 2), not used.
    checkOwnDirectories({ database: config.databasePath, status: config.statusPath, agentLog: config.agentLogPath, alertsNdjson: config.alertsNdjsonPath });
    const log = createAgentLogger({
      level: config.logLevel,
      ...(config.agentLogPath ? { file: config.agentLogPath } : {}),
      ...(unifiedLog ? { unifiedLog } : {}),
      ...(options.logToStderr ? { stderr: true } : {}),
    });
    const rules = startupRules(config, log);
    // A daemon's alerts are rare: flush each commit (FULL) and spare the checkpoint thread's memory;
    // `databaseSync: "normal"` trades that for throughput under a flood.
    const store = AlertStore.open(config.databasePath, {
      // The daemon must keep running: whatever sits at its database path is kept beside a new store.
      notSqlite: 'move-aside',
      synchronous: config.databaseSync,
      backgroundCheckpointAfter: config.databaseSync === 'normal' ? 1 : false,
    });
    if (store.quarantined) log.error(`the alert database was corrupt; it was moved to ${store.quarantined.movedTo} and a new one started`);
    const sinks: AlertSink[] = [];
    if (config.alertsNdjsonPath) {
      sinks.push(new NdjsonFileSink({ path: config.alertsNdjsonPath, maxBytes: config.alertsNdjsonMaxMB * 2 ** 20, maxFiles: config.alertsNdjsonKeep }));
    }
    if (unifiedLog) sinks.push(new UnifiedLogAlertSink(unifiedLog, { publicFields: config.unifiedLogPublicFields }));
    const fanOut = createAlertFanOut({
      store,
      sinks,
      throttle: config.throttle
        ? { mergeIntervalMs: config.mergeIntervalSeconds * 1000, maxKeys: config.throttleMaxKeys, trustedParents: config.emondPaths }
        : false,
      maxAlertBytes: config.maxAlertKB * 1024,
      // A recorded file's parent paths are its author's words, not the kernel's: no per-alert commits for them.
      ...((options.source ?? config.source).startsWith('file:') ? { writer: { priorityCommits: false } } : {}),
      log,
    });
    const metrics = new AgentMetrics();
    // Lifecycle documents go to the same sinks, but straight through: never throttled, never queued behind alerts.
    const lifecycle = new AgentLifecycle({
      sinks,
      log,
      databasePath: config.databasePath,
      metrics,
      heartbeatSeconds: config.heartbeatSeconds,
      refresh: () => agent.refreshSourceCounters(),
    });
    const agent: Agent = new Agent(config, log, store, fanOut, new Pipeline(rules, fanOut, metrics, log), metrics, addon, lifecycle);
    try {
      await agent.open(options, addonProblem);
    } catch (error) {
      await agent.source?.stop().catch(() => undefined);
      await agent.closeParts();
      throw error;
    }
    return agent;
  }

  /** Stops the source, commits what is pending, closes the store. Idempotent; resolves true if nothing was left behind. */
  stop(reason = 'stopped'): Promise<boolean> {
    this.stopping ??= this.shutdown(reason);
    return this.stopping;
  }

  /** SIGHUP: applies what can change while running; rules are swapped between two batches, so no event is missed. */
  reload(next: AgentConfig): ReloadOutcome {
    const changed = changedKeys(this.config, next);
    const { rules, problems, overrides } = loadAgentRules(next);
    const ruleProblems = problems.length > 0 ? problems : rules.length === 0 ? ['no rules would be left to run'] : [];
    if (ruleProblems.length === 0) this.pipeline.setRules(rules);
    this.log.level = next.logLevel;
    this.retention = configuredRetention(next);
    this.reporter.reconfigure(next.statusIntervalSeconds, budgetsOf(next));
    this.lifecycle.reconfigure(next.heartbeatSeconds);
    this.lifecycle.rulesReloaded({ rules: this.pipeline.rules.length, taken: ruleProblems.length === 0, problems: ruleProblems });
    const needsRestart = changed.filter((key) => !CONFIG_KEYS[key].reloadable);
    const applied = changed.filter((key) => CONFIG_KEYS[key].reloadable);
    // Keys that need a restart keep their running values, so the recorded config stays what is in force.
    this.config = { ...next, ...Object.fromEntries(needsRestart.map((key) => [key, this.config[key]])) } as AgentConfig;
    if (ruleProblems.length > 0) {
      this.log.error('configuration reloaded, but the new rules were not taken; the previous rules keep running', { problems: ruleProblems });
    } else {
      // As at start-up: a user rule that replaces a built-in one is said so, every time it is loaded.
      for (const override of overrides) this.log.info(`rule replaced: ${override}`);
      this.log.info(`configuration and rules reloaded: ${rules.length} rule(s) running`, { applied });
    }
    if (needsRestart.length > 0) {
      this.log.warn(`changed ${needsRestart.join(', ')}: takes effect after a restart (sudo launchctl kickstart -k system/com.emondguard.agent)`);
    }
    return { applied, needsRestart, ruleProblems };
  }

  private async open(options: AgentStartOptions, addonProblem: string | undefined): Promise<void> {
    const env = { ...currentSourceEnvironment(this.addon, addonProblem, this.log), ...options.environment };
    const setting = options.source ?? this.config.source;
    const pending: ExecEvent[][] = [];
    let seeded = false;
    const warnings = new WarningLimiter(10_000);
    const handlers: SourceHandlers = {
      // Until the tree is seeded, hold events back so no early exec is judged without its parent.
      onEvents: (events) => (seeded ? this.handle(events) : pending.push(events)),
      onWarning: (error) => {
        if (warnings.allow(codeOf(error))) this.log.warn(error.message, { code: codeOf(error) });
      },
      onFatal: (error) => {
        this.log.error(`the event source stopped: ${error.message}`, { code: codeOf(error) });
        void this.stop('source failed').then(() => this.rejectFinished(error));
      },
      onEnd: () => {
        this.log.info('the input has been read to the end');
        void this.stop('input ended').then(() => this.resolveFinished());
      },
    };
    const opened = await openSource(setting, this.config, env, handlers);
    this.source = opened.source;
    this.driver = opened.driver;
    this.pipeline.tree.seed(this.snapshot(setting));
    seeded = true;
    for (const events of pending.splice(0)) this.handle(events);

    const description = this.source.describe();
    this.reporter = new StatusReporter({
      file: this.config.statusPath,
      intervalSeconds: this.config.statusIntervalSeconds,
      budgets: budgetsOf(this.config),
      metrics: this.metrics,
      databasePath: this.config.databasePath,
      processStart: platformIdentity().startToken(process.pid),
      source: () => description,
      refresh: () => this.refreshSourceCounters(),
      onWarning: (warning) => this.log.warn(`self-watchdog: ${warning.message}`),
      onRecovered: (budget) => this.log.info(`self-watchdog: ${budget} back within budget`),
      onDrops: ({ kernel, queue }) =>
        this.fanOut.recordAgentEvent({
          kind: 'drops',
          message: `${kernel + queue} event(s) lost: ${kernel} dropped by the kernel, ${queue} because the agent fell behind`,
          count: kernel + queue,
          detail: { kernel, queue },
        }),
      onTick: () => this.lifecycle.checkDrops(),
      onWriteError: (error) => {
        if (warnings.allow('status-file')) this.log.warn(`cannot write the status file ${this.config.statusPath}: ${describeError(error)}`);
      },
    });
    this.reporter.start();
    this.prune();
    this.pruneTimer = setInterval(() => this.prune(), PRUNE_EVERY_MS);
    this.pruneTimer.unref();
    this.lifecycle.start({ source: description, rules: this.pipeline.rules.length, pid: process.pid });
    if (this.config.watchdogStallSeconds > 0) {
      const onStall =
        options.onStall ??
        ((reason: string) => {
          this.log.error(`stall watchdog: ${reason}`);
          process.exit(STALL_EXIT_CODE);
        });
      this.stall = new StallWatchdog({
        stallSeconds: this.config.watchdogStallSeconds,
        agentLogPath: this.config.agentLogPath,
        statePath: agentStatePath(this.config.databasePath),
        onStall,
        onError: (error) => this.log.error(`the stall watchdog stopped; a stuck pipeline will not be restarted until the agent is: ${describeError(error)}`),
      });
      this.stall.start();
    }
    this.fanOut.recordAgentEvent({
      kind: 'start',
      message: `emondguard ${VERSION} started: source ${description.kind}${description.mode ? ` (${description.mode})` : ''}, ${this.pipeline.rules.length} rule(s)`,
      detail: { source: description, pid: process.pid },
    });
    this.log.info(`emondguard ${VERSION} running`, { source: description, database: this.config.databasePath });
    if (description.note) this.log.info(`source: ${description.note}`);
    const driver = this.driver;
    if (driver && options.simulation) {
      this.simulationDone = driver.run(options.simulation).then(
        () => driver.settled(30_000),
        (error: unknown) => {
          handlers.onFatal(error instanceof Error ? error : new Error(String(error)));
          return false;
        },
      );
    }
  }

  /**
   * The processes running at start-up, so an emond started before the agent is known. Live sources
   * only: a recorded file's pids have nothing to do with this machine's.
   */
  private snapshot(setting: SourceSetting): SnapshotProcess[] {
    if (setting.startsWith('file:')) return [];
    try {
      const own = this.source.snapshot();
      return own.length > 0 || !this.addon ? own : snapshotProcesses(this.addon.listProcesses());
    } catch (error) {
      this.log.warn(`could not list the running processes; parents started before the agent may be unknown: ${describeError(error)}`);
      return [];
    }
  }

  /** One batch through the pipeline, with the stall watchdog told when it starts and ends. */
  private handle(events: ExecEvent[]): void {
    this.stall?.enter();
    try {
      this.pipeline.handle(events);
    } finally {
      this.stall?.leave();
    }
  }

  /** Copies the source's counters into the metrics; returns how much waits in the source. */
  private refreshSourceCounters(): { events: number | null; bytes: number | null } {
    if (!this.source) return { events: null, bytes: null };
    const counters = this.source.counters();
    this.metrics.kernelDrops = counters.kernelDrops;
    this.metrics.queueDrops = counters.queueDrops;
    this.metrics.queueByteDrops = counters.queueByteDrops ?? 0;
    this.metrics.queueBytes = counters.queued?.bytes ?? 0;
    this.metrics.skipped = counters.skipped;
    this.metrics.esThread = counters.esThread;
    if (counters.received !== undefined) this.stall?.observeReceived(counters.received);
    return counters.queued ?? { events: null, bytes: null };
  }

  private prune(): void {
    try {
      this.store.prune(this.retention);
    } catch (error) {
      this.log.error(`pruning the alert database failed; retrying in an hour: ${describeError(error)}`);
    }
  }

  private async shutdown(reason: string): Promise<boolean> {
    const deadline = Date.now() + STOP_BUDGET_MS;
    clearInterval(this.pruneTimer);
    this.driver?.stop();
    try {
      await this.source?.stop();
    } catch (error) {
      this.log.warn(`the event source did not stop cleanly: ${describeError(error)}`);
    }
    this.refreshSourceCounters();
    await this.stall?.stop();
    // Before the sinks close: the last document of a clean run.
    this.lifecycle.stop(reason);
    this.fanOut.recordAgentEvent({
      kind: 'stop',
      message: `emondguard stopped (${reason}) after ${this.metrics.events} event(s) and ${this.metrics.alerts} alert(s)`,
      detail: { reason, events: this.metrics.events, alerts: this.metrics.alerts, heldBack: this.metrics.heldBack },
    });
    const complete = await this.fanOut.close(Math.max(100, deadline - Date.now()));
    this.reporter?.stop();
    this.log.info(`emondguard stopped (${reason})`, { complete });
    await this.closeParts();
    return complete;
  }

  private async closeParts(): Promise<void> {
    try {
      this.store.close();
    } catch {
      // already closed
    }
    await closeAgentLogger(this.log, 300);
  }
}

function loadAddon(): { addon: NativeAddon | null; addonProblem: string | undefined } {
  try {
    return { addon: loadNativeAddon(), addonProblem: undefined };
  } catch (error) {
    if (error instanceof NativeAddonError) return { addon: null, addonProblem: error.message };
    throw error;
  }
}

function budgetsOf(config: AgentConfig) {
  return { maxRssMB: config.watchdogMaxRssMB, maxCpuPercent: config.watchdogMaxCpuPercent, windowSeconds: config.watchdogWindowSeconds };
}

function codeOf(error: Error): string {
  return (error as { code?: unknown }).code?.toString() ?? error.name;
}
