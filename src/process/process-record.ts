/**
 * What the process tree remembers about one live (or just-exited) process: enough to name it as
 * somebody's parent. One record per pid; a new program in the pid replaces it.
 */
export interface ProcessRecord {
  pid: number;
  /** Unknown for sources without audit tokens (ECS documents, snapshots from old systems). */
  pidversion: number | undefined;
  executable: string;
  name: string;
  entityId: string;
  start: string | undefined;
  ppid: number | undefined;
  /**
   * How the current image got into the pid: copied by a `fork` (so it is the parent's image),
   * loaded by an `exec`, found in the start-up `snapshot`, or seen as the `forker` of a fork
   * (current image known, history not). Only a fork copy may stand in for an unseen parent.
   */
  image: 'fork' | 'exec' | 'snapshot' | 'forker';
  /** The tree's event tick at the process's exit; undefined while it runs. */
  exitedAt: number | undefined;
  /** The image's code-signing identity, when the event that recorded it carried one. */
  signingId?: string | undefined;
  teamId?: string | undefined;
  /** The tick at which the record last moved to the most-recent end (see ProcessTree.touch). */
  touchedAt: number;
}

/** One entry of the native addon's process list at start-up (`proc_listpids` + `proc_pidpath`). */
export interface SnapshotProcess {
  pid: number;
  ppid: number;
  pidversion?: number;
  executable: string;
  /** ISO 8601 with microseconds, as `process.start` of events; part of the entity id. */
  start?: string;
}
