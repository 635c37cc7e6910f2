import type { AgentLog } from '../logging/agent-logger.js';
import { AlertStore } from '../storage/alert-store.js';
import { resolveDbPath } from '../storage/default-paths.js';
import type { Synchronous } from '../storage/open-database.js';
import { StoreError } from '../storage/store-errors.js';
import type { AlertDocument } from './alert-document.js';
import { createAlertFanOut, type AlertFanOut, type AlertRule, type SubmitResult } from './alert-fanout.js';
import type { AlertSink } from './sinks/alert-sink.js';
import type { ThrottleOptions } from './throttle.js';

/**
 * The one-call way for `scan --db`, `audit --record` and the demo to put alerts in the same store
 * the daemon uses, throttled the same way, so the same `emondguard alerts` commands review them.
 */

export interface AlertRecorderOptions {
  /** `--db` value; `EMONDGUARD_DB` or the platform default when absent (see resolveDbPath). */
  dbPath?: string;
  /** Throttling as the daemon does it (default), or false to store every alert. */
  throttle?: ThrottleOptions | false;
  /** Other sinks to feed after the store (the daemon's NDJSON file, for instance). */
  sinks?: readonly AlertSink[];
  /** Where store and sink failures are reported (the CLI passes a stderr logger). */
  log?: AgentLog;
  /** When a commit reaches the disk: `normal` (default) or `full` (see OpenDatabaseOptions). */
  synchronous?: Synchronous;
}

export interface RecordSummary {
  dbPath: string;
  /** Alerts stored as new rows (every alert that was not merged: held-back ones too). */
  kept: number;
  /** Identical alerts folded into a stored one. */
  merged: number;
  /** Alerts stored with their notification held back: their throttle key hit max_signals in a window. */
  heldBack: number;
  /** Row ids of the first and last alert stored, to point `alerts list`/`show` at them. */
  firstId: number | null;
  lastId: number | null;
  /** Where a corrupt database found at open was moved (a new one was started). */
  quarantinedTo: string | null;
}

export interface AlertRecorder {
  readonly dbPath: string;
  record(alert: AlertDocument, rule: AlertRule): SubmitResult;
  /** Commits everything, closes the store and the sinks. Throws if the store kept failing. */
  close(): Promise<RecordSummary>;
}

export function openAlertRecorder(options: AlertRecorderOptions = {}): AlertRecorder {
  const dbPath = resolveDbPath(options.dbPath);
  const store = AlertStore.open(dbPath, options.synchronous ? { synchronous: options.synchronous } : {});
  let firstId: number | null = null;
  let lastId: number | null = null;
  let fanOut: AlertFanOut;
  try {
    fanOut = createAlertFanOut({
      store,
      throttle: options.throttle ?? {},
      sinks: options.sinks ?? [],
      // A recorded trace is its author's: one commit per emond alert in it would only slow the scan.
      writer: { priorityCommits: false },
      ...(options.log ? { log: options.log } : {}),
      onCommitted: (alerts) => {
        for (const alert of alerts) {
          if (alert.id === null) continue;
          firstId ??= alert.id;
          lastId = alert.id;
        }
      },
    });
  } catch (error) {
    store.close();
    throw error;
  }
  return {
    dbPath,
    record: (alert, rule) => fanOut.submit(alert, rule),
    async close(): Promise<RecordSummary> {
      const complete = await fanOut.close();
      const { throttle, store: writes } = fanOut.stats();
      store.close();
      if (!complete && writes.pendingAlerts > 0) {
        throw new StoreError(
          'E_STORE_WRITE',
          `${writes.pendingAlerts} alert(s) could not be written to ${dbPath}; check free disk space and ` +
            'permissions, then run the scan again',
        );
      }
      return {
        dbPath,
        kept: throttle.kept,
        merged: throttle.merged,
        heldBack: throttle.heldBack,
        firstId,
        lastId,
        quarantinedTo: store.quarantined?.movedTo ?? null,
      };
    },
  };
}

/** Opens the store, records every alert with throttling, and closes it. */
export async function recordAlerts(
  alerts: Iterable<{ alert: AlertDocument; rule: AlertRule }> | AsyncIterable<{ alert: AlertDocument; rule: AlertRule }>,
  options: AlertRecorderOptions = {},
): Promise<RecordSummary> {
  const recorder = openAlertRecorder(options);
  try {
    for await (const { alert, rule } of alerts) recorder.record(alert, rule);
  } catch (error) {
    await recorder.close().catch(() => undefined);
    throw error;
  }
  return recorder.close();
}
