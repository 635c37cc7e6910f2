import os from 'node:os';
import path from 'node:path';

/**
 * Where emondguard keeps its files when the configuration does not say. The daemon runs as root on
 * macOS and uses the system locations administrators expect; anything else (a `scan` or `demo` by a
 * user, tests, Linux development) uses per-user directories so it never needs sudo.
 */
export interface AgentPaths {
  /** Folder for the database and status file. */
  stateDir: string;
  logDir: string;
  database: string;
  status: string;
  agentLog: string;
  alertsNdjson: string;
  /** The JSON configuration file `run` reads unless `--config` says otherwise. */
  configFile: string;
  /** MDM managed preferences (macOS). */
  managedPreferences: string;
}

export interface PathEnvironment {
  platform: NodeJS.Platform;
  isRoot: boolean;
  home: string;
  env: NodeJS.ProcessEnv;
}

export function currentPathEnvironment(): PathEnvironment {
  return {
    platform: process.platform,
    isRoot: typeof process.getuid === 'function' && process.getuid() === 0,
    home: os.homedir(),
    env: process.env,
  };
}

const MANAGED_PREFERENCES = '/Library/Managed Preferences/com.emondguard.agent.plist';

export function defaultPaths(where: PathEnvironment = currentPathEnvironment()): AgentPaths {
  const { stateDir, logDir, configDir } = directories(where);
  return {
    stateDir,
    logDir,
    database: where.env.EMONDGUARD_DB || path.join(stateDir, 'alerts.db'),
    status: path.join(stateDir, 'status.json'),
    agentLog: path.join(logDir, 'agent.log'),
    alertsNdjson: path.join(logDir, 'alerts.ndjson'),
    configFile: path.join(configDir, 'config.json'),
    managedPreferences: MANAGED_PREFERENCES,
  };
}

function directories(where: PathEnvironment): { stateDir: string; logDir: string; configDir: string } {
  if (where.platform === 'darwin') {
    const base = where.isRoot ? '/Library' : path.join(where.home, 'Library');
    const app = path.join(base, 'Application Support', 'emondguard');
    return { stateDir: app, logDir: path.join(base, 'Logs', 'emondguard'), configDir: app };
  }
  if (where.isRoot) {
    return { stateDir: '/var/lib/emondguard', logDir: '/var/log/emondguard', configDir: '/etc/emondguard' };
  }
  // XDG base directories, as a Linux user expects.
  const state = where.env.XDG_STATE_HOME || path.join(where.home, '.local', 'state');
  const config = where.env.XDG_CONFIG_HOME || path.join(where.home, '.config');
  const stateDir = path.join(state, 'emondguard');
  return { stateDir, logDir: stateDir, configDir: path.join(config, 'emondguard') };
}
