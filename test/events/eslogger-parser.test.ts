import { describe, expect, it } from 'vitest';
import { EventParseError } from '../../src/events/errors.js';
import type { ExecEvent } from '../../src/events/exec-event.js';
import { exitCodeOf } from '../../src/events/es-values.js';
import { parseLine } from '../../src/events/parse-line.js';
import {
  execLine,
  execMessage,
  exitLine,
  forkLine,
  forkMessage,
  toLine,
  type ProcessSpec,
} from '../helpers/eslogger.js';
import { realEsloggerExecLine } from '../helpers/shared-samples.js';

const SAMPLE = realEsloggerExecLine();

function eventOf(line: string): ExecEvent {
  const parsed = parseLine(line);
  if (parsed.kind !== 'event') throw new Error(`expected an event, got irrelevant: ${parsed.reason}`);
  expect(parsed.format).toBe('eslogger');
  return parsed.event;
}

function parseError(line: string): EventParseError {
  try {
    parseLine(line);
  } catch (error) {
    expect(error).toBeInstanceOf(EventParseError);
    return error as EventParseError;
  }
  throw new Error('expected the line to be rejected');
}

const shell: ProcessSpec = { pid: 200, pidversion: 5001, executable: '/sbin/emond', ppid: 100, parentPidversion: 4001, euid: 0 };
const curl: ProcessSpec = { ...shell, pidversion: 5002, executable: '/usr/bin/curl' };

describe.skipIf(SAMPLE === undefined)('eslogger parser: the real v9 exec line (../shared/samples)', () => {
  // The callback runs to collect the tests even when skipped: parse only when the sample is there.
  const event = SAMPLE === undefined ? ({} as ExecEvent) : eventOf(SAMPLE);

  it('reads the event header', () => {
    expect(event['@timestamp']).toBe('2025-08-07T13:21:35.880814738Z');
    expect(event.event).toEqual({
      kind: 'event',
      category: ['process'],
      type: ['start'],
      action: 'exec',
      sequence: 75,
      module: 'eslogger',
    });
    expect(event.host).toEqual({ os: { type: 'macos' } });
  });

  it('describes the program after the exec (event.exec.target), with \\/ unescaped', () => {
    const p = event.process;
    expect(p.pid).toBe(97391);
    expect(p.executable).toBe('/bin/connection-checker');
    expect(p.name).toBe('connection-checker');
    expect(p.args).toEqual(['/bin/connection-checker']);
    expect(p.args_count).toBe(1);
    expect(p.command_line).toBe('/bin/connection-checker');
    expect(p.working_directory).toBe('/bin/mullvadvpn-app');
    expect(p.start).toBe('2025-08-07T13:21:35.877422Z');
    expect(p.entity_id).toBe('97391:149092:2025-08-07T13:21:35.877422Z');
    expect(p.code_signature).toEqual({ exists: true, signing_id: 'connection_checker-04fde7bdb8bceee3', trusted: true });
    expect(p.exit_code).toBeUndefined();
  });

  it('takes the parent from the target parent audit token, leaving names to the tree', () => {
    expect(event.process.parent).toEqual({ pid: 58916 });
    expect(event.es.parent_pidversion).toBe(87724);
    expect(event.es.ppid).toBe(58916);
    expect(event.es.original_ppid).toBe(58916);
    expect(event.es.parent_resolution).toBeUndefined();
  });

  it('keeps the pre-exec image (msg->process) apart from the target', () => {
    expect(event.es.image_before_exec).toEqual({ pid: 97391, pidversion: 149091, executable: '/bin/nu' });
    expect(event.es.pidversion).toBe(149092);
  });

  it('reads users from the target audit token and the ES facts', () => {
    expect(event.user).toEqual({ id: '501', real: { id: '501' } });
    expect(event.group).toEqual({ id: '20' });
    expect(event.es).toMatchObject({
      message_version: 9,
      seq_num: 27,
      global_seq_num: 75,
      responsible_pid: 938,
      executable_truncated: false,
      cdhash: '33F0A3D85BEA260FED5CAD0529AB0E84EC9A0DF1',
      is_platform_binary: false,
      codesigning_flags: 570556931,
      tty: '/dev/ttys003',
    });
    // "script": null in the line: no script.
    expect(event.es.script).toBeUndefined();
  });
});

