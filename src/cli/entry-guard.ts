import { realpathSync } from 'node:fs';
import { APP_PATH } from '../doctor/install-layout.js';
import { isInstalledBundleExecutable } from '../doctor/bundle-identity.js';

/**
 * The installed bundle's `node` carries the Endpoint Security entitlement and Full Disk Access, so
 * when it runs our entry script it refuses anything that would make it run something else, or
 * run it differently, before any command starts:
 * - node options other than the LaunchDaemon's own V8 settings (`--require`, `--import`,
 *   `--inspect`, `--experimental-loader`… would load code or open a debugger);
 * - an entry script other than the bundle's `dist/cli/main.js`;
 * - environment variables that make node or OpenSSL load code or change what it trusts:
 *   every non-empty `NODE_*` (NODE_OPTIONS, NODE_PATH, NODE_EXTRA_CA_CERTS,
 *   NODE_REPL_EXTERNAL_MODULE, NODE_TLS_REJECT_UNAUTHORIZED, NODE_ICU_DATA…), `OPENSSL_CONF`,
 *   `OPENSSL_MODULES`, `OPENSSL_ENGINES`, `DYLD_*`, `LD_*`, and `EMONDGUARD_NATIVE_ADDON`.
 *
 * This runs after node has parsed its options and NODE_OPTIONS, so it cannot undo a `--require`
 * that already ran: the wrapper (`env -i`) and the LaunchDaemon plist keep those from reaching the
 * binary in the first place, and this guard makes anything that slips past them fatal instead of
 * silently honoured (docs/DEPLOYMENT.md, "The entry point"). Any other node (development, CI,
 * tests) is unrestricted.
 */
export const BUNDLE_NODE_OPTIONS: readonly string[] = ['--max-semi-space-size=1', '--heap-growing-percent=50'];
export const BUNDLE_ENTRY_SCRIPT = `${APP_PATH}/Contents/Resources/app/dist/cli/main.js`;

const REFUSED_ENV = /^(NODE_.*|OPENSSL_CONF|OPENSSL_MODULES|OPENSSL_ENGINES|DYLD_.*|LD_.*|EMONDGUARD_NATIVE_ADDON)$/;

export interface EntryFacts {
  execPath: string;
  execArgv: readonly string[];
  argv: readonly string[];
  env: NodeJS.ProcessEnv;
}

/** What is wrong with how this process was started, as messages; empty when nothing is (or not the bundle). */
export function entryRefusals(facts: EntryFacts, isBundle = isInstalledBundleExecutable(facts.execPath)): string[] {
  if (!isBundle) return [];
  const refusals: string[] = [];
  const extra = facts.execArgv.filter((option) => !BUNDLE_NODE_OPTIONS.includes(option));
  if (extra.length > 0) refusals.push(`node options ${extra.map((o) => JSON.stringify(o)).join(' ')} (only ${BUNDLE_NODE_OPTIONS.join(' ')} are allowed)`);
  const script = facts.argv[1];
  if (script === undefined || realOrSame(script) !== realOrSame(BUNDLE_ENTRY_SCRIPT)) {
    refusals.push(`entry script ${JSON.stringify(script ?? '')} (only ${BUNDLE_ENTRY_SCRIPT} runs)`);
  }
  const names = Object.keys(facts.env).filter((name) => REFUSED_ENV.test(name) && facts.env[name] !== '').sort();
  if (names.length > 0) refusals.push(`environment variable${names.length === 1 ? '' : 's'} ${names.join(', ')}`);
  return refusals;
}

/** The refusal as one message that says what to do. */
export function entryRefusalMessage(refusals: readonly string[]): string {
  return (
    `the installed agent refuses to start with ${refusals.join('; ')}: its node carries the Endpoint Security ` +
    `entitlement and Full Disk Access, so it runs only its own script with its own options. ` +
    `Run it through /Library/EmondGuard/bin/emondguard (which clears the environment) or the LaunchDaemon.`
  );
}

function realOrSame(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return file;
  }
}
