import { entityId, processName, type ExecEvent, type ParentProcess } from '../events/exec-event.js';
import { OwnedStrings } from './owned-strings.js';
import type { ProcessRecord, SnapshotProcess } from './process-record.js';

export interface ProcessTreeOptions {
  /** Most records kept; beyond it the least recently used goes (a hard memory bound). */
  capacity?: number;
  /**
   * Events an exited process stays findable for, and then only by an exact pidversion match.
   * ES delivers a client's messages in order, so a child's exec normally precedes its parent's
   * exit; the grace covers sources that interleave (merged traces) without ever letting a reused
   * pid inherit the old name.
   */
  exitGraceEvents?: number;
}

export interface ProcessTreeCounters {
  /** Parents named from a tree record (pidversion-checked where the event has one). */
  resolvedFromTree: number;
  /** Parents the source named itself (fork's forker, ECS documents, the native addon). */
  resolvedBySource: number;
  /** Parents taken from the pre-exec image of a fresh fork because the parent was never seen. */
  inferred: number;
  unknown: number;
  /** Lookups that found the pid held by another execution (pid reuse or a missed exec). */
  pidversionMismatches: number;
  evictedExited: number;
  evictedForCapacity: number;
  seeded: number;
}

export const DEFAULT_TREE_CAPACITY = 65_536;
export const DEFAULT_EXIT_GRACE_EVENTS = 1_024;

/**
 * The process tree of DESIGN §4: fed by fork/exec/exit events (and a start-up snapshot), it fills
 * `process.parent.{name,executable,entity_id,start}` of each event and records how in
 * `es.parent_resolution`.
 *
 * The parent of an exec is the target's ppid / parent audit token, not the pre-exec image: when
 * emond runs `sh -c "curl …"` and sh execs curl in place, curl's parent is still emond.
 */
export class ProcessTree {
  private readonly records = new Map<number, ProcessRecord>();
  /** Exits in tick order, so expiry only looks at the head. */
  private readonly exits: Array<{ pid: number; tick: number }> = [];
  private exitsHead = 0;
  private tick = 0;
  private readonly capacity: number;
  private readonly exitGrace: number;
  /** Records outlive the events they came from: they hold their own copies of the strings. */
  private readonly strings = new OwnedStrings();
  readonly counters: ProcessTreeCounters = {
    resolvedFromTree: 0,
    resolvedBySource: 0,
    inferred: 0,
    unknown: 0,
    pidversionMismatches: 0,
    evictedExited: 0,
    evictedForCapacity: 0,
    seeded: 0,
  };

  constructor(options: ProcessTreeOptions = {}) {
    this.capacity = options.capacity ?? DEFAULT_TREE_CAPACITY;
    this.exitGrace = options.exitGraceEvents ?? DEFAULT_EXIT_GRACE_EVENTS;
    if (!Number.isSafeInteger(this.capacity) || this.capacity < 1) {
      throw new RangeError(`process tree capacity must be a positive integer, got ${this.capacity}`);
    }
    if (!Number.isSafeInteger(this.exitGrace) || this.exitGrace < 0) {
      throw new RangeError(`process tree exit grace must be a non-negative integer, got ${this.exitGrace}`);
    }
  }

  /** Live records (including exited ones still in their grace). */
  get size(): number {
    return this.records.size;
  }

  /** The record a pid currently has, for diagnostics and tests. */
  get(pid: number): Readonly<ProcessRecord> | undefined {
    return this.records.get(pid);
  }

  /** Loads the processes running at start-up, so their children resolve from the first event. */
  seed(snapshot: readonly SnapshotProcess[]): void {
    for (const entry of snapshot) {
      this.store({
        pid: entry.pid,
        pidversion: entry.pidversion,
        executable: entry.executable,
        name: processName(entry.executable),
        entityId: entityId(entry.pid, entry.pidversion, entry.start),
        start: entry.start,
        ppid: entry.ppid,
        image: 'snapshot',
        exitedAt: undefined,
        touchedAt: this.tick,
      });
      this.counters.seeded++;
    }
  }

