import { describeError } from '../errors.js';
import { VERSION } from '../version.js';
import { DoctorContext, type Check, type CheckResult } from './check.js';
import { configurationCheck } from './checks/configuration.js';
import { daemonCheck } from './checks/daemon.js';
import { databaseCheck } from './checks/database.js';
import { diskSpaceCheck } from './checks/disk-space.js';
import { emondCheck } from './checks/emond.js';
import { entitlementCheck } from './checks/entitlement.js';
import { esloggerCheck } from './checks/eslogger.js';
import { fullDiskAccessCheck } from './checks/full-disk-access.js';
import { macosVersionCheck } from './checks/macos-version.js';
import { rootCheck } from './checks/root.js';
import type { DoctorEnvironment } from './environment.js';

/** In the order an admin fixes things: who and where first, then permissions, then the daemon. */
export const DEFAULT_CHECKS: readonly Check[] = [
  rootCheck,
  macosVersionCheck,
  entitlementCheck,
  fullDiskAccessCheck,
  esloggerCheck,
  daemonCheck,
  databaseCheck,
  configurationCheck,
  diskSpaceCheck,
  emondCheck,
];

export interface DoctorReport {
  product: 'emondguard';
  version: string;
  /** True when no check failed (warnings and skips allowed). */
  ok: boolean;
  /** One line for MDM extension attributes: `ok`, or `failing: id, id`. */
  summary: string;
  checks: CheckResult[];
}

/** Runs every check; a check that throws becomes a failed check, never a crashed doctor. */
export async function runDoctor(env: DoctorEnvironment, checks: readonly Check[] = DEFAULT_CHECKS): Promise<DoctorReport> {
  const context = new DoctorContext(env);
  const results: CheckResult[] = [];
  for (const check of checks) {
    try {
      results.push({ id: check.id, title: check.title, ...(await check.run(context)) });
    } catch (error) {
      results.push({
        id: check.id,
        title: check.title,
        status: 'fail',
        summary: `the check itself failed: ${describeError(error)}`,
        fix: 'report this with the output of `emondguard doctor --json`',
      });
    }
  }
  const failing = results.filter((r) => r.status === 'fail').map((r) => r.id);
  return { product: 'emondguard', version: VERSION, ok: failing.length === 0, summary: failing.length === 0 ? 'ok' : `failing: ${failing.join(', ')}`, checks: results };
}
