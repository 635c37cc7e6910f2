import type { ExecEvent } from '../events/exec-event.js';
import type { SimMessageSpec, SimProcessSpec } from '../native/addon.js';

/**
 * An ExecEvent (from a recorded trace) as the ES message the simulator should deliver for it, so a
 * recording can be replayed through the real native path: ES thread, conversion, queue, hand-off.
 */
export function simulatorMessageFor(event: ExecEvent): SimMessageSpec {
  const es = event.es;
  const time = epoch(event['@timestamp']);
  const message: SimMessageSpec = {
    type: event.event.action,
    version: es.message_version >= 1 && es.message_version <= 10 ? es.message_version : 7,
    ...(time ? { time: { sec: time.sec, nsec: time.nsec } } : {}),
  };
  const subject = subjectOf(event);
  switch (event.event.action) {
    case 'exec': {
      const before = es.image_before_exec;
      message.process = {
        ...subject,
        pidversion: before?.pidversion ?? Math.max(1, (es.pidversion ?? 2) - 1),
        executable: before?.executable ?? event.process.parent.executable ?? event.process.executable,
      };
      message.target = subject;
      message.args = event.process.args;
      if (event.process.working_directory !== undefined) message.cwd = event.process.working_directory;
      if (es.script !== undefined) message.script = es.script;
      break;
    }
    case 'fork': {
      const parent = event.process.parent;
      message.process = {
        pid: parent.pid,
        ...(es.parent_pidversion === undefined ? {} : { pidversion: es.parent_pidversion }),
        executable: parent.executable ?? event.process.executable,
        ppid: 1,
      };
      message.child = subject;
      break;
    }
    case 'exit':
      message.process = subject;
      message.exitStatus = waitStatus(event.process.exit_code ?? 0);
      break;
  }
  return message;
}

function subjectOf(event: ExecEvent): SimProcessSpec {
  const { process, es, user } = event;
  const start = process.start ? epoch(process.start) : undefined;
  const euid = Number(user.id);
  const spec: SimProcessSpec = {
    pid: process.pid,
    ppid: es.ppid ?? process.parent.pid,
    originalPpid: es.original_ppid ?? es.ppid ?? process.parent.pid,
    executable: process.executable,
    parent: { pid: process.parent.pid, ...(es.parent_pidversion === undefined ? {} : { pidversion: es.parent_pidversion }) },
    isPlatformBinary: es.is_platform_binary ?? false,
  };
  if (es.pidversion !== undefined) spec.pidversion = es.pidversion;
  if (Number.isInteger(euid) && euid >= 0) spec.euid = euid;
  if (start) spec.startTime = { sec: start.sec, usec: Math.floor(start.nsec / 1000) };
  if (es.codesigning_flags !== undefined) spec.codesigningFlags = es.codesigning_flags;
  if (es.cdhash !== undefined) spec.cdhash = es.cdhash;
  if (process.code_signature?.signing_id !== undefined) spec.signingId = process.code_signature.signing_id;
  if (process.code_signature?.team_id !== undefined) spec.teamId = process.code_signature.team_id;
  if (es.tty !== undefined) spec.tty = es.tty;
  if (es.responsible_pid !== undefined) spec.responsible = { pid: es.responsible_pid };
  return spec;
}

/** ISO-8601 (with up to nanoseconds) → seconds and nanoseconds since the epoch. */
function epoch(iso: string): { sec: number; nsec: number } | undefined {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return undefined;
  const fraction = /\.(\d+)/.exec(iso)?.[1] ?? '0';
  return { sec: Math.floor(ms / 1000), nsec: Number(fraction.padEnd(9, '0').slice(0, 9)) };
}

/** An exit code back to the wait(2) status ES reports (128 + n is a death by signal n). */
function waitStatus(exitCode: number): number {
  return exitCode > 128 && exitCode < 160 ? exitCode - 128 : (exitCode & 0xff) << 8;
}
