import { Agent } from '../agent/agent.js';
import { AgentError } from '../agent/agent-errors.js';
import { ConfigError } from '../config/errors.js';
import { CONFIG_KEYS, type SourceSetting } from '../config/keys.js';
import { loadConfig } from '../config/load.js';
import { UsageError, describeError } from '../errors.js';
import type { SimulationPlan } from '../sources/simulator-driver.js';

export interface RunOptions {
  source?: string;
  config?: string;
  replay?: string;
  load?: number;
  emondEvery: number;
}

/** SIGTERM must end the process within 2 s (launchd sends SIGKILL soon after): the agent's own budget is 1.5 s. */
const EXIT_DEADLINE_MS = 1900;

export async function runAgent(options: RunOptions): Promise<void> {
  const source = options.source === undefined ? undefined : parseSource(options.source);
  const simulation = simulationPlan(options);
  const read = () => loadConfig(options.config ? { configPath: options.config } : {});
  let effective;
  try {
    effective = read();
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message, { cause: error, code: error.code });
    throw error;
  }
  if (simulation && (source ?? effective.config.source) !== 'simulator') {
    throw new UsageError('--replay and --load drive the ES simulator: use them with --source simulator');
  }

  const agent = await Agent.start({
    config: effective.config,
    ...(source ? { source } : {}),
    ...(simulation ? { simulation } : {}),
    logToStderr: true,
  }).catch((error: unknown) => {
    // No rule to run is the configuration's doing: exit 2, like every configuration error.
    if (error instanceof AgentError && error.code === 'E_AGENT_NO_RULES') throw new UsageError(error.message, { cause: error, code: error.code });
    throw error;
  });

  await new Promise<void>((resolve, reject) => {
    const stop = (signal: string) => {
      // A second signal while stopping does not start a second shutdown.
      const deadline = setTimeout(() => {
        agent.log.error(`could not stop within ${EXIT_DEADLINE_MS} ms after ${signal}; exiting anyway`);
        process.exit(0);
      }, EXIT_DEADLINE_MS);
      deadline.unref();
      agent.stop(`${signal} received`).then(() => resolve(), reject);
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
    process.on('SIGHUP', () => {
      try {
        agent.reload(read().config);
      } catch (error) {
        agent.log.error(`SIGHUP: the new configuration was not applied, the current one keeps running: ${describeError(error)}`);
      }
    });
    agent.finished.then(resolve, reject);
  });
}

function parseSource(value: string): SourceSetting {
  const checked = CONFIG_KEYS.source.kind.check(value);
  if (!checked.ok) throw new UsageError(`--source: ${checked.expected}`);
  return checked.value;
}

function simulationPlan(options: RunOptions): SimulationPlan | undefined {
  if (options.replay === undefined && options.load === undefined) return undefined;
  return {
    ...(options.replay ? { replay: options.replay } : {}),
    ...(options.load ? { load: { execPerSecond: options.load, emondChainEverySeconds: options.emondEvery } } : {}),
  };
}
