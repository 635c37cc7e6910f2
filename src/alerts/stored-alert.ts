import type { AlertDocument } from './alert-document.js';

/**
 * An alert on its way to the sinks after the store. `id` is its row id in the alert store; it is
 * null only for an alert the store could not take (the database failing for so long that the
 * writer's backlog overflowed) — sent on anyway so it is not lost everywhere.
 */
export interface StoredAlert {
  id: number | null;
  document: AlertDocument;
  /**
   * False when the throttle held its notification back (its key was over max_signals): the store
   * has it, the notification sinks (unified log, NDJSON) do not get it. Absent means true.
   */
  notify?: boolean;
  /**
   * True for an alert whose parent is a trusted emond path (emondPaths): it goes ahead of every
   * other alert in the sinks' queues, and their overflow never sheds it while others remain.
   */
  priority?: boolean;
}
