import type { StoredAlert } from '../stored-alert.js';

/**
 * Somewhere alerts go after the store: the unified log, the ECS NDJSON file, stdout… A sink
 * throws (or rejects) when it cannot take a batch; the delivery around it keeps the batch and
 * retries, so a sink never needs its own retry logic.
 */
export interface AlertSink {
  readonly name: string;
  write(alerts: readonly StoredAlert[]): void | Promise<void>;
  /**
   * The agent's own documents (started, heartbeat, drops…), written straight through — never
   * queued behind alerts, never throttled. Sinks without it (stdout in `scan`) do not take them.
   * Synchronous, so a heartbeat is on disk before the next event is handled; throws when it cannot.
   */
  writeDocuments?(documents: readonly AgentDocument[]): void;
  close?(): void | Promise<void>;
}

/** The lifecycle actions an agent document carries in `event.action` (docs/EVENTS.md). */
export type AgentAction = 'agent-started' | 'agent-stopped' | 'heartbeat' | 'events-dropped' | 'rules-reloaded' | 'unclean-shutdown';

/** An ECS document about the agent itself, not about a process: `event.dataset` is `emondguard.agent`. */
export interface AgentDocument {
  '@timestamp': string;
  message: string;
  event: { kind: 'event' | 'metric'; dataset: 'emondguard.agent'; module: 'emondguard'; action: AgentAction; severity?: number };
  agent: { name: string; type: 'emondguard'; version: string; id: string };
  host: { name: string; hostname: string; os: { type: string } };
  /** What the action reports (counters, reasons, times); its fields per action are listed in docs/EVENTS.md. */
  emondguard: Record<string, unknown>;
}
