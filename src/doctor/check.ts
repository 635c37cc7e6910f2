import type { DoctorEnvironment } from './environment.js';
import { parseMacosVersion, type MacosVersion } from './macos-version.js';

export type CheckStatus = 'pass' | 'fail' | 'warn' | 'skip';

export interface CheckResult {
  /** Stable id for scripts and MDM extension attributes (`full-disk-access`…). */
  id: string;
  title: string;
  status: CheckStatus;
  /** What was found, in one sentence. */
  summary: string;
  /** What to do about it (present unless the check passed). */
  fix?: string;
  details?: Record<string, string | number | boolean>;
}

export interface Check {
  id: string;
  title: string;
  run(context: DoctorContext): Promise<Omit<CheckResult, 'id' | 'title'>>;
}

/** What checks share: the environment and facts found once (the macOS version). */
export class DoctorContext {
  private version: Promise<MacosVersion | undefined> | undefined;

  constructor(readonly env: DoctorEnvironment) {}

  get isMac(): boolean {
    return this.env.platform === 'darwin';
  }

  /** `sw_vers -productVersion`, parsed; `undefined` off macOS or when it cannot be read. */
  macosVersion(): Promise<MacosVersion | undefined> {
    this.version ??= this.isMac
      ? this.env.run('/usr/bin/sw_vers', ['-productVersion']).then((r) => (r.status === 0 ? parseMacosVersion(r.stdout) : undefined))
      : Promise.resolve(undefined);
    return this.version;
  }
}

/** The result of a macOS-only check on another OS. */
export const MACOS_ONLY = { status: 'skip', summary: 'macOS only' } as const;