describe('eslogger parser: every message version', () => {
  const versions = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

  it.each(versions)('version %i exec: fields exist exactly from the version that introduced them', (version) => {
    const target = { ...curl, tty: '/dev/ttys001', startTime: '2025-01-02T03:04:05.000006Z' };
    const line = execLine(shell, target, { args: ['curl', '-s', 'https://x.example/a'], cwd: '/tmp', script: '/tmp/s.sh' }, {
      version,
      seqNum: 7,
      globalSeqNum: 70,
    });
    const event = eventOf(line);
    expect(event.es.message_version).toBe(version);
    expect(event.process.pid).toBe(200);
    expect(event.process.name).toBe('curl');
    expect(event.process.args).toEqual(['curl', '-s', 'https://x.example/a']);
    expect(event.es.image_before_exec).toEqual({ pid: 200, pidversion: 5001, executable: '/sbin/emond' });
    expect(event.user.id).toBe('0');

    // seq_num, script and tty: version ≥ 2
    expect(event.es.seq_num).toBe(version >= 2 ? 7 : undefined);
    expect(event.es.script).toBe(version >= 2 ? '/tmp/s.sh' : undefined);
    expect(event.es.tty).toBe(version >= 2 ? '/dev/ttys001' : undefined);
    // cwd and start_time: version ≥ 3
    expect(event.process.working_directory).toBe(version >= 3 ? '/tmp' : undefined);
    expect(event.process.start).toBe(version >= 3 ? '2025-01-02T03:04:05.000006Z' : undefined);
    expect(event.process.entity_id).toBe(version >= 3 ? '200:5002:2025-01-02T03:04:05.000006Z' : '200:5002:');
    // global_seq_num and the parent/responsible audit tokens: version ≥ 4
    expect(event.es.global_seq_num).toBe(version >= 4 ? 70 : undefined);
    expect(event.event.sequence).toBe(version >= 4 ? 70 : undefined);
    expect(event.es.parent_pidversion).toBe(version >= 4 ? 4001 : undefined);
    expect(event.es.responsible_pid).toBe(version >= 4 ? 200 : undefined);
    expect(event.process.parent.pid).toBe(100);
  });

  it.each(versions)('version %i fork: the child is the process, the forker its exact parent', (version) => {
    const event = eventOf(forkLine(shell, { ...shell, pid: 300, pidversion: 6000, ppid: 200, parentPidversion: 5001 }, { version }));
    expect(event.event.action).toBe('fork');
    expect(event.event.type).toEqual(['start']);
    expect(event.process.pid).toBe(300);
    expect(event.process.executable).toBe('/sbin/emond');
    expect(event.process.args).toEqual([]);
    expect(event.process.parent).toMatchObject({ pid: 200, name: 'emond', executable: '/sbin/emond' });
    expect(event.process.parent.entity_id).toBe(version >= 3 ? '200:5001:2025-08-07T13:21:35.877422Z' : '200:5001:');
    expect(event.es.parent_pidversion).toBe(5001);
  });

  it.each(versions)('version %i exit: exit code from the wait status', (version) => {
    const event = eventOf(exitLine(curl, 3 << 8, { version }));
    expect(event.event.action).toBe('exit');
    expect(event.event.type).toEqual(['end']);
    expect(event.process.pid).toBe(200);
    expect(event.process.exit_code).toBe(3);
    expect(event.process.parent.pid).toBe(100);
  });

  it('reads version 10 audit tokens written as arrays [auid, euid, egid, ruid, rgid, pid, asid, pidversion]', () => {
    const target: ProcessSpec = { ...curl, auid: 501, euid: 502, egid: 20, ruid: 503, rgid: 21, asid: 100013, parentPidversion: 35165 };
    const message = execMessage(shell, target, {}, { version: 10 });
    const exec = (message['event'] as { exec: { target: { audit_token: unknown } } }).exec;
    expect(exec.target.audit_token).toEqual([501, 502, 20, 503, 21, 200, 100013, 5002]);
    const event = eventOf(toLine(message));
    expect(event.process.pid).toBe(200);
    expect(event.es.pidversion).toBe(5002);
    expect(event.user).toEqual({ id: '502', real: { id: '503' } });
    expect(event.group).toEqual({ id: '20' });
    expect(event.es.parent_pidversion).toBe(35165);
    expect(event.es.image_before_exec?.pidversion).toBe(5001);
  });

  it('accepts either token spelling whatever the version says (the format is "not API")', () => {
    expect(eventOf(execLine(shell, curl, {}, { version: 9, tokens: 'array' })).es.pidversion).toBe(5002);
    expect(eventOf(execLine(shell, curl, {}, { version: 10, tokens: 'object' })).es.pidversion).toBe(5002);
  });

  it('ignores a field present in a version that cannot have it', () => {
    const message = execMessage(shell, curl, { cwd: '/tmp' }, { version: 2 });
    (message['event'] as { exec: Record<string, unknown> }).exec['cwd'] = { path: '/tmp', path_truncated: false };
    expect(eventOf(toLine(message)).process.working_directory).toBeUndefined();
  });
});

