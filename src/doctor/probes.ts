import { describeError } from '../errors.js';
import { tryLoadNativeAddon, type NativeAddon } from '../native/addon.js';
import { DB_PATH_ENV, resolveDbPath, type PathContext } from '../storage/default-paths.js';
import type { EsProbeOutcome } from './environment.js';

/**
 * The alert database the agent uses, by the store's own rule (`EMONDGUARD_DB`, else the platform
 * default for this user), and which of the two it was.
 */
export function agentDatabasePath(context?: PathContext): { path: string; source: string } {
  const env = context?.env ?? process.env;
  const source = env[DB_PATH_ENV] ? DB_PATH_ENV : 'default';
  return { path: resolveDbPath(undefined, context), source };
}

/**
 * Full Disk Access the way the agent meets it: create an ES client through the addon and return
 * the raw `es_new_client_result_t`. Without a loadable addon the doctor falls back to TCC.db.
 */
export function probeEsClientWithAddon(load: () => NativeAddon | null = tryLoadNativeAddon): EsProbeOutcome {
  let addon: NativeAddon | null;
  try {
    addon = load();
  } catch (error) {
    return { unavailable: `the Endpoint Security addon could not be loaded: ${describeError(error)}` };
  }
  if (!addon) return { unavailable: 'the Endpoint Security addon is not built (npm run build:native)' };
  try {
    return { result: addon.probeClient() };
  } catch (error) {
    return { unavailable: `probeClient failed: ${describeError(error)}` };
  }
}
