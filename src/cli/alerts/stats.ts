import type { SuppressionSummary } from '../../storage/alert-store.js';
import type { RuleDayStats, StoreStats } from '../../storage/store-stats.js';
import { shortTime } from './alert-formats.js';
import type { StatsFormat } from './formats.js';
import { openStoreForReading, withStore } from './open-store.js';
import { Output } from './output.js';
import { renderTable, type Column } from './table.js';
import { paint, terminalStyle, wrap, type TerminalStyle } from './terminal.js';


export interface StatsFlags {
  db?: string;
  since?: number;
  until?: number;
  format: StatsFormat;
}

/** Throttled windows listed in the table view (all of them are in the JSON). */
const WINDOWS_SHOWN = 10;

export async function runStats(flags: StatsFlags): Promise<void> {
  const output = new Output();
  await withStore(openStoreForReading(flags.db), async (store) => {
    const range = { ...(flags.since !== undefined ? { since: flags.since } : {}), ...(flags.until !== undefined ? { until: flags.until } : {}) };
    const stats = store.stats(range);
    const windows = store.suppressions({ since: flags.since ?? 0 }).filter(
      (w) => flags.until === undefined || Date.parse(w.window_start) < (flags.until as number),
    );
    await output.write(
      flags.format === 'json' ? `${JSON.stringify({ ...stats, windows }, null, 2)}\n` : renderStats(stats, windows, terminalStyle()),
    );
  });
}

const count = (get: (r: RuleDayStats) => number, header: string): Column<RuleDayStats> => ({
  header,
  value: (r) => String(get(r)),
  align: 'right',
});

export function renderStats(stats: StoreStats, windows: readonly SuppressionSummary[], terminal: TerminalStyle): string {
  const bold = (text: string): string => paint(text, 'bold', terminal.color);
  const prose = (text: string): string => `${wrap(text, terminal.width)}\n`;
  const parts: string[] = [];
  parts.push(bold('Alerts by rule and day (UTC)'));
  if (stats.byRuleAndDay.length === 0) {
    parts.push('  none\n');
  } else {
    parts.push(
      renderTable(
        stats.byRuleAndDay,
        [
          { header: 'DAY', value: (r) => r.day, width: 10 },
          { header: 'RULE', value: (r) => r.rule_name, flex: 1, min: 12 },
          count((r) => r.alerts, 'ALERTS'),
          count((r) => r.open, 'OPEN'),
          count((r) => r.acknowledged, 'ACKED'),
          count((r) => r.resolved, 'RESOLVED'),
          count((r) => r.merged, 'MERGED'),
          count((r) => r.suppressed, 'HELD BACK'),
        ],
        terminal.width,
        terminal.color,
      ),
    );
  }
  const t = stats.totals;
  parts.push(
    prose(
      `Total: ${t.alerts} alerts (${t.open} open, ${t.acknowledged} acknowledged, ${t.resolved} resolved); ` +
        `${t.merged} merged into them; ${t.suppressed} stored but not notified (over max_signals for their parent and program).`,
    ),
  );
  if (windows.length > 0) {
    parts.push(bold(`Throttled windows (latest ${Math.min(WINDOWS_SHOWN, windows.length)} of ${windows.length})`));
    parts.push(
      renderTable(
        windows.slice(0, WINDOWS_SHOWN),
        [
          { header: 'WINDOW START (UTC)', value: (w) => shortTime(w.window_start), width: 19 },
          { header: 'RULE', value: (w) => w.rule_name, flex: 1, min: 12 },
          { header: 'NOTIFIED', value: (w) => String(w.emitted), align: 'right' },
          { header: 'MERGED', value: (w) => String(w.merged), align: 'right' },
          { header: 'HELD BACK', value: (w) => String(w.suppressed), align: 'right' },
        ],
        terminal.width,
        terminal.color,
      ),
    );
  }
  const drops = stats.drops.filter((d) => d.count > 0);
  parts.push(
    prose(
      drops.length === 0
        ? 'Dropped events: none recorded.'
        : `Dropped events: ${drops.map((d) => `${d.day} ${d.count}`).join(', ')} (the agent missed these; see its log).`,
    ),
  );
  const kinds = Object.entries(stats.agentEvents);
  if (kinds.length > 0) parts.push(prose(`Agent events: ${kinds.map(([k, n]) => `${k} ${n}`).join(', ')}.`));
  const span = stats.oldest && stats.newest ? `, alerts from ${shortTime(stats.oldest)} to ${shortTime(stats.newest)} UTC` : '';
  parts.push(prose(`Database: ${formatBytes(stats.sizeBytes)}${span}.`));
  return parts.join('\n');
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}
