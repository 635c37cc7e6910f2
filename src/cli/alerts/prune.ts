import { sizeCapOutOfReach, type RetentionPolicy } from '../../storage/retention.js';
import { agentRetention } from '../agent-settings.js';
import { openStoreForWriting, withStore } from './open-store.js';
import { formatBytes } from './stats.js';

export interface PruneFlags {
  db?: string;
  olderThan?: number;
  maxSize?: number;
}

/**
 * Applies retention now (the agent also does it on its own schedule), oldest first. Without
 * limits on the command line, the agent's own (`retentionDays`, `maxDatabaseMB`): a fleet that
 * keeps a year must not lose nine months to a bare `alerts prune`.
 */
export async function runPrune(flags: PruneFlags): Promise<void> {
  const configured = flags.olderThan === undefined || flags.maxSize === undefined ? await agentRetention() : undefined;
  const policy: RetentionPolicy = {
    maxAgeDays: flags.olderThan ?? configured?.maxAgeDays,
    maxBytes: flags.maxSize ?? configured?.maxBytes,
  };
  await withStore(openStoreForWriting(flags.db), (store) => {
    const result = store.prune(policy);
    process.stdout.write(
      `Pruned ${result.removedByAge} alert(s) older than ${policy.maxAgeDays} day(s) and ${result.removedBySize} ` +
        `over the ${formatBytes(policy.maxBytes as number)} cap (${result.removedOther} old summaries and agent events); ` +
        `data ${formatBytes(result.bytesBefore)} → ${formatBytes(result.bytesAfter)}.\n`,
    );
    if (sizeCapOutOfReach(result, policy)) {
      process.stderr.write(
        `emondguard: the data still takes ${formatBytes(result.bytesAfter)}, over the ${formatBytes(policy.maxBytes as number)} cap, ` +
          `with every alert gone: what is left (the schema, suppression summaries, agent events) only ages out. ` +
          `${flags.maxSize === undefined ? 'Raise maxDatabaseMB in the configuration' : 'Give a larger --max-size'}.\n`,
      );
    }
  });
}
