import type { Agent } from '../agent/agent.js';
import { describeError } from '../errors.js';

/** SIGTERM must end the process within 2 s (launchd sends SIGKILL soon after): the agent's own budget is 1.5 s. */
const EXIT_DEADLINE_MS = 1900;

/** What the signals do to a running agent; injected so the reload reads the configuration the way `run` does. */
export interface AgentSignalActions {
  /** SIGHUP: reads the configuration again and hands it to the agent; throws when the new file is unusable. */
  reload(agent: Agent): void;
}

/**
 * Listens for SIGTERM, SIGINT and SIGHUP from before the agent starts, and acts on a signal that came
 * during start-up as soon as the agent is there. Without a listener SIGHUP's default action ends the
 * process, and the status file says "running" before `Agent.start` returns: a reload sent at that moment
 * (by an administrator, MDM, or anything that waits for that file) killed the daemon.
 */
export class AgentSignals {
  private agent: Agent | undefined;
  private stopSignal: string | undefined;
  private reloadPending = false;
  private settle: { resolve: () => void; reject: (error: unknown) => void } | undefined;
  private readonly listeners: [NodeJS.Signals, () => void][];

  constructor(private readonly actions: AgentSignalActions) {
    this.listeners = [
      ['SIGTERM', () => this.stop('SIGTERM')],
      ['SIGINT', () => this.stop('SIGINT')],
      ['SIGHUP', () => this.reload()],
    ];
    for (const [signal, listener] of this.listeners) process.on(signal, listener);
  }

  /**
   * The agent has started: applies a stop or a reload that arrived meanwhile. Resolves once a stop
   * signal's shutdown is complete (the caller also waits for the agent finishing on its own).
   */
  attach(agent: Agent): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.agent = agent;
      this.settle = { resolve, reject };
      if (this.stopSignal) this.stopAgent(agent, this.stopSignal);
      else if (this.reloadPending) this.reload();
      this.reloadPending = false;
    });
  }

  /** The agent did not start: the signals go back to their defaults. */
  dispose(): void {
    for (const [signal, listener] of this.listeners) process.off(signal, listener);
  }

  private stop(signal: string): void {
    // A second signal while stopping does not start a second shutdown.
    if (this.stopSignal) return;
    this.stopSignal = signal;
    // The deadline runs from the signal, start-up included: launchd does not wait for us to be ready.
    const deadline = setTimeout(() => {
      const message = `could not stop within ${EXIT_DEADLINE_MS} ms after ${signal}; exiting anyway`;
      if (this.agent) this.agent.log.error(message);
      else process.stderr.write(`emondguard: ${message}\n`);
      process.exit(0);
    }, EXIT_DEADLINE_MS);
    deadline.unref();
    if (this.agent) this.stopAgent(this.agent, signal);
  }

  private stopAgent(agent: Agent, signal: string): void {
    agent.stop(`${signal} received`).then(() => this.settle?.resolve(), (error: unknown) => this.settle?.reject(error));
  }

  private reload(): void {
    const agent = this.agent;
    if (!agent) {
      // The configuration being started may predate the change that prompted this signal: read it again once running.
      this.reloadPending = true;
      return;
    }
    try {
      this.actions.reload(agent);
    } catch (error) {
      agent.log.error(`SIGHUP: the new configuration was not applied, the current one keeps running: ${describeError(error)}`);
    }
  }
}
