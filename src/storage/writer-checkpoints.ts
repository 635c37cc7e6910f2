import fs from 'node:fs';
import type Database from 'better-sqlite3';
import type { Synchronous } from './open-database.js';
import { WalCheckpointer } from './wal-checkpointer.js';

/**
 * Who checkpoints a writer's WAL, and when. Until enough alerts have gone in, SQLite does it in
 * the commit that crosses `wal_autocheckpoint` (a short scan or a CLI command never needs more);
 * then a WalCheckpointer thread takes over and the writer's own checkpoints are turned off. If
 * the thread fails, the writer checkpoints itself again and the failure is reported.
 */

export interface WriterCheckpointsOptions {
  file: string;
  synchronous: Synchronous;
  /** Alerts to commit before the thread starts: 0 at once, false never. */
  threadAfter: number | false;
  /** The thread stopped: report it (the writer already checkpoints itself again). */
  onThreadFailure: (reason: string) => void;
}

/** SQLite's default wal_autocheckpoint, restored if the checkpoint thread fails. */
const INLINE_CHECKPOINT_PAGES = 1000;


export class WriterCheckpoints {
  private readonly db: Database.Database;
  private readonly options: WriterCheckpointsOptions;
  /** Alerts still to commit before the thread starts; undefined once it has (or never will). */
  private alertsBeforeThread: number | undefined;
  private thread: WalCheckpointer | undefined;
  /** The writer's own automatic checkpoints are off (the thread runs them). */
  private inlineOff = false;
  /** WAL bytes past which the writer catches the database up itself (see catchUp). */
  private catchUpBytes = Number.POSITIVE_INFINITY;

  constructor(db: Database.Database, options: WriterCheckpointsOptions) {
    this.db = db;
    this.options = options;
    this.alertsBeforeThread = options.threadAfter === false ? undefined : options.threadAfter;
    if (this.alertsBeforeThread === 0) this.startThread();
  }

  /**
   * After each commit: announces it to the thread, starts the thread once enough alerts went in,
   * and follows its state.
   */
  committed(alerts: number): void {
    if (!this.thread) {
      if (this.alertsBeforeThread === undefined || alerts === 0) return;
      this.alertsBeforeThread -= alerts;
      if (this.alertsBeforeThread > 0) return;
      this.startThread();
    }
    const thread = this.thread as WalCheckpointer;
    thread.committed();
    const state = thread.state();
    if (state === 'running' && !this.inlineOff) {
      this.db.pragma('wal_autocheckpoint = 0');
      this.inlineOff = true;
    } else if (state === 'running' && walBytes(this.options.file) > this.catchUpBytes) {
      this.catchUp();
    } else if (state === 'failed' || state === 'stopped') {
      this.thread = undefined;
      this.db.pragma(`wal_autocheckpoint = ${INLINE_CHECKPOINT_PAGES}`);
      this.inlineOff = false;
      this.options.onThreadFailure(thread.failureReason());
    }
  }

  /** Before the writer closes, so its close is the last connection's and folds the WAL in. */
  stop(): void {
    this.thread?.stop();
    this.thread = undefined;
    this.alertsBeforeThread = undefined;
  }

  /**
   * Under a steady flood the thread's passes never find the WAL fully copied, because the writer
   * keeps appending, so the WAL never starts over and grows with the flood. Past the journal size
   * limit the writer checkpoints once itself, between two of its transactions: only the frames
   * since the thread's last pass are left to copy, and its next transaction starts the WAL from
   * the beginning (SQLite cuts the file back to the limit). If the thread is mid-pass the
   * checkpoint returns at once, and the next commit tries again. Each catch-up costs the writer a
   * disk flush (tens of ms on a busy disk): measured at 10,000 alerts/s, letting the WAL grow to
   * four times the limit before catching up made that flush several times longer, not rarer in
   * effect, so the limit itself is the trigger.
   */
  private catchUp(): void {
    this.db.pragma('wal_checkpoint(PASSIVE)');
  }

  private startThread(): void {
    this.alertsBeforeThread = undefined;
    this.catchUpBytes = this.db.pragma('journal_size_limit', { simple: true }) as number;
    this.thread = new WalCheckpointer({ file: this.options.file, synchronous: this.options.synchronous });
  }
}

/** The WAL file's size: what SQLite wrote since it last started the WAL over (the file is not cut back before). */
function walBytes(file: string): number {
  try {
    return fs.statSync(`${file}-wal`).size;
  } catch {
    return 0;
  }
}
