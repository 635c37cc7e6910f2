export interface MacosVersion {
  major: number;
  minor: number;
  patch: number;
  text: string;
}

/** "14.5" → {14, 5, 0}; `undefined` for anything that is not a version. */
export function parseMacosVersion(text: string): MacosVersion | undefined {
  const match = /^(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(text.trim());
  if (!match) return undefined;
  return { major: Number(match[1]), minor: Number(match[2] ?? 0), patch: Number(match[3] ?? 0), text: text.trim() };
}

export function atLeast(version: MacosVersion, major: number, minor = 0): boolean {
  return version.major > major || (version.major === major && version.minor >= minor);
}

/** Endpoint Security arrived in 10.15 Catalina (also Node 20's floor). */
export const ES_MINIMUM = { major: 10, minor: 15 } as const;
/** eslogger arrived, and emond left, in macOS 13 Ventura. */
export const VENTURA = 13;
