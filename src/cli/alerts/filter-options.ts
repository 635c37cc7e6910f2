import type { Command } from 'commander';
import type { Severity } from '../../rules/rule.js';
import type { AlertFilter } from '../../storage/alert-filter.js';
import type { AlertStatus } from '../../storage/alert-rows.js';
import { collectRules, collectSeverities, collectStatuses, parseTimeBound } from './options.js';

/** The selection options `list` and `export` share, as commander hands them over. */
export interface FilterFlags {
  db?: string;
  since?: number;
  until?: number;
  rule?: string[];
  severity?: Severity[];
  status?: AlertStatus[];
}

export function addDbOption(command: Command): Command {
  return command.option('--db <path>', 'alert database (default: $EMONDGUARD_DB, else the databasePath the agent is configured with)');
}

export function addFilterOptions(command: Command): Command {
  return addDbOption(command)
    .option('--since <time>', 'only alerts at or after: 24h, 7d… before now, or an ISO date/time (UTC)', (v) => parseTimeBound(v))
    .option('--until <time>', 'only alerts before: a duration before now or an ISO date/time (UTC)', (v) => parseTimeBound(v))
    .option('--rule <id|name>', 'only this rule (repeatable)', collectRules)
    .option('--severity <list>', 'only these severities: low, medium, high, critical (comma-separated)', collectSeverities)
    .option('--status <list>', 'only these statuses: open, acknowledged, resolved (comma-separated)', collectStatuses);
}

export function toFilter(flags: FilterFlags): AlertFilter {
  const filter: AlertFilter = {};
  if (flags.since !== undefined) filter.since = flags.since;
  if (flags.until !== undefined) filter.until = flags.until;
  if (flags.rule) filter.rules = flags.rule;
  if (flags.severity) filter.severities = flags.severity;
  if (flags.status) filter.statuses = flags.status;
  return filter;
}
