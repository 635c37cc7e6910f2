import { defaultPaths, type AgentPaths } from './default-paths.js';
import { ConfigError, type ConfigProblem } from './errors.js';
import { CONFIG_KEYS, CONFIG_KEY_NAMES, type AgentConfig, type ConfigKey } from './keys.js';

/** Values read from one place (the JSON file or MDM), not yet validated. */
export interface ConfigLayer {
  /** Shown next to every value it sets, e.g. `file /Library/…/config.json`. */
  origin: string;
  values: Record<string, unknown>;
  /** Keys a layer may carry that are not ours (MDM adds Payload* keys); skipped, not errors. */
  ignoreKey?: (key: string) => boolean;
}

export interface EffectiveConfig {
  config: AgentConfig;
  /** For each key: `default`, or the origin of the layer that set it. */
  origins: Record<ConfigKey, string>;
}

/**
 * Validates one layer on its own. `config check FILE` uses this, and `resolveConfig` runs it on
 * every layer so all problems of all layers are reported together.
 */
export function validateLayer(layer: ConfigLayer): { values: Partial<AgentConfig>; problems: ConfigProblem[] } {
  const values: Partial<Record<ConfigKey, unknown>> = {};
  const problems: ConfigProblem[] = [];
  for (const [name, raw] of Object.entries(layer.values)) {
    if (layer.ignoreKey?.(name)) continue;
    if (!isConfigKey(name)) {
      const suggestion = closestKey(name);
      problems.push({
        origin: layer.origin,
        key: name,
        problem: `unknown key${suggestion ? ` (did you mean "${suggestion}"?)` : ''}; \`emondguard config show\` lists the keys`,
      });
      continue;
    }
    const checked = CONFIG_KEYS[name].kind.check(raw);
    if (checked.ok) values[name] = checked.value;
    else problems.push({ origin: layer.origin, key: name, problem: checked.expected });
  }
  return { values: values as Partial<AgentConfig>, problems };
}

/**
 * Precedence: MDM over the file over defaults, key by key — an administrator's MDM policy
 * always wins, and a local file fills in what MDM leaves out.
 */
export function resolveConfig(layers: { file?: ConfigLayer | null; mdm?: ConfigLayer | null }, paths: AgentPaths = defaultPaths()): EffectiveConfig {
  const ordered = [layers.file, layers.mdm].filter((l): l is ConfigLayer => l != null);
  const validated = ordered.map((layer) => ({ layer, ...validateLayer(layer) }));
  const problems = validated.flatMap((v) => v.problems);
  if (problems.length > 0) throw ConfigError.invalid(problems);

  const config = {} as Record<ConfigKey, unknown>;
  const origins = {} as Record<ConfigKey, string>;
  for (const name of CONFIG_KEY_NAMES) {
    const spec = CONFIG_KEYS[name];
    config[name] = typeof spec.default === 'function' ? (spec.default as (p: AgentPaths) => unknown)(paths) : spec.default;
    origins[name] = 'default';
    for (const { layer, values } of validated) {
      if (name in values) {
        config[name] = values[name];
        origins[name] = layer.origin;
      }
    }
  }
  return { config: config as AgentConfig, origins };
}

/** Keys whose values differ between two configurations (used by SIGHUP reload). */
export function changedKeys(before: AgentConfig, after: AgentConfig): ConfigKey[] {
  return CONFIG_KEY_NAMES.filter((name) => JSON.stringify(before[name]) !== JSON.stringify(after[name]));
}

function isConfigKey(name: string): name is ConfigKey {
  return Object.prototype.hasOwnProperty.call(CONFIG_KEYS, name);
}

/** The known key nearest to a misspelt one, if it is near enough to be a typo. */
function closestKey(name: string): string | undefined {
  let best: { key: string; distance: number } | undefined;
  for (const key of CONFIG_KEY_NAMES) {
    const distance = key.toLowerCase() === name.toLowerCase() ? 0 : editDistance(key.toLowerCase(), name.toLowerCase());
    if (!best || distance < best.distance) best = { key, distance };
  }
  return best && best.distance <= Math.max(2, Math.floor(name.length / 4)) ? best.key : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
