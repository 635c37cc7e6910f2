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
    const alert = store.setStatus(id, status, { by: flags.by ?? operator(), ...(flags.note ? { note: flags.note } : {}) });
    process.stdout.write(`Alert ${alert.id} ${alert.status} by ${alert.status_by ?? '?'}${alert.status_note ? `: ${alert.status_note}` : ''}\n`);
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
