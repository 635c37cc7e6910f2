import os from 'node:os';
import path from 'node:path';

/**
 * Where the agent keeps its database and logs. The daemon runs as root on macOS and uses the
 * system locations; `scan`, `demo` and tests usually run as a user, who cannot write there, so
 * they get a per-user directory instead. `--db` and `EMONDGUARD_DB` override the database path.
 */

/** The environment facts the defaults depend on, injectable so tests cover every platform. */
export interface PathContext {
  platform: NodeJS.Platform;
  /** Effective uid; 0 is root. */
  uid: number;
  home: string;
  env: NodeJS.ProcessEnv;
}

export function currentPathContext(): PathContext {
  return {
    platform: process.platform,
    uid: typeof process.geteuid === 'function' ? process.geteuid() : -1,
    home: os.homedir(),
    env: process.env,
  };
}

export const DB_FILE_NAME = 'alerts.db';
export const AGENT_LOG_FILE_NAME = 'agent.log';
export const ALERTS_NDJSON_FILE_NAME = 'alerts.ndjson';
export const DB_PATH_ENV = 'EMONDGUARD_DB';

/** The directory of the database (and, later, the configuration). */
export function defaultDataDir(context: PathContext = currentPathContext()): string {
  const { platform, uid, home, env } = context;
  if (platform === 'darwin') {
    return uid === 0
      ? '/Library/Application Support/emondguard'
      : path.join(home, 'Library', 'Application Support', 'emondguard');
  }
  if (uid === 0) return '/var/lib/emondguard';
  const xdg = env.XDG_DATA_HOME;
  return path.join(xdg && path.isAbsolute(xdg) ? xdg : path.join(home, '.local', 'share'), 'emondguard');
}

/** The directory of agent.log and alerts.ndjson. */
export function defaultLogDir(context: PathContext = currentPathContext()): string {
  const { platform, uid, home, env } = context;
  if (platform === 'darwin') {
    return uid === 0 ? '/Library/Logs/emondguard' : path.join(home, 'Library', 'Logs', 'emondguard');
  }
  if (uid === 0) return '/var/log/emondguard';
  const xdg = env.XDG_STATE_HOME;
  return path.join(xdg && path.isAbsolute(xdg) ? xdg : path.join(home, '.local', 'state'), 'emondguard');
}

/**
 * The database path every command agrees on: the explicit `--db` value, else `EMONDGUARD_DB`,
 * else the platform default. `scan --db`, the daemon and `emondguard alerts` all call this.
 */
export function resolveDbPath(explicit?: string, context: PathContext = currentPathContext()): string {
  if (explicit !== undefined && explicit !== '') return path.resolve(explicit);
  const fromEnv = context.env[DB_PATH_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return path.resolve(fromEnv);
  return path.join(defaultDataDir(context), DB_FILE_NAME);
}

export interface LogPaths {
  agentLog: string;
  alertsNdjson: string;
}

export function defaultLogPaths(context: PathContext = currentPathContext()): LogPaths {
  const dir = defaultLogDir(context);
  return { agentLog: path.join(dir, AGENT_LOG_FILE_NAME), alertsNdjson: path.join(dir, ALERTS_NDJSON_FILE_NAME) };
}
