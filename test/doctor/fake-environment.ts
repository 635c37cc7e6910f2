import type { CommandResult, DoctorEnvironment, FileInfo } from '../../src/doctor/environment.js';

/**
 * A scripted machine for the doctor: a healthy, entitled, running Mac on macOS 14 unless a test
 * overrides a part. Commands answer by their full command line; files by path.
 */
export interface FakeMachine {
  platform: NodeJS.Platform;
  uid: number | undefined;
  execPath: string;
  commands: Record<string, Partial<CommandResult>>;
  files: Record<string, Partial<FileInfo> & { writable?: boolean; executable?: boolean; read?: string }>;
  freeBytes: number;
  esProbe: ReturnType<DoctorEnvironment['probeEsClient']>;
  database: { path: string; source: string };
  configuration: ReturnType<DoctorEnvironment['checkConfiguration']>;
}

export const EXE = '/Library/EmondGuard/EmondGuard.app/Contents/MacOS/emondguard';
export const ENTITLEMENTS_XML = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0"><dict>
<key>com.apple.developer.endpoint-security.client</key><true/>
<key>com.apple.security.cs.allow-jit</key><true/>
</dict></plist>`;
export const LAUNCHCTL_RUNNING = `system/com.emondguard.agent = {
	active count = 1
	path = /Library/LaunchDaemons/com.emondguard.agent.plist
	type = LaunchDaemon
	state = running

	program = ${EXE}
	pid = 4242
	last exit code = (never exited)
}`;

export function healthyMac(): FakeMachine {
  return {
    platform: 'darwin',
    uid: 0,
    execPath: EXE,
    commands: {
      '/usr/bin/sw_vers -productVersion': { status: 0, stdout: '14.5\n' },
      [`/usr/bin/codesign -d --entitlements - --xml ${EXE}`]: { status: 0, stdout: ENTITLEMENTS_XML, stderr: `Executable=${EXE}\n` },
      '/bin/launchctl print system/com.emondguard.agent': { status: 0, stdout: LAUNCHCTL_RUNNING },
    },
    files: {
      '/usr/bin/eslogger': { isFile: true, executable: true },
      '/Library/Application Support/emondguard': { isDirectory: true, uid: 0, mode: 0o700, writable: true },
      '/Library/Application Support/emondguard/alerts.db': { isFile: true, uid: 0, mode: 0o600, writable: true },
      '/Library/Application Support/com.apple.TCC/TCC.db': { isFile: true, uid: 0, mode: 0o644, read: 'ok' },
    },
    freeBytes: 50 * 1024 ** 3,
    esProbe: { result: 0 },
    database: { path: '/Library/Application Support/emondguard/alerts.db', source: 'default' },
    configuration: { state: 'valid', source: '/Library/Managed Preferences/com.emondguard.agent.plist' },
  };
}

export function environmentOf(machine: FakeMachine): DoctorEnvironment & { commandsRun: string[] } {
  const commandsRun: string[] = [];
  const file = (path: string) => machine.files[path];
  return {
    commandsRun,
    platform: machine.platform,
    uid: machine.uid,
    execPath: machine.execPath,
    async run(command, args) {
      const line = [command, ...args].join(' ');
      commandsRun.push(line);
      const scripted = machine.commands[line];
      if (!scripted) return { status: null, stdout: '', stderr: '', error: 'ENOENT' };
      return { status: 0, stdout: '', stderr: '', ...scripted };
    },
    fs: {
      stat(path) {
        const f = file(path);
        if (!f) return undefined;
        return { uid: f.uid ?? 0, gid: f.gid ?? 0, mode: f.mode ?? 0o644, isDirectory: f.isDirectory ?? false, isFile: f.isFile ?? !f.isDirectory };
      },
      canWrite: (path) => file(path)?.writable ?? false,
      isExecutable: (path) => file(path)?.executable ?? false,
      tryRead: (path) => file(path)?.read ?? 'ENOENT',
      freeBytes: () => machine.freeBytes,
    },
    probeEsClient: () => machine.esProbe,
    databasePath: () => machine.database,
    checkConfiguration: () => machine.configuration,
  };
}
