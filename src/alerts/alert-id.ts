import { randomUUID } from 'node:crypto';
import type { AlertDocument } from './alert-document.js';

/**
 * Every alert has one stable id, a random UUID given when it is raised: `kibana.alert.uuid` and
 * `event.id` in the document, `alerts.uuid` in the store. A SIEM that receives the same alert
 * twice (an NDJSON file re-read after rotation, a re-sent batch) deduplicates on it.
 */

/** The alert's id, set first if it has none (documents from tests, imports or old builds). */
export function ensureAlertId(document: AlertDocument): string {
  const existing = document.kibana?.alert?.uuid ?? document.event?.id;
  const id = typeof existing === 'string' && existing.length > 0 ? existing : randomUUID();
  setAlertId(document, id);
  return id;
}

export function setAlertId(document: AlertDocument, id: string): void {
  document.kibana = { alert: { uuid: id } };
  document.event.id = id;
}
