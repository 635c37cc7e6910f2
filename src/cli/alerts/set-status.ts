import os from 'node:os';
import type { AlertStatus } from '../../storage/alert-rows.js';
import { openStoreForWriting, withStore } from './open-store.js';

export interface StatusFlags {
  db?: string;
  note?: string;
  by?: string;
}

/** ack/resolve: the only CLI writes besides prune; recorded with who, when and an optional note. */
export async function runSetStatus(id: number, status: AlertStatus, flags: StatusFlags): Promise<void> {
  await withStore(openStoreForWriting(flags.db), (store) => {
    const before = store.get(id);
    const alert = store.setStatus(id, status, { by: flags.by ?? operator(), ...(flags.note ? { note: flags.note } : {}) });
    process.stdout.write(`Alert ${alert.id} ${alert.status} by ${alert.status_by ?? '?'}${alert.status_note ? `: ${alert.status_note}` : ''}\n`);
    // Moving a resolved alert back (ack) is allowed, to reopen it; say so, it is easy to do by mistake.
    if (before?.status === 'resolved' && status !== 'resolved') {
      process.stdout.write(`It had been resolved by ${before.status_by ?? '?'} at ${before.status_at ?? '?'}; it is open for investigation again.\n`);
    }
  });
}

/** The administrator behind `sudo`, not "root", when there is one. */
function operator(): string {
  const sudoUser = process.env.SUDO_USER;
  if (sudoUser) return sudoUser;
  try {
    return os.userInfo().username;
  } catch {
    return `uid ${process.getuid?.() ?? '?'}`;
  }
}
