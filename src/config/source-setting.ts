/**
 * Where the agent's events come from. Its own module so `emondguard run`'s help can list the kinds
 * without loading the whole configuration schema at every command's start.
 */
export const SOURCE_KINDS = ['auto', 'endpoint-security', 'eslogger', 'simulator'] as const;
export type SourceSetting = (typeof SOURCE_KINDS)[number] | `file:${string}`;
