import path from 'node:path';

/**
 * Where the alert database is by default. The store (issue 4) owns this rule; until its resolver
 * is on main, the doctor applies the same documented one: `EMONDGUARD_DB` wins; on macOS as root
 * `/Library/Application Support/emondguard/alerts.db`, elsewhere as root `/var/lib/emondguard`;
 * otherwise a per-user data folder (XDG_DATA_HOME on Linux).
 */
export function defaultDatabasePath(
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform,
  home: string,
  uid: number | undefined,
): { path: string; source: string } {
  if (env.EMONDGUARD_DB) return { path: path.resolve(env.EMONDGUARD_DB), source: 'EMONDGUARD_DB' };
  if (platform === 'darwin') {
    if (uid === 0 || uid === undefined) return { path: '/Library/Application Support/emondguard/alerts.db', source: 'default' };
    return { path: path.join(home, 'Library/Application Support/emondguard/alerts.db'), source: 'default (per user)' };
  }
  if (uid === 0) return { path: '/var/lib/emondguard/alerts.db', source: 'default' };
  const xdg = env.XDG_DATA_HOME;
  const dataHome = xdg && path.isAbsolute(xdg) ? xdg : path.join(home, '.local/share');
  return { path: path.join(dataHome, 'emondguard/alerts.db'), source: 'default (per user)' };
}
