import { commandLine, entityId, processName, type ExecEvent } from '../../../src/events/exec-event.js';

/** What a test says about an exec; everything else gets a realistic default. */
export interface ExecEventSpec {
  executable?: string;
  args?: string[];
  parentExecutable?: string;
  /** Defaults to the basename of `parentExecutable`. */
  parentName?: string;
  osType?: string;
  type?: string[];
  userId?: string;
  signed?: boolean;
}

/** An exec event as the sources produce it (DESIGN §4), for feeding compiled rules. */
export function execEvent(spec: ExecEventSpec = {}): ExecEvent {
  const executable = spec.executable ?? '/bin/sh';
  const args = spec.args ?? [executable];
  const parentExecutable = spec.parentExecutable ?? '/sbin/launchd';
  const start = '2025-08-07T13:21:35.877Z';
  return {
    '@timestamp': start,
    event: { kind: 'event', category: ['process'], type: spec.type ?? ['start'], action: 'exec', module: 'eslogger' },
    host: { name: 'mac-01', os: { type: (spec.osType ?? 'macos') as 'macos', version: '12.7.6' } },
    process: {
      pid: 4242,
      entity_id: entityId(4242, 7, start),
      name: processName(executable),
      executable,
      args,
      args_count: args.length,
      command_line: commandLine(args),
      working_directory: '/',
      start,
      code_signature: { exists: spec.signed ?? true, trusted: spec.signed ?? true, signing_id: 'com.apple.sh' },
      parent: {
        pid: 301,
        entity_id: entityId(301, 2, '2025-08-07T08:00:00.000Z'),
        name: spec.parentName ?? processName(parentExecutable),
        executable: parentExecutable,
      },
    },
    user: { id: spec.userId ?? '0', name: 'root' },
    es: { message_version: 9, pidversion: 7, ppid: 301, parent_resolution: 'tree' },
  };
}
