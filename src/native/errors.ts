import { EmondguardError } from '../errors.js';

/** The native addon cannot be used: missing, built for another platform/ABI, or broken. */
export class NativeAddonError extends EmondguardError {}

/** Endpoint Security refused to create or configure the client. */
export class EsClientError extends EmondguardError {
  /** The raw result (es_new_client_result_t for `es_new_client`, es_return_t otherwise). */
  readonly esResult: number;
  /** Which call failed: es_new_client, es_subscribe, es_mute_process, es_invert_muting, macos_version. */
  readonly esStep: string;

  constructor(code: string, message: string, details: { esResult: number; esStep: string; cause?: unknown }) {
    super(code, message, { cause: details.cause });
    this.esResult = details.esResult;
    this.esStep = details.esStep;
  }
}

/** es_new_client_result_t values (ESTypes.h). */
export const EsNewClientResult = {
  SUCCESS: 0,
  ERR_INVALID_ARGUMENT: 1,
  ERR_INTERNAL: 2,
  ERR_NOT_ENTITLED: 3,
  ERR_NOT_PERMITTED: 4,
  ERR_NOT_PRIVILEGED: 5,
  ERR_TOO_MANY_CLIENTS: 6,
} as const;

const FULL_DISK_ACCESS =
  'Grant Full Disk Access to the process that runs emondguard: System Settings › Privacy & Security › ' +
  'Full Disk Access (System Preferences › Security & Privacy › Privacy › Full Disk Access before macOS 13), ' +
  'or deploy an MDM Privacy Preferences Policy Control (PPPC) profile with a SystemPolicyAllFiles entry ' +
  '(Allowed: true) for the emondguard binary and its code requirement. Then restart the agent.';

/** What each es_new_client result means for an administrator, keyed by result value. */
const NEW_CLIENT_FAILURES: Record<number, { code: string; message: string }> = {
  [EsNewClientResult.ERR_INVALID_ARGUMENT]: {
    code: 'E_ES_INVALID_ARGUMENT',
    message: 'Endpoint Security rejected the client arguments (ES_NEW_CLIENT_RESULT_ERR_INVALID_ARGUMENT). This is a bug in emondguard: please report it with your macOS version.',
  },
  [EsNewClientResult.ERR_INTERNAL]: {
    code: 'E_ES_INTERNAL',
    message: 'Endpoint Security failed internally (ES_NEW_CLIENT_RESULT_ERR_INTERNAL). Retry; if it persists, restart the Mac and check `log show --predicate \'subsystem == "com.apple.endpointsecurity"\'`.',
  },
  [EsNewClientResult.ERR_NOT_ENTITLED]: {
    code: 'E_ES_NOT_ENTITLED',
    message: 'This binary lacks the com.apple.developer.endpoint-security.client entitlement (ES_NEW_CLIENT_RESULT_ERR_NOT_ENTITLED). Run the signed emondguard bundle whose main executable carries the entitlement and its provisioning profile, or use the eslogger source (`--source eslogger`, macOS 13+), which needs no entitlement.',
  },
  [EsNewClientResult.ERR_NOT_PERMITTED]: {
    code: 'E_ES_NOT_PERMITTED',
    message: `Endpoint Security is not permitted: Full Disk Access is missing (ES_NEW_CLIENT_RESULT_ERR_NOT_PERMITTED). ${FULL_DISK_ACCESS}`,
  },
  [EsNewClientResult.ERR_NOT_PRIVILEGED]: {
    code: 'E_ES_NOT_PRIVILEGED',
    message: 'Endpoint Security needs root (ES_NEW_CLIENT_RESULT_ERR_NOT_PRIVILEGED). Run emondguard as root, e.g. through its LaunchDaemon (`sudo launchctl bootstrap system /Library/LaunchDaemons/com.emondguard.agent.plist`).',
  },
  [EsNewClientResult.ERR_TOO_MANY_CLIENTS]: {
    code: 'E_ES_TOO_MANY_CLIENTS',
    message: 'The system has reached its limit of Endpoint Security clients (ES_NEW_CLIENT_RESULT_ERR_TOO_MANY_CLIENTS). Stop another emondguard instance or another ES client (`sudo eslogger`, security tools) and start again.',
  },
};

/** Turns the addon's raw start() failure into an actionable EsClientError. */
export function esClientErrorFrom(step: string, result: number, cause?: unknown): EsClientError {
  const details = { esResult: result, esStep: step, cause };
  if (step === 'es_new_client') {
    const known = NEW_CLIENT_FAILURES[result];
    if (known) return new EsClientError(known.code, known.message, details);
    return new EsClientError('E_ES_UNKNOWN', `es_new_client failed with an unknown result ${result}. Check that this macOS version is supported and report it.`, details);
  }
  if (step === 'macos_version') {
    return new EsClientError('E_ES_UNSUPPORTED_OS', 'The emond-only mode needs macOS 13 or later (es_invert_muting). Use mode "full" on this Mac.', details);
  }
  const code = step === 'es_subscribe' ? 'E_ES_SUBSCRIBE' : step === 'es_mute_process' ? 'E_ES_MUTE' : 'E_ES_INVERT_MUTING';
  return new EsClientError(code, `Endpoint Security refused ${step} (result ${result}). Restart the agent; if it persists, report it with your macOS version.`, details);
}

/** One line for `emondguard doctor`: what a probeClient() result means. */
export function describeNewClientResult(result: number): { ok: boolean; code: string; message: string } {
  if (result === EsNewClientResult.SUCCESS) return { ok: true, code: 'OK', message: 'Endpoint Security client can be created.' };
  const error = esClientErrorFrom('es_new_client', result);
  return { ok: false, code: error.code, message: error.message };
}
