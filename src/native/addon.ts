/**
 * The one door to the native addon (native/, built by `npm run build:native`).
 *
 *   loadNativeAddon(): NativeAddon        throws NativeAddonError (E_ADDON_MISSING, E_ADDON_ABI,
 *                                          E_ADDON_LOAD, E_ADDON_OVERRIDE) with what to do about it
 *   tryLoadNativeAddon(): NativeAddon | null   for callers that work without it (scan, doctor)
 *
 * NativeAddon (see native-types.ts for every field):
 *   new EsClient(options) · start(onBatch, onError) · stop() (idempotent) · stats() · running
 *   probeClient(): number            raw es_new_client_result_t (doctor's Full Disk Access check)
 *   log(subsystem, category, level, message, { public?, detail? })   unified log, cached os_log_t
 *   listProcesses(): { pid, ppid, pidversion?, executable }[]          start-up snapshot
 *   nowNs(): number                  the clock behind NativeEvent.handlerEntryNs
 *   sim?: SimulatorControls          simulator builds only (Linux): inject messages, bursts, …
 *
 * Nothing else in the product may import the .node file. The binary is looked up at
 * native/build/Release/emondguard_native.node relative to the package (or EMONDGUARD_NATIVE_ADDON).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describeError } from '../errors.js';
import { wrapEsClient, type RawEsClientConstructor } from './es-client.js';
import { isInstalledBundleExecutable } from '../doctor/bundle-identity.js';
import { NativeAddonError } from './errors.js';
import type { NativeAddon } from './native-types.js';

export { EsClientError, NativeAddonError, EsNewClientResult, describeNewClientResult } from './errors.js';
export type * from './native-types.js';

/** Where `npm run build:native` puts the addon (the same from src/ and dist/). */
export const DEFAULT_ADDON_PATH = fileURLToPath(new URL('../../native/build/Release/emondguard_native.node', import.meta.url));

const BUILD_HINT =
  'Build it with `npm run build:native` (needs cmake and clang: on macOS the Xcode Command Line Tools, ' +
  'on Debian/Ubuntu `apt-get install clang cmake libblocksruntime-dev`). ' +
  'Everything except the live Endpoint Security source (e.g. `emondguard scan`) works without it.';

const require = createRequire(import.meta.url);
let cached: { path: string; addon: NativeAddon } | undefined;

/**
 * The addon path in force: EMONDGUARD_NATIVE_ADDON when set, else DEFAULT_ADDON_PATH.
 *
 * The override exists for tests and development builds. In the installed bundle it is refused
 * (E_ADDON_OVERRIDE): `require` of a `.node` file runs its code in the entitled, Full-Disk-Access
 * process, so whoever could set the variable for it (an MDM script, a wrapper, launchctl setenv)
 * would run any library with the entitlement. The entry guard refuses the variable there too;
 * this is the second lock, at the only place that loads the file.
 */
export function nativeAddonPath(env: NodeJS.ProcessEnv = process.env, execPath: string = process.execPath): string {
  const override = env.EMONDGUARD_NATIVE_ADDON;
  if (!override) return DEFAULT_ADDON_PATH;
  if (isInstalledBundleExecutable(execPath)) {
    throw new NativeAddonError(
      'E_ADDON_OVERRIDE',
      `EMONDGUARD_NATIVE_ADDON=${override} is refused: the installed agent loads only the addon it ships ` +
        `(${DEFAULT_ADDON_PATH}). Unset the variable; it is for development builds and tests.`,
    );
  }
  return override;
}

interface RawAddon extends Omit<NativeAddon, 'EsClient'> {
  EsClient: RawEsClientConstructor;
}

export function loadNativeAddon(): NativeAddon {
  const path = nativeAddonPath();
  if (cached?.path === path) return cached.addon;
  if (!existsSync(path)) {
    throw new NativeAddonError('E_ADDON_MISSING', `The native addon is not built: ${path} does not exist. ${BUILD_HINT}`);
  }
  let raw: RawAddon;
  try {
    raw = require(path) as RawAddon;
  } catch (error) {
    const text = describeError(error);
    if (/NODE_MODULE_VERSION|invalid ELF header|wrong ELF class|not a mach-o|mach-o file|incompatible architecture|Exec format error/i.test(text)) {
      throw new NativeAddonError(
        'E_ADDON_ABI',
        `The native addon at ${path} was built for another platform or Node.js version (${text.split('\n')[0]}). ` +
          `Rebuild it on this machine with \`npm run build:native\` (Node ${process.version}, ${process.platform}-${process.arch}).`,
        { cause: error },
      );
    }
    throw new NativeAddonError('E_ADDON_LOAD', `The native addon at ${path} failed to load: ${text.split('\n')[0]}. ${BUILD_HINT}`, {
      cause: error,
    });
  }
  if (raw.platform !== process.platform) {
    throw new NativeAddonError(
      'E_ADDON_ABI',
      `The native addon at ${path} was built for ${String(raw.platform)}, not ${process.platform}. Rebuild it here with \`npm run build:native\`.`,
    );
  }
  const addon: NativeAddon = {
    backend: raw.backend,
    platform: raw.platform,
    EsClient: wrapEsClient(raw.EsClient),
    probeClient: () => raw.probeClient(),
    log: (subsystem, category, level, message, options) => raw.log(subsystem, category, level, message, options),
    listProcesses: () => raw.listProcesses(),
    nowNs: () => raw.nowNs(),
    ...(raw.sim ? { sim: raw.sim } : {}),
  };
  cached = { path, addon };
  return addon;
}

export function tryLoadNativeAddon(): NativeAddon | null {
  try {
    return loadNativeAddon();
  } catch (error) {
    // A refused override is not "no addon": it must be seen, not degrade quietly to running without.
    if (error instanceof NativeAddonError && error.code !== 'E_ADDON_OVERRIDE') return null;
    throw error;
  }
}
