import { realpathSync } from 'node:fs';
import { APP_EXECUTABLE } from './install-layout.js';

/**
 * Whether this process is the installed bundle's `node`: the binary that carries the Endpoint
 * Security entitlement and Full Disk Access. Whatever it loads runs with both, so it loads only
 * what the bundle ships: no addon override, no NODE_* knobs (src/cli/entry-guard.ts, src/native/addon.ts). Any
 * other node — a developer's, CI's, the test suite's — is an ordinary program and may be pointed
 * anywhere. Compared by real path, so a symlink to the bundle's binary counts as the bundle.
 */
export function isInstalledBundleExecutable(execPath: string = process.execPath, bundleExecutable: string = APP_EXECUTABLE): boolean {
  return realOrSame(execPath) === realOrSame(bundleExecutable);
}

function realOrSame(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return file;
  }
}
