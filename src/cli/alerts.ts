import type { Command } from 'commander';
import { addDbOption, addFilterOptions } from './alerts/filter-options.js';
import { EXPORT_FORMATS, LIST_FORMATS, SHOW_FORMATS, STATS_FORMATS } from './alerts/formats.js';
import { choice, parseAlertId, parseDays, parseLimit, parseSize, parseTimeBound } from './alerts/options.js';

/**
 * `emondguard alerts …`: the administrators' view of the alert database. Each action imports its
 * implementation when it runs, so `alerts list` loads SQLite and nothing it does not use.
 */
export function registerAlertsCommand(program: Command): void {
  const alerts = program
    .command('alerts')
    .description('review, triage and export the alerts in the local database')
    .addHelpText('after', '\nReads open the database read-only and work while the agent writes.');

  addFilterOptions(alerts.command('list').description('list alerts, newest first'))
    .option('--limit <n>', 'show at most N alerts (0 for all)', parseLimit, 100)
    .option('--format <format>', `output: ${LIST_FORMATS.join(', ')}`, choice(LIST_FORMATS), 'table')
    .action(async (flags) => (await import('./alerts/list.js')).runList(flags));

  addDbOption(alerts.command('show').description('everything about one alert, with the rule\'s investigation guide'))
    .argument('<id>', 'alert id', parseAlertId)
    .option('--format <format>', `output: ${SHOW_FORMATS.join(', ')}`, choice(SHOW_FORMATS), 'text')
    .action(async (id: number, flags) => (await import('./alerts/show.js')).runShow(id, flags));

  for (const [name, status, verb] of [
    ['ack', 'acknowledged', 'acknowledge'],
    ['resolve', 'resolved', 'resolve'],
  ] as const) {
    addDbOption(alerts.command(name).description(`${verb} an alert, with an optional note`))
      .argument('<id>', 'alert id', parseAlertId)
      .option('--note <text>', 'why (kept with the alert)')
      .option('--by <name>', 'who (default: the user behind sudo, or the current user)')
      .action(async (id: number, flags) => (await import('./alerts/set-status.js')).runSetStatus(id, status, flags));
  }

  addFilterOptions(alerts.command('export').description('write the full ECS documents, oldest first, one per line'))
    .option('--format <format>', `output: ${EXPORT_FORMATS.join(', ')}`, choice(EXPORT_FORMATS), 'ecs-ndjson')
    .action(async (flags) => (await import('./alerts/export.js')).runExport(flags));

  addDbOption(alerts.command('stats').description('alerts per rule and day, merged and held-back (not notified) counts, drops'))
    .option('--since <time>', 'from: a duration before now or an ISO date/time (UTC)', (v) => parseTimeBound(v))
    .option('--until <time>', 'to: a duration before now or an ISO date/time (UTC)', (v) => parseTimeBound(v))
    .option('--format <format>', `output: ${STATS_FORMATS.join(', ')}`, choice(STATS_FORMATS), 'table')
    .action(async (flags) => (await import('./alerts/stats.js')).runStats(flags));

  addDbOption(alerts.command('prune').description('remove alerts past the retention or over the size cap, oldest first'))
    .option('--older-than <days>', 'retention: 90, 90d, 12w (default: the agent\'s retentionDays, 90 unless configured)', parseDays)
    .option('--max-size <size>', 'size cap: 500MB, 1GiB (default: the agent\'s maxDatabaseMB, 1 GiB unless configured)', parseSize)
    .action(async (flags) => (await import('./alerts/prune.js')).runPrune(flags));
}
