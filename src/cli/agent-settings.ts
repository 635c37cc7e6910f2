import path from 'node:path';
import { ConfigError } from '../config/errors.js';
import { DB_PATH_ENV } from '../storage/default-paths.js';
import type { RetentionPolicy } from '../storage/retention.js';
import { UsageError } from '../errors.js';

/**
 * The database an administrator's command works on: `--db`, else `EMONDGUARD_DB`, else the
 * `databasePath` the agent runs with (its configuration file or MDM), else the platform default —
 * so `emondguard alerts …` reads the database the agent writes, wherever a profile moved it.
 */
export async function agentDatabasePath(explicit: string | undefined): Promise<string> {
  if (explicit !== undefined && explicit !== '') return path.resolve(explicit);
  const fromEnv = process.env[DB_PATH_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return path.resolve(fromEnv);
  return (await agentConfig('where the agent keeps its database', '--db PATH')).databasePath;
}

/** The retention the agent applies (`retentionDays`, `maxDatabaseMB`), for `alerts prune` without limits. */
export async function agentRetention(): Promise<Required<RetentionPolicy>> {
  const config = await agentConfig('the retention the agent uses', '--older-than and --max-size');
  const { configuredRetention } = await import('../storage/retention.js');
  return configuredRetention(config);
}

async function agentConfig(what: string, instead: string) {
  // Loaded on use: the configuration loader reads plists (MDM).
  const { loadConfig } = await import('../config/load.js');
  try {
    return loadConfig().config;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw new UsageError(`cannot tell ${what}: ${error.message}\nFix the configuration, or give ${instead}.`, { cause: error, code: error.code });
  }
}
