import path from 'node:path';

/**
 * Where emond keeps what makes it run, as paths on the audited system. `/etc` is a symlink to
 * `/private/etc` on macOS; we name the paths the way admins and Apple's docs do.
 */
export const EMOND_CONFIG_PATH = '/etc/emond.d/emond.plist';
export const EMOND_DEFAULT_RULES_DIR = '/etc/emond.d/rules';
/**
 * emond's LaunchDaemon (com.apple.emond) watches this folder with launchd's QueueDirectories:
 * while it holds any file, launchd keeps emond running. An attacker who drops a rule also drops
 * a file here so the rule fires without waiting for something else to start emond.
 */
export const EMOND_CLIENTS_DIR = '/private/var/db/emondClients';

/**
 * The path to read for a path of the audited system: the same path on a live system (`root` is
 * `/`), or below the mount point of a volume or a fixture tree.
 */
export function onAuditedSystem(root: string, systemPath: string): string {
  return path.join(root, systemPath);
}