  /** Resolves the event's parent in place, then learns what the event says about its process. */
  observe(event: ExecEvent): void {
    this.tick++;
    this.expireExited();
    this.resolveParent(event);
    this.learn(event);
  }

  private resolveParent(event: ExecEvent): void {
    const parent = event.process.parent;
    if (parent.name !== undefined || event.es.parent_resolution === 'source') {
      event.es.parent_resolution = 'source';
      this.counters.resolvedBySource++;
      // The source named the parent; the tree still knows its identity (entity id, start), so
      // alerts join to the parent's own events whichever source produced them.
      if (parent.entity_id === undefined) {
        const record = this.findParent(parent.pid, event.es.parent_pidversion);
        if (record !== undefined && (parent.executable === undefined || parent.executable === record.executable)) {
          parent.entity_id = record.entityId;
          if (parent.start === undefined && record.start !== undefined) parent.start = record.start;
          if (parent.code_signature === undefined) fillSignature(parent, record);
        }
      }
      return;
    }
    const record = this.findParent(parent.pid, event.es.parent_pidversion);
    if (record !== undefined) {
      fillParent(parent, record);
      event.es.parent_resolution = 'tree';
      this.counters.resolvedFromTree++;
      return;
    }
    const image = event.es.image_before_exec;
    if (event.event.action === 'exec' && image !== undefined && this.isFreshForkImage(event)) {
      parent.name = processName(image.executable);
      parent.executable = image.executable;
      event.es.parent_resolution = 'inferred';
      this.counters.inferred++;
      return;
    }
    event.es.parent_resolution = 'unknown';
    this.counters.unknown++;
  }

  /**
   * The record that really is process `pid` at the event's time. With a pidversion (ES message
   * version ≥ 4) identity is exact, even for a process that exited a moment ago; without one, an
   * exited record is never used, because its pid may already belong to another program.
   */
  private findParent(pid: number, pidversion: number | undefined): ProcessRecord | undefined {
    const record = this.records.get(pid);
    if (record === undefined) return undefined;
    if (pidversion !== undefined && record.pidversion !== undefined) {
      if (record.pidversion !== pidversion) {
        this.counters.pidversionMismatches++;
        return undefined;
      }
    } else if (record.exitedAt !== undefined) {
      return undefined;
    }
    this.touch(record);
    return record;
  }

  /**
   * Whether the pre-exec image of an exec whose parent is unknown is a copy of that parent's
   * image, i.e. the process was forked by its parent and has not exec'd since:
   * - not reparented (original_ppid == ppid), otherwise the copy came from the dead original parent;
   * - and either the tree saw the fork that made this image, or it has never seen this process
   *   at all (a trace that starts mid-flight: fork-then-exec is how processes start, so the
   *   first exec is by far the likeliest — hence `inferred`, not `tree`).
   * An image the tree saw being exec'd or found in the snapshot is not a fork copy.
   */
  private isFreshForkImage(event: ExecEvent): boolean {
    const image = event.es.image_before_exec!;
    const originalPpid = event.es.original_ppid;
    if (originalPpid !== undefined && originalPpid !== event.process.parent.pid) return false;
    const known = this.records.get(image.pid);
    if (known === undefined) return true;
    const sameExecution =
      image.pidversion === undefined || known.pidversion === undefined || known.pidversion === image.pidversion;
    if (!sameExecution) return true;
    return known.image === 'fork';
  }

  private learn(event: ExecEvent): void {
    const { process, es } = event;
    switch (event.event.action) {
      case 'fork':
        this.learnForker(process.parent, es.parent_pidversion);
        this.store(recordOf(event, 'fork', this.tick));
        return;
      case 'exec':
        this.store(recordOf(event, 'exec', this.tick));
        return;
      case 'exit':
        this.markExited(process.pid, es.pidversion);
        return;
    }
  }

