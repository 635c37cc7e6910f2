import { isPlistDict, parseXmlPlist } from '../../plist/index.js';
import { MACOS_ONLY, type Check } from '../check.js';
import { APP_EXECUTABLE, ES_ENTITLEMENT } from '../install-layout.js';

const FIX =
  `run the agent as ${APP_EXECUTABLE}: the signed bundle carries ${ES_ENTITLEMENT} backed by its ` +
  'provisioning profile (docs/DEPLOYMENT.md). Without the entitlement, use eslogger mode (macOS 13+).';

/**
 * The Endpoint Security entitlement must be on the running main executable. `codesign -d
 * --entitlements - --xml` prints the entitlements as an XML plist (older macOS: after a binary
 * blob header, hence the search for the plist start).
 */
export const entitlementCheck: Check = {
  id: 'es-entitlement',
  title: 'Endpoint Security entitlement',
  async run(context) {
    if (!context.isMac) return MACOS_ONLY;
    const exe = context.env.execPath;
    const details = { executable: exe };
    const result = await context.env.run('/usr/bin/codesign', ['-d', '--entitlements', '-', '--xml', exe]);
    if (result.status !== 0) {
      const reason = result.error ?? result.stderr.trim().split('\n').pop() ?? `exit ${result.status}`;
      const unsigned = /not signed at all/.test(result.stderr);
      return { status: 'fail', summary: unsigned ? `${exe} is not signed` : `codesign could not read ${exe}: ${reason}`, fix: FIX, details };
    }
    const start = result.stdout.search(/<\?xml|<plist/);
    if (start === -1) return { status: 'fail', summary: `${exe} has no entitlements`, fix: FIX, details };
    let entitled = false;
    try {
      const entitlements = parseXmlPlist(result.stdout.slice(start));
      entitled = isPlistDict(entitlements) && entitlements[ES_ENTITLEMENT] === true;
    } catch (error) {
      return { status: 'warn', summary: `could not parse the entitlements codesign printed: ${(error as Error).message}`, fix: FIX, details };
    }
    if (entitled) return { status: 'pass', summary: `${exe} has ${ES_ENTITLEMENT}`, details };
    return { status: 'fail', summary: `${exe} lacks ${ES_ENTITLEMENT}`, fix: FIX, details };
  },
};
