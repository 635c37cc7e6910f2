import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * A small record in the agent's data directory that outlives the process: the agent's stable id,
 * and how the last run ended. Rewritten at start, at every heartbeat and at a clean stop; a start
 * that finds `cleanStop: false` knows the previous run died and since when it was blind.
 */
export interface AgentStateRecord {
  schema: 1;
  /** `agent.id` in every lifecycle document: stable across restarts and upgrades. */
  agentId: string;
  pid: number;
  startedAt: string;
  lastHeartbeatAt: string | null;
  cleanStop: boolean;
  stoppedAt: string | null;
  /** Why the run ended, when the agent could say (the stall watchdog writes its reason here before it kills the process). */
  endReason: string | null;
}

export const AGENT_STATE_FILE = 'agent-state.json';
/** The record is a few hundred bytes; anything bigger is not ours and is not parsed. */
const MAX_STATE_BYTES = 16 * 1024;

export function agentStatePath(databasePath: string): string {
  return path.join(path.dirname(databasePath), AGENT_STATE_FILE);
}

/**
 * The previous record, or null when there is none or it is unusable (not a regular file, a
 * symlink, too big, not our JSON): a missing record must never stop the agent from starting.
 */
export function readAgentState(file: string): AgentStateRecord | null {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
  } catch {
    return null;
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile() || stat.size > MAX_STATE_BYTES) return null;
    const buffer = Buffer.alloc(stat.size);
    const read = fs.readSync(fd, buffer, 0, stat.size, 0);
    const record = JSON.parse(buffer.subarray(0, read).toString('utf8')) as Partial<AgentStateRecord>;
    if (record.schema !== 1 || typeof record.agentId !== 'string' || !/^[\w-]{1,64}$/.test(record.agentId)) return null;
    return {
      schema: 1,
      agentId: record.agentId,
      pid: typeof record.pid === 'number' ? record.pid : 0,
      startedAt: typeof record.startedAt === 'string' ? record.startedAt : '',
      lastHeartbeatAt: typeof record.lastHeartbeatAt === 'string' ? record.lastHeartbeatAt : null,
      cleanStop: record.cleanStop === true,
      stoppedAt: typeof record.stoppedAt === 'string' ? record.stoppedAt : null,
      endReason: typeof record.endReason === 'string' ? record.endReason.slice(0, 1024) : null,
    };
  } catch {
    return null;
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Written to a new file with an unpredictable name (O_EXCL) and renamed over the record: a reader
 * never sees half a record, and a planted symlink at the temporary name cannot redirect the write
 * (rename replaces a symlink at the final name, it does not follow it).
 */
export function writeAgentState(file: string, record: AgentStateRecord): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${randomBytes(8).toString('hex')}.tmp`;
  const fd = fs.openSync(temporary, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW, 0o600);
  try {
    fs.writeSync(fd, `${JSON.stringify(record)}\n`);
  } finally {
    fs.closeSync(fd);
  }
  try {
    fs.renameSync(temporary, file);
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    throw error;
  }
}

export function newAgentId(): string {
  return randomUUID();
}