describe('eslogger parser: optional fields and escapes', () => {
  it('treats null and absent optional fields as absent', () => {
    const message = execMessage(shell, { ...curl, signingId: null, teamId: null, tty: null }, { script: null });
    const exec = (message['event'] as { exec: Record<string, unknown> }).exec;
    delete exec['cwd'];
    delete exec['args'];
    const target = exec['target'] as Record<string, unknown>;
    delete target['cdhash'];
    delete target['original_ppid'];
    delete target['responsible_audit_token'];
    const event = eventOf(toLine(message));
    expect(event.process.args).toEqual([]);
    expect(event.process.command_line).toBe('');
    expect(event.process.working_directory).toBeUndefined();
    expect(event.process.code_signature).toEqual({ exists: true, trusted: true });
    expect(event.es.tty).toBeUndefined();
    expect(event.es.cdhash).toBeUndefined();
    expect(event.es.original_ppid).toBeUndefined();
    expect(event.es.responsible_pid).toBeUndefined();
  });

  it('says unsigned when there is no signing id, no cdhash and CS_SIGNED is clear', () => {
    // ES reports an all-zero cdhash for code without a signature.
    const event = eventOf(execLine(shell, { ...curl, signingId: null, codesigningFlags: 0, cdhash: '0'.repeat(40) }));
    expect(event.process.code_signature).toEqual({ exists: false, trusted: false });
  });

  it('says signed when only a cdhash tells (an ad-hoc signature has no signing id)', () => {
    const event = eventOf(execLine(shell, { ...curl, signingId: null, codesigningFlags: 0 }));
    expect(event.process.code_signature).toEqual({ exists: true, trusted: false });
  });

  it('falls back to ppid when there is no parent audit token (version < 4)', () => {
    const event = eventOf(execLine(shell, { ...curl, ppid: 77 }, {}, { version: 3 }));
    expect(event.process.parent.pid).toBe(77);
    expect(event.es.ppid).toBe(77);
  });

  it('decodes JSON escapes in paths and arguments', () => {
    const args = ['sh', '-c', 'echo "a\\b" \t ünï/cødé 🚀 $(id)', 'line\nbreak'];
    const event = eventOf(execLine(shell, { ...curl, executable: '/Users/ann/My Apps/we"ird\\name' }, { args }));
    expect(event.process.executable).toBe('/Users/ann/My Apps/we"ird\\name');
    expect(event.process.name).toBe('we"ird\\name');
    expect(event.process.args).toEqual(args);
    expect(event.process.command_line).toBe(args.join(' '));
    // \u escapes and escaped slashes, as eslogger writes them.
    const escaped = execLine(shell, curl).replaceAll('"\\/usr\\/bin\\/curl"', '"\\/usr\\/bin\\/\\u0063url"');
    expect(escaped).toContain('\\u0063url');
    expect(eventOf(escaped).process.name).toBe('curl');
  });

  it('reports a truncated executable path', () => {
    expect(eventOf(execLine(shell, { ...curl, executableTruncated: true })).es.executable_truncated).toBe(true);
  });

  it('decodes wait statuses like a shell', () => {
    expect(exitCodeOf(0)).toBe(0);
    expect(exitCodeOf(1 << 8)).toBe(1);
    expect(exitCodeOf(255 << 8)).toBe(255);
    expect(exitCodeOf(9)).toBe(137);
    expect(exitCodeOf(15 | 0x80)).toBe(143);
  });
});

