import type { ExportFormat } from './formats.js';
import { toFilter, type FilterFlags } from './filter-options.js';
import { openStoreForReading, withStore } from './open-store.js';
import { Output } from './output.js';


export interface ExportFlags extends FilterFlags {
  format: ExportFormat;
}

/** Streams the full ECS documents, oldest first, for a SIEM or another tool to ingest. */
export async function runExport(flags: ExportFlags): Promise<void> {
  const output = new Output();
  await withStore(openStoreForReading(flags.db), async (store) => {
    let chunk = '';
    for (const { document } of store.documents({ ...toFilter(flags), order: 'oldest' })) {
      chunk += `${JSON.stringify(document)}\n`;
      if (chunk.length >= 64 * 1024) {
        await output.write(chunk);
        chunk = '';
        if (output.gone) return;
      }
    }
    await output.write(chunk);
  });
}
