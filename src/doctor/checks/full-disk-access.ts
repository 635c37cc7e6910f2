import { EsNewClientResult as ES, describeNewClientResult } from '../../native/addon.js';
import { MACOS_ONLY, type Check, type DoctorContext } from '../check.js';
import { APP_PATH, TCC_DATABASE } from '../install-layout.js';

const GRANT_FDA =
  `System Settings › Privacy & Security › Full Disk Access: add ${APP_PATH} (macOS 12 and earlier: ` +
  'System Preferences › Security & Privacy › Privacy › Full Disk Access), or deploy the PPPC payload ' +
  '(SystemPolicyAllFiles) that scripts/make-mobileconfig generates. Run from Terminal, this check ' +
  "reports Terminal's access: macOS grants it to the responsible app.";

/**
 * Full Disk Access, by trying what needs it: creating an ES client. When that cannot tell (no
 * addon, or no entitlement so the client fails before TCC is consulted), fall back to opening
 * TCC.db, which only processes with Full Disk Access may read.
 */
export const fullDiskAccessCheck: Check = {
  id: 'full-disk-access',
  title: 'Full Disk Access',
  async run(context) {
    if (!context.isMac) return MACOS_ONLY;
    const probe = context.env.probeEsClient();
    if ('result' in probe) {
      const details = { method: 'es_new_client', result: probe.result };
      switch (probe.result) {
        case ES.SUCCESS:
          return { status: 'pass', summary: 'an Endpoint Security client was created', details };
        case ES.ERR_NOT_PERMITTED:
          return { status: 'fail', summary: 'es_new_client: not permitted — no Full Disk Access', fix: GRANT_FDA, details };
        case ES.ERR_NOT_PRIVILEGED:
          return { status: 'fail', summary: 'es_new_client: not privileged — run as root to check', fix: 'sudo emondguard doctor', details };
        case ES.ERR_TOO_MANY_CLIENTS:
          return { status: 'warn', summary: 'es_new_client: too many clients — the system limit of ES clients is reached', fix: 'remove an Endpoint Security product you no longer use, then retry', details };
        case ES.ERR_NOT_ENTITLED:
          return byTccDatabase(context, 'es_new_client needs the entitlement first');
        default: {
          // Internal errors, invalid arguments, results newer than this build: the addon's own words.
          const described = describeNewClientResult(probe.result);
          return { status: 'fail', summary: `es_new_client failed with result ${probe.result} (${described.code})`, fix: described.message, details };
        }
      }
    }
    return byTccDatabase(context, probe.unavailable);
  },
};

function byTccDatabase(context: DoctorContext, why: string) {
  const outcome = context.env.fs.tryRead(TCC_DATABASE);
  const details = { method: 'read TCC.db', outcome, probeUnavailable: why };
  if (outcome === 'ok') return { status: 'pass' as const, summary: `TCC.db is readable, so this process has Full Disk Access (${why})`, details };
  if (outcome === 'EPERM') return { status: 'fail' as const, summary: 'no Full Disk Access (TCC.db is not readable)', fix: GRANT_FDA, details };
  if (outcome === 'EACCES') return { status: 'skip' as const, summary: 'cannot tell without root', fix: 'sudo emondguard doctor', details };
  return { status: 'warn' as const, summary: `cannot tell: opening TCC.db gave ${outcome} (${why})`, fix: GRANT_FDA, details };
}
