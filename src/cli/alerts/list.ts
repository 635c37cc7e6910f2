import type { AlertFilter } from '../../storage/alert-filter.js';
import { formatAlerts } from './alert-formats.js';
import type { ListFormat } from './formats.js';
import { toFilter, type FilterFlags } from './filter-options.js';
import { openStoreForReading, withStore } from './open-store.js';
import { Output } from './output.js';
import { terminalStyle, wrap } from './terminal.js';

export interface ListFlags extends FilterFlags {
  limit: number;
  format: ListFormat;
}

export const DEFAULT_LIST_LIMIT = 100;

export async function runList(flags: ListFlags): Promise<void> {
  const output = new Output();
  await withStore(openStoreForReading(flags.db), async (store) => {
    const filter: AlertFilter = { ...toFilter(flags), order: 'newest' };
    if (flags.limit > 0) filter.limit = flags.limit;
    const alerts = store.list(filter);
    const terminal = terminalStyle();
    if (flags.format !== 'table') return output.write(formatAlerts(alerts, flags.format, terminal));
    if (alerts.length === 0) return output.write('No alerts match.\n');
    await output.write(formatAlerts(alerts, 'table', terminal));
    if (filter.limit !== undefined && alerts.length === filter.limit) {
      const total = store.count(filter);
      if (total > alerts.length) {
        const note = `Showing the newest ${alerts.length} of ${total} matching alerts; --limit N (0 for all) shows more.`;
        await output.write(`${wrap(note, terminal.width)}\n`);
      }
    }
  });
}