  /** A fork shows the forking process's current image exactly; remember it if it is news. */
  private learnForker(parent: ParentProcess, pidversion: number | undefined): void {
    if (parent.executable === undefined) return;
    const known = this.records.get(parent.pid);
    if (known !== undefined && known.exitedAt === undefined && known.pidversion === pidversion) {
      this.touch(known);
      return;
    }
    this.store({
      pid: parent.pid,
      pidversion,
      executable: parent.executable,
      name: parent.name ?? processName(parent.executable),
      entityId: parent.entity_id ?? entityId(parent.pid, pidversion, parent.start),
      start: parent.start,
      ppid: undefined,
      image: 'forker',
      exitedAt: undefined,
      touchedAt: this.tick,
    });
  }

  private markExited(pid: number, pidversion: number | undefined): void {
    const record = this.records.get(pid);
    if (record === undefined || record.exitedAt !== undefined) return;
    if (pidversion !== undefined && record.pidversion !== undefined && record.pidversion !== pidversion) return;
    record.exitedAt = this.tick;
    this.exits.push({ pid, tick: this.tick });
  }

  private expireExited(): void {
    const exits = this.exits;
    while (this.exitsHead < exits.length) {
      const head = exits[this.exitsHead]!;
      if (this.tick - head.tick <= this.exitGrace) break;
      this.exitsHead++;
      const record = this.records.get(head.pid);
      // The pid may have been taken by a newer process since; only the exited record goes.
      if (record !== undefined && record.exitedAt === head.tick) {
        this.records.delete(head.pid);
        this.counters.evictedExited++;
      }
    }
    // Compact the queue now and then instead of shifting on every expiry.
    if (this.exitsHead > 4096 && this.exitsHead * 2 > exits.length) {
      exits.splice(0, this.exitsHead);
      this.exitsHead = 0;
    }
  }

  /** Inserts or replaces the pid's record as the most recently used, evicting beyond capacity. */
  private store(record: ProcessRecord): void {
    record.executable = this.strings.own(record.executable);
    record.name = this.strings.own(record.name);
    if (record.signingId !== undefined) record.signingId = this.strings.own(record.signingId);
    if (record.teamId !== undefined) record.teamId = this.strings.own(record.teamId);
    this.records.delete(record.pid);
    this.records.set(record.pid, record);
    if (this.records.size > this.capacity) {
      const oldest = this.records.keys().next().value as number;
      this.records.delete(oldest);
      this.counters.evictedForCapacity++;
    }
  }

  /**
   * Map iteration order is insertion order: re-inserting makes a record the most recent. A record
   * moved within the last capacity/2 events is left in place — it cannot reach the eviction end
   * before at least that many newer records arrive — so hot parents (launchd, a shell) do not pay
   * two map operations on every child.
   */
  private touch(record: ProcessRecord): void {
    if (this.tick - record.touchedAt < this.capacity / 2) return;
    record.touchedAt = this.tick;
    this.records.delete(record.pid);
    this.records.set(record.pid, record);
  }
}

function recordOf(event: ExecEvent, image: 'fork' | 'exec', tick: number): ProcessRecord {
  const { process } = event;
  const signature = process.code_signature;
  return {
    signingId: signature?.signing_id,
    teamId: signature?.team_id,
    pid: process.pid,
    pidversion: event.es.pidversion,
    executable: process.executable,
    name: process.name,
    entityId: process.entity_id,
    start: process.start,
    ppid: process.parent.pid,
    image,
    exitedAt: undefined,
    touchedAt: tick,
  };
}

function fillParent(parent: ParentProcess, record: ProcessRecord): void {
  parent.name = record.name;
  parent.executable = record.executable;
  parent.entity_id = record.entityId;
  if (record.start !== undefined) parent.start = record.start;
  fillSignature(parent, record);
}

/** The parent's signing identity, so an alert shows a fake emond for what it is (ad hoc, no team). */
function fillSignature(parent: ParentProcess, record: ProcessRecord): void {
  if (record.signingId === undefined && record.teamId === undefined) return;
  parent.code_signature = { exists: true };
  if (record.signingId !== undefined) parent.code_signature.signing_id = record.signingId;
  if (record.teamId !== undefined) parent.code_signature.team_id = record.teamId;
}
