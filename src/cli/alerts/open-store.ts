import type { AlertReader } from '../../storage/alert-reader.js';
import type { AlertStore } from '../../storage/alert-store.js';
import { agentDatabasePath } from '../agent-settings.js';

/**
 * Reads open the database read-only, so they never block or change what the agent writes, and
 * load only the reading half of the store.
 */
export async function openStoreForReading(db: string | undefined): Promise<AlertReader> {
  const { AlertReader } = await import('../../storage/alert-reader.js');
  return AlertReader.open(await agentDatabasePath(db));
}

/**
 * ack/resolve/prune write, but only to a database that exists, and without the full integrity
 * check the agent runs at start (minutes on a large file is not what an administrator expects).
 * Their few commits wait for the disk: no checkpoint thread of theirs will flush them later.
 */
export async function openStoreForWriting(db: string | undefined): Promise<AlertStore> {
  const { AlertStore } = await import('../../storage/alert-store.js');
  return AlertStore.open(await agentDatabasePath(db), { create: false, integrityCheck: 'none', synchronous: 'full' });
}

export async function withStore<S extends AlertReader, T>(opening: Promise<S>, work: (store: S) => T | Promise<T>): Promise<T> {
  const store = await opening;
  try {
    return await work(store);
  } finally {
    store.close();
  }
}