describe('eslogger parser: irrelevant and malformed lines', () => {
  it('calls other event types irrelevant, not malformed', () => {
    const open = JSON.stringify({ schema_version: 1, version: 9, time: 't', event_type: 10, event: { open: {} }, process: {} });
    expect(parseLine(open)).toEqual({ kind: 'irrelevant', format: 'eslogger', reason: 'eslogger event_type 10' });
  });

  it('derives the event from the event object when event_type is absent', () => {
    const message = forkMessage(shell, { ...shell, pid: 9 });
    delete message['event_type'];
    expect(eventOf(toLine(message)).event.action).toBe('fork');
  });

  const cases: Array<[string, (message: Record<string, unknown>) => void, string, string]> = [
    ['no version', (m) => delete m['version'], 'missing_field', 'version'],
    ['version 0', (m) => (m['version'] = 0), 'bad_field', 'version'],
    ['no time', (m) => delete m['time'], 'missing_field', 'time'],
    ['time not a date', (m) => (m['time'] = 'yesterday'), 'bad_field', 'time'],
    ['time out of range', (m) => (m['time'] = '2025-08-07T25:00:00.000000000Z'), 'bad_field', 'time'],
    ['event_type not a number', (m) => (m['event_type'] = 'exec'), 'bad_field', 'event_type'],
    ['event_type 9 with a fork body', (m) => (m['event'] = { fork: {} }), 'missing_field', 'event.exec'],
    ['no target', (m) => delete exec(m)['target'], 'missing_field', 'event.exec.target'],
    ['7-integer token', (m) => (target(m)['audit_token'] = [1, 2, 3, 4, 5, 6, 7]), 'bad_field', 'event.exec.target.audit_token'],
    ['token pid negative', (m) => ((target(m)['audit_token'] as Record<string, unknown>)['pid'] = -1), 'bad_field', 'event.exec.target.audit_token.pid'],
    ['token without pidversion', (m) => delete (target(m)['audit_token'] as Record<string, unknown>)['pidversion'], 'missing_field', 'event.exec.target.audit_token.pidversion'],
    ['no executable path', (m) => delete (target(m)['executable'] as Record<string, unknown>)['path'], 'missing_field', 'event.exec.target.executable.path'],
    ['args with a number', (m) => (exec(m)['args'] = ['sh', 3]), 'bad_field', 'event.exec.args[1]'],
    ['no ppid nor parent token', (m) => { delete target(m)['ppid']; delete target(m)['parent_audit_token']; }, 'missing_field', 'event.exec.target.ppid'],
    ['pre-exec image missing', (m) => delete m['process'], 'missing_field', 'process'],
    ['tty without a path', (m) => (target(m)['tty'] = {}), 'missing_field', 'event.exec.target.tty.path'],
  ];

  it.each(cases)('%s → %s', (_name, mutate, reason, field) => {
    const message = execMessage(shell, curl);
    mutate(message);
    const error = parseError(toLine(message));
    expect(error.reason).toBe(reason);
    expect(error.field).toBe(field);
    expect(error.code).toBe(`E_EVENT_${reason.toUpperCase()}`);
    expect(error.message).toContain(field);
  });

  it('rejects an exit without a stat', () => {
    const line = exitLine(curl).replace('"stat":0', '"status":0');
    expect(parseError(line).field).toBe('event.exit.stat');
  });

  it('rejects what is not JSON, not an object, or no known format', () => {
    expect(parseError(execLine(shell, curl).slice(0, 200)).reason).toBe('invalid_json');
    expect(parseError('[1,2]').reason).toBe('not_an_object');
    expect(parseError('{"hello":"world"}').reason).toBe('unknown_format');
  });
});

function exec(message: Record<string, unknown>): Record<string, unknown> {
  return (message['event'] as { exec: Record<string, unknown> }).exec;
}

function target(message: Record<string, unknown>): Record<string, unknown> {
  return exec(message)['target'] as Record<string, unknown>;
}
