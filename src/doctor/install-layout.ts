/**
 * Where the .pkg installs emondguard (scripts/build-pkg.sh lays out the same paths; a test keeps
 * them in step with launchd/com.emondguard.agent.plist).
 */
export const AGENT_LABEL = 'com.emondguard.agent';
export const BUNDLE_ID = 'com.emondguard.agent';
export const APP_PATH = '/Library/EmondGuard/EmondGuard.app';
export const APP_EXECUTABLE = `${APP_PATH}/Contents/MacOS/emondguard`;
export const LAUNCH_DAEMON_PLIST = `/Library/LaunchDaemons/${AGENT_LABEL}.plist`;
export const LOG_DIR = '/Library/Logs/emondguard';
export const ES_ENTITLEMENT = 'com.apple.developer.endpoint-security.client';
export const ESLOGGER_PATH = '/usr/bin/eslogger';
export const EMOND_BINARY = '/sbin/emond';
/** Readable only with Full Disk Access, even by root: the classic FDA test file. */
export const TCC_DATABASE = '/Library/Application Support/com.apple.TCC/TCC.db';

/** The parts of a ProgramArguments that runs node: what launchd gives node itself, and the script. */
export interface NodeProgramArguments {
  /** Between the executable and the script (`--max-semi-space-size=1`, …). */
  nodeOptions: string[];
  script: string;
}

/**
 * Splits the LaunchDaemon's ProgramArguments — [executable, ...node options, script, ...its
 * arguments] — at the first argument after the executable that is not an option. Undefined when
 * there is no script.
 */
export function nodeProgramArguments(args: readonly string[]): NodeProgramArguments | undefined {
  const scriptIndex = args.findIndex((arg, i) => i > 0 && !arg.startsWith('-'));
  if (scriptIndex < 1) return undefined;
  return { nodeOptions: args.slice(1, scriptIndex), script: args[scriptIndex] as string };
}
