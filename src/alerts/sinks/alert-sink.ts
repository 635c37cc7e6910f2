import type { StoredAlert } from '../stored-alert.js';

/**
 * Somewhere alerts go after the store: the unified log, the ECS NDJSON file, stdout… A sink
 * throws (or rejects) when it cannot take a batch; the delivery around it keeps the batch and
 * retries, so a sink never needs its own retry logic.
 */
export interface AlertSink {
  readonly name: string;
  write(alerts: readonly StoredAlert[]): void | Promise<void>;
  close?(): void | Promise<void>;
}
