import path from 'node:path';
import {
  currentPathContext,
  defaultDataDir,
  defaultLogPaths,
  resolveDbPath,
  type PathContext,
} from '../storage/default-paths.js';

/**
 * Every file location the agent uses when the configuration does not say. The data and log
 * directories (and `EMONDGUARD_DB`) follow storage/default-paths.ts, the one place that decides
 * them for the daemon, `scan`, `demo` and `emondguard alerts` alike.
 */
export interface AgentPaths {
  database: string;
  status: string;
  agentLog: string;
  alertsNdjson: string;
  /** The JSON configuration file `run` reads unless `--config` says otherwise. */
  configFile: string;
  /** MDM managed preferences (macOS). */
  managedPreferences: string;
}

export type { PathContext };

const MANAGED_PREFERENCES = '/Library/Managed Preferences/com.emondguard.agent.plist';

export function defaultPaths(context: PathContext = currentPathContext()): AgentPaths {
  const dataDir = defaultDataDir(context);
  return {
    database: resolveDbPath(undefined, context),
    status: path.join(dataDir, 'status.json'),
    ...defaultLogPaths(context),
    configFile: defaultConfigFile(context, dataDir),
    managedPreferences: MANAGED_PREFERENCES,
  };
}

/**
 * `EMONDGUARD_CONFIG` when set (like `EMONDGUARD_DB`); on macOS next to the database, as admins
 * expect; elsewhere where that system keeps configuration.
 */
function defaultConfigFile(context: PathContext, dataDir: string): string {
  const fromEnv = context.env.EMONDGUARD_CONFIG;
  if (fromEnv !== undefined && fromEnv !== '') return path.resolve(fromEnv);
  if (context.platform === 'darwin') return path.join(dataDir, 'config.json');
  if (context.uid === 0) return '/etc/emondguard/config.json';
  const xdg = context.env.XDG_CONFIG_HOME;
  return path.join(xdg && path.isAbsolute(xdg) ? xdg : path.join(context.home, '.config'), 'emondguard', 'config.json');
}
