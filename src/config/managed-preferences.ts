import { existsSync } from 'node:fs';
import { readPlistFile } from '../plist/index.js';

/**
 * The MDM layer's reader: macOS writes a managed-preferences payload for com.emondguard.agent to
 * /Library/Managed Preferences/com.emondguard.agent.plist (binary or XML). Absent means no MDM
 * settings — not an error.
 */
export function readManagedPreferences(path: string): unknown {
  if (!existsSync(path)) return undefined;
  return readPlistFile(path).value;
}
