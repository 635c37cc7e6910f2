/**
 * What the agent records about itself next to the alerts, so an administrator can tell "nothing
 * happened" from "the agent was down" or "events were dropped": starts, stops, kernel and queue
 * drops, quarantined databases, pruning, sink failures.
 */
export type AgentEventKind =
  | 'start'
  | 'stop'
  | 'drops'
  | 'quarantine'
  | 'prune'
  | 'sink_failure'
  | 'sink_recovered'
  | 'store_failure'
  | (string & {});

export interface AgentEventInput {
  kind: AgentEventKind;
  message: string;
  /** The number the event is about (events dropped, rows pruned…); summed by `alerts stats`. */
  count?: number;
  detail?: Record<string, unknown>;
  /** ms since the epoch; the store's clock when absent. */
  time?: number;
}

export interface AgentEvent {
  id: number;
  time: string;
  kind: AgentEventKind;
  message: string;
  count: number | null;
  detail: Record<string, unknown> | null;
}

export interface AgentEventRow {
  id: number;
  time: number;
  kind: string;
  message: string;
  count: number | null;
  detail: string | null;
}

export function toAgentEvent(row: AgentEventRow): AgentEvent {
  let detail: Record<string, unknown> | null = null;
  if (row.detail !== null) {
    try {
      detail = JSON.parse(row.detail) as Record<string, unknown>;
    } catch {
      detail = { unparsed: row.detail };
    }
  }
  return { id: row.id, time: new Date(row.time).toISOString(), kind: row.kind, message: row.message, count: row.count, detail };
}
