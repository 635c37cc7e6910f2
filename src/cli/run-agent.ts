import { Agent } from '../agent/agent.js';
import { AgentError } from '../agent/agent-errors.js';
import { ConfigError } from '../config/errors.js';
import { CONFIG_KEYS, type SourceSetting } from '../config/keys.js';
import { loadConfig } from '../config/load.js';
import { UsageError } from '../errors.js';
import type { SimulationPlan } from '../sources/simulator-driver.js';
import { AgentSignals } from './agent-signals.js';

export interface RunOptions {
  source?: string;
  config?: string;
  replay?: string;
  load?: number;
  emondEvery: number;
  loadArgBytes?: number;
}

export async function runAgent(options: RunOptions): Promise<void> {
  const source = options.source === undefined ? undefined : parseSource(options.source);
  if (options.loadArgBytes !== undefined && options.load === undefined) {
    throw new UsageError('--load-arg-bytes sets the size of the synthetic load: use it with --load');
  }
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

  // Listening before the start: the status file says "running" before Agent.start returns.
  const signals = new AgentSignals({ reload: (agent) => agent.reload(read().config) });
  const agent = await Agent.start({
    config: effective.config,
    ...(source ? { source } : {}),
    ...(simulation ? { simulation } : {}),
    logToStderr: true,
  }).catch((error: unknown) => {
    signals.dispose();
    // No rule to run is the configuration's doing: exit 2, like every configuration error.
    if (error instanceof AgentError && error.code === 'E_AGENT_NO_RULES') throw new UsageError(error.message, { cause: error, code: error.code });
    throw error;
  });
  await Promise.race([signals.attach(agent), agent.finished]);
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
    ...(options.load
      ? {
          load: {
            execPerSecond: options.load,
            emondChainEverySeconds: options.emondEvery,
            ...(options.loadArgBytes !== undefined ? { argBytes: options.loadArgBytes } : {}),
          },
        }
      : {}),
  };
}
