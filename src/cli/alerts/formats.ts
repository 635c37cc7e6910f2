/**
 * The output formats of each `alerts` subcommand. Kept apart from the renderers so registering
 * the commands (on every CLI start) loads neither SQLite nor the formatting code.
 */
export const LIST_FORMATS = ['table', 'json', 'ndjson', 'csv'] as const;
export type ListFormat = (typeof LIST_FORMATS)[number];

export const SHOW_FORMATS = ['text', 'json'] as const;
export type ShowFormat = (typeof SHOW_FORMATS)[number];

export const STATS_FORMATS = ['table', 'json'] as const;
export type StatsFormat = (typeof STATS_FORMATS)[number];

export const EXPORT_FORMATS = ['ecs-ndjson'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
