/**
 * Everything `emondguard doctor` learns about the machine goes through this interface, so each
 * check's every branch can be driven from a test on any OS (DESIGN §8) and the real implementation
 * (system-environment.ts) stays a thin layer over Node.
 */

export interface CommandResult {
  /** Exit status; `null` when the command could not start or was killed. */
  status: number | null;
  stdout: string;
  stderr: string;
  /** Why it could not start, e.g. `ENOENT` when the program does not exist. */
  error?: string;
}

export interface FileInfo {
  uid: number;
  gid: number;
  /** Permission bits (`mode & 0o7777`). */
  mode: number;
  isDirectory: boolean;
  isFile: boolean;
}

export interface DoctorFs {
  /** `undefined` when nothing is at `path`. */
  stat(path: string): FileInfo | undefined;
  /** Whether this process may write to `path` (access(2) W_OK). */
  canWrite(path: string): boolean;
  /** Whether `path` exists and is executable by this process. */
  isExecutable(path: string): boolean;
  /** Opens `path` for reading and closes it: `ok`, or the errno code (`EPERM`, `EACCES`, `ENOENT`…). */
  tryRead(path: string): string;
  /** Bytes available to this process on the file system holding `path`. */
  freeBytes(path: string): number;
}

/** The raw `es_new_client_result_t` of creating (and at once deleting) an ES client. */
export type EsProbeOutcome = { result: number } | { unavailable: string };

export type ConfigurationStatus =
  | { state: 'not-configured'; detail: string }
  | { state: 'valid'; source: string; warnings?: string[] }
  | { state: 'invalid'; source: string; errors: string[] };

export interface DoctorEnvironment {
  platform: NodeJS.Platform;
  /** `undefined` where the platform has no uids. */
  uid: number | undefined;
  /** The running executable (for a deployed agent: EmondGuard.app/Contents/MacOS/emondguard). */
  execPath: string;
  run(command: string, args: readonly string[]): Promise<CommandResult>;
  fs: DoctorFs;
  /** Tries to create an ES client (the native addon's `probeClient()`). */
  probeEsClient(): EsProbeOutcome;
  /** Where the alert database lives, and why there. */
  databasePath(): { path: string; source: string };
  checkConfiguration(): ConfigurationStatus;
}
