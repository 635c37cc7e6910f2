import { execFile } from 'node:child_process';
import { accessSync, closeSync, constants, openSync, statSync, statfsSync } from 'node:fs';
import type { ConfigurationStatus, DoctorEnvironment, DoctorFs, EsProbeOutcome, FileInfo } from './environment.js';
import { ruleSetProblems } from '../agent/agent-rules.js';
import { checkConfiguration, type ConfigurationCheck } from '../config/config-status.js';
import { agentDatabasePath, probeEsClientWithAddon } from './probes.js';
import { emondPathWarnings } from '../agent/emond-paths.js';

/** How long one external command (codesign, launchctl, sw_vers) may take. */
const COMMAND_TIMEOUT_MS = 15_000;

export interface SystemEnvironmentProbes {
  probeEsClient?: () => EsProbeOutcome;
  databasePath?: () => { path: string; source: string };
  checkConfiguration?: () => ConfigurationStatus;
}

/** The doctor's view of the real machine. The probes other areas own are passed in. */
export function systemEnvironment(probes: SystemEnvironmentProbes = {}): DoctorEnvironment {
  return {
    platform: process.platform,
    uid: process.getuid?.(),
    execPath: process.execPath,
    run: runCommand,
    fs: systemFs,
    probeEsClient: probes.probeEsClient ?? (() => probeEsClientWithAddon()),
    databasePath: probes.databasePath ?? (() => agentDatabasePath()),
    checkConfiguration: probes.checkConfiguration ?? (() => configurationStatus()),
  };
}

/** The configuration the agent would start with, as the doctor reports it. */
export function configurationStatus(configPath?: string): ConfigurationStatus {
  return configurationStatusOf(checkConfiguration(configPath ? { configPath } : {}));
}

/** A configuration already checked, as the doctor reports it. */
export function configurationStatusOf(checked: ConfigurationCheck): ConfigurationStatus {
  if (checked.state !== 'valid') return checked;
  // Valid keys are not enough: the rules they name must load, as the agent will load them.
  const rules = ruleSetProblems(checked.config);
  if (rules.length > 0) return { state: 'invalid', source: checked.source, errors: rules };
  // Valid, but an emond-only agent would not see a listed emond that is not there.
  const warnings = emondPathWarnings(checked.config);
  return warnings.length > 0 ? { state: 'valid', source: checked.source, warnings } : { state: 'valid', source: checked.source };
}

function runCommand(command: string, args: readonly string[]): Promise<{ status: number | null; stdout: string; stderr: string; error?: string }> {
  return new Promise((resolve) => {
    execFile(command, [...args], { timeout: COMMAND_TIMEOUT_MS, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (!error) return resolve({ status: 0, stdout, stderr });
      const code = (error as NodeJS.ErrnoException).code;
      if (typeof code === 'number') return resolve({ status: code, stdout, stderr });
      resolve({ status: null, stdout, stderr, error: error.killed ? 'timed out' : (code ?? error.message) });
    });
  });
}

const systemFs: DoctorFs = {
  stat(path): FileInfo | undefined {
    try {
      const s = statSync(path);
      return { uid: s.uid, gid: s.gid, mode: s.mode & 0o7777, isDirectory: s.isDirectory(), isFile: s.isFile() };
    } catch {
      return undefined;
    }
  },
  canWrite(path) {
    try {
      accessSync(path, constants.W_OK);
      return true;
    } catch {
      return false;
    }
  },
  isExecutable(path) {
    try {
      accessSync(path, constants.X_OK);
      return statSync(path).isFile();
    } catch {
      return false;
    }
  },
  tryRead(path) {
    try {
      closeSync(openSync(path, 'r'));
      return 'ok';
    } catch (error) {
      return (error as NodeJS.ErrnoException).code ?? 'EIO';
    }
  },
  freeBytes(path) {
    const s = statfsSync(path);
    return s.bavail * s.bsize;
  },
};
