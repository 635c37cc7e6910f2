import { ConfigError } from './errors.js';
import type { AgentConfig } from './keys.js';
import { loadConfig, type LoadConfigOptions } from './load.js';

/** What `doctor` reports about the configuration the agent would start with. */
export type ConfigurationCheck =
  | { state: 'valid'; source: string; config: AgentConfig; origins: Record<string, string> }
  | { state: 'invalid'; source: string; errors: string[] };

export function checkConfiguration(options: LoadConfigOptions = {}): ConfigurationCheck {
  try {
    const { config, origins } = loadConfig(options);
    const layers = [...new Set(Object.values(origins).filter((origin) => origin !== 'default'))];
    return { state: 'valid', source: layers.length > 0 ? layers.join(' + ') : 'built-in defaults (no file, no MDM settings)', config, origins };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const origins = [...new Set(error.problems.map((p) => p.origin))];
    return {
      state: 'invalid',
      source: origins.length > 0 ? origins.join(' + ') : (options.configPath ?? 'the configuration'),
      errors: error.problems.length > 0 ? error.problems.map((p) => `"${p.key}": ${p.problem}`) : [error.message],
    };
  }
}
