import { realpathSync } from 'node:fs';
import path from 'node:path';

/**
 * emond-only mode hands `emondPaths` to Endpoint Security, which compares them with the executable
 * path of each process, and that path is always the real one: a process started as `/tmp/emond`
 * runs as `/private/tmp/emond`. A path given as configured would match nothing, and the agent would
 * run healthy and blind. So paths are resolved (symlinks, `..`) when the source opens.
 */
export interface ResolvedEmondPaths {
  /**
   * Real paths, in the configured order, each once. A path with nothing there yet is kept, with
   * its existing ancestor resolved (`/tmp/emond` → `/private/tmp/emond`): a binary that appears
   * there later is watched from then on.
   */
  watched: string[];
  /** Configured paths with nothing there (or a component unreadable). */
  missing: string[];
  /** Configured paths whose real path differs. */
  renamed: Array<{ configured: string; real: string }>;
}

export function resolveEmondPaths(paths: readonly string[], realpath: (path: string) => string = realpathSync.native): ResolvedEmondPaths {
  const watched: string[] = [];
  const missing: string[] = [];
  const renamed: ResolvedEmondPaths['renamed'] = [];
  for (const configured of paths) {
    let real: string;
    try {
      real = realpath(configured);
    } catch {
      missing.push(configured);
      real = resolveAncestor(configured, realpath);
    }
    if (real !== configured) renamed.push({ configured, real });
    if (!watched.includes(real)) watched.push(real);
  }
  return { watched, missing, renamed };
}

/** The real path of the deepest ancestor that resolves, with the rest of `configured` appended. */
function resolveAncestor(configured: string, realpath: (path: string) => string): string {
  const rest: string[] = [];
  let dir = path.resolve(configured);
  while (dir !== path.dirname(dir)) {
    rest.unshift(path.basename(dir));
    dir = path.dirname(dir);
    try {
      return path.join(realpath(dir), ...rest);
    } catch {
      // not there either: one level up
    }
  }
  return path.resolve(configured);
}

/** What `doctor` and `config check` say about emondPaths: one warning per path that does not exist. */
export function emondPathWarnings(
  config: { esMode: string; emondPaths: readonly string[] },
  realpath: (path: string) => string = realpathSync.native,
): string[] {
  if (config.esMode !== 'emond-only') return [];
  const { missing } = resolveEmondPaths(config.emondPaths, realpath);
  const none = missing.length === config.emondPaths.length;
  return missing.map(
    (missingPath) =>
      `emondPaths: ${missingPath} does not exist, so emond-only mode watches nothing there until it does` +
      (none ? ' (and no listed path exists: the agent would refuse to start)' : '') +
      '; list the emond binaries present on this Mac, or use esMode "full"',
  );
}
