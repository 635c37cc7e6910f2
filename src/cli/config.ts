import type { Command } from 'commander';
import { ConfigError } from '../config/errors.js';
import { CONFIG_KEYS, CONFIG_KEY_NAMES } from '../config/keys.js';
import { validateLayer } from '../config/resolve.js';
import { UsageError } from '../errors.js';

export function registerConfigCommand(program: Command): void {
  const config = program.command('config').description('show or validate the agent configuration');

  config
    .command('show')
    .description('print the effective configuration and where each value came from (MDM > file > default)')
    .option('--config <path>', 'the JSON configuration file (default: the platform location)')
    .option('--json', 'print JSON: {key: {value, origin, description}}')
    .action(async (options: { config?: string; json?: boolean }) => {
      // The loader reads plists (MDM): loaded on use.
      const { loadConfig } = await import('../config/load.js');
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
    });

  config
    .command('check')
    .description('validate a JSON configuration file; exit 0 when valid, 2 with every problem listed when not')
    .argument('<file>', 'the file to check')
    .action(async (file: string) => {
      const { readJsonLayer } = await import('../config/load.js');
      const layer = asUsage(() => readJsonLayer(file, { required: true }));
      if (!layer) return;
      const { values, problems } = validateLayer(layer);
      if (problems.length > 0) throw asUsageError(ConfigError.invalid(problems));
      process.stdout.write(`✓ ${file}: ${Object.keys(values).length} setting(s), all valid\n`);
    });
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
