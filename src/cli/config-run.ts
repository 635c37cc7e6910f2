import { ruleSetProblems } from '../agent/agent-rules.js';
import { emondPathWarnings } from '../agent/emond-paths.js';
import { ConfigError } from '../config/errors.js';
import { CONFIG_KEYS, CONFIG_KEY_NAMES } from '../config/keys.js';
import { readJsonLayer, loadConfig } from '../config/load.js';
import { resolveConfig, validateLayer } from '../config/resolve.js';
import { UsageError } from '../errors.js';

/** `emondguard config show`: the effective configuration and where each value came from. */
export function runConfigShow(options: { config?: string; json?: boolean }): void {
  const effective = asUsage(() => loadConfig({ configPath: options.config }));
  if (options.json) {
    const out = Object.fromEntries(
      CONFIG_KEY_NAMES.map((k) => [k, { value: effective.config[k], origin: effective.origins[k], description: CONFIG_KEYS[k].description }]),
    );
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    return;
  }
  const rows = CONFIG_KEY_NAMES.map((k) => [k, JSON.stringify(effective.config[k]), effective.origins[k]] as const);
  const keyWidth = Math.max(...rows.map((r) => r[0].length));
  const lines = rows.map(([k, v, o]) => `${k.padEnd(keyWidth)}  ${v}${o === 'default' ? '' : `   (${o})`}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** `emondguard config check FILE`: exit 0 when valid, 2 with every problem listed when not. */
export function runConfigCheck(file: string): void {
  const layer = asUsage(() => readJsonLayer(file, { required: true }));
  if (!layer) return;
  const { values, problems } = validateLayer(layer);
  if (problems.length > 0) throw asUsageError(ConfigError.invalid(problems));
  // Well-formed is not enough: the rules it names must load, as the agent will load them.
  const ruleProblems = ruleSetProblems(resolveConfig({ file: layer }).config);
  if (ruleProblems.length > 0) {
    throw new UsageError(`${file}: its rules would not run as configured:\n${ruleProblems.map((problem) => `  - ${problem}`).join('\n')}`, {
      code: 'E_CONFIG_RULES',
    });
  }
  // Valid and loadable, yet an emond-only agent would be blind to an emond path that is not there.
  for (const warning of emondPathWarnings(resolveConfig({ file: layer }).config)) process.stderr.write(`warning: ${warning}\n`);
  process.stdout.write(`✓ ${file}: ${Object.keys(values).length} setting(s), all valid; its rules load\n`);
}

/** Configuration mistakes are the administrator's to fix: exit code 2, like any usage error. */
function asUsage<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    throw error instanceof ConfigError ? asUsageError(error) : error;
  }
}

function asUsageError(error: ConfigError): UsageError {
  return new UsageError(error.message, { cause: error, code: error.code });
}
