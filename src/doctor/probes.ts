import { DB_PATH_ENV, resolveDbPath, type PathContext } from '../storage/default-paths.js';

/**
 * The alert database the agent uses, by the store's own rule (`EMONDGUARD_DB`, else the platform
 * default for this user), and which of the two it was.
 */
export function agentDatabasePath(context?: PathContext): { path: string; source: string } {
  const env = context?.env ?? process.env;
  const source = env[DB_PATH_ENV] ? DB_PATH_ENV : 'default';
  return { path: resolveDbPath(undefined, context), source };
}
