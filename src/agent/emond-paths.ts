import { realpathSync } from 'node:fs';

/**
 * emond-only mode hands `emondPaths` to Endpoint Security, which compares them with the executable
 * path of each process, and that path is always the real one: a process started as `/tmp/emond`
 * runs as `/private/tmp/emond`. A path given as configured would match nothing, and the agent would
 * run healthy and blind. So paths are resolved (symlinks, `..`) when the source opens.
 */
export interface ResolvedEmondPaths {
  /** Real paths, in the configured order, each once. */
  watched: string[];
  /** Configured paths that do not resolve (nothing there, or a component unreadable). */
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
      continue;
    }
    if (real !== configured) renamed.push({ configured, real });
    if (!watched.includes(real)) watched.push(real);
  }
  return { watched, missing, renamed };
}

/** What `doctor` and `config check` say about emondPaths: one warning per path that does not exist. */
export function emondPathWarnings(
  config: { esMode: string; emondPaths: readonly string[] },
  realpath: (path: string) => string = realpathSync.native,
): string[] {
  if (config.esMode !== 'emond-only') return [];
  const { missing, watched } = resolveEmondPaths(config.emondPaths, realpath);
  return missing.map(
    (path) =>
      `emondPaths: ${path} does not exist, so emond-only mode cannot watch it` +
      (watched.length === 0 ? ' (and no listed path exists: the agent would refuse to start)' : '') +
      '; list the emond binaries present on this Mac, or use esMode "full"',
  );
}
