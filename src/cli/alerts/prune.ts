import { DEFAULT_RETENTION, type RetentionPolicy } from '../../storage/retention.js';
import { openStoreForWriting, withStore } from './open-store.js';
import { formatBytes } from './stats.js';

export interface PruneFlags {
  db?: string;
  olderThan?: number;
  maxSize?: number;
}

/** Applies retention now (the agent also does it on its own schedule), oldest first. */
export async function runPrune(flags: PruneFlags): Promise<void> {
  const policy: RetentionPolicy = {
    maxAgeDays: flags.olderThan ?? DEFAULT_RETENTION.maxAgeDays,
    maxBytes: flags.maxSize ?? DEFAULT_RETENTION.maxBytes,
  };
  await withStore(openStoreForWriting(flags.db), (store) => {
    const result = store.prune(policy);
    process.stdout.write(
      `Pruned ${result.removedByAge} alert(s) older than ${policy.maxAgeDays} day(s) and ${result.removedBySize} ` +
        `over the ${formatBytes(policy.maxBytes as number)} cap (${result.removedOther} old summaries and agent events); ` +
        `data ${formatBytes(result.bytesBefore)} → ${formatBytes(result.bytesAfter)}.\n`,
    );
  });
}
