import { AlertStore } from '../../storage/alert-store.js';
import { resolveDbPath } from '../../storage/default-paths.js';

/** Reads open the database read-only, so they never block or change what the agent writes. */
export function openStoreForReading(db: string | undefined): AlertStore {
  return AlertStore.open(resolveDbPath(db), { readonly: true });
}

/**
 * ack/resolve/prune write, but only to a database that exists, and without the full integrity
 * check the agent runs at start (minutes on a large file is not what an administrator expects).
 */
export function openStoreForWriting(db: string | undefined): AlertStore {
  return AlertStore.open(resolveDbPath(db), { create: false, integrityCheck: 'none' });
}

export async function withStore<T>(store: AlertStore, work: (store: AlertStore) => T | Promise<T>): Promise<T> {
  try {
    return await work(store);
  } finally {
    store.close();
  }
}
