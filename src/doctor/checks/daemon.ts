import { MACOS_ONLY, type Check } from '../check.js';
import { AGENT_LABEL, LAUNCH_DAEMON_PLIST, LOG_DIR } from '../install-layout.js';

/** `launchctl print system/<label>`: loaded or not, and whether it runs. */
export const daemonCheck: Check = {
  id: 'daemon',
  title: 'Daemon loaded',
  async run(context) {
    if (!context.isMac) return MACOS_ONLY;
    const result = await context.env.run('/bin/launchctl', ['print', `system/${AGENT_LABEL}`]);
    if (result.status !== 0) {
      if (result.error) return { status: 'warn', summary: `could not run launchctl (${result.error})`, fix: 'check /bin/launchctl' };
      return {
        status: 'fail',
        summary: `${AGENT_LABEL} is not loaded`,
        fix: `sudo launchctl bootstrap system ${LAUNCH_DAEMON_PLIST} (the .pkg's postinstall does this)`,
        details: { launchctlExit: result.status ?? -1 },
      };
    }
    const state = /^\s*state = (.+)$/m.exec(result.stdout)?.[1]?.trim() ?? 'unknown';
    const pid = /^\s*pid = (\d+)$/m.exec(result.stdout)?.[1];
    const lastExit = /^\s*last exit code = (.+)$/m.exec(result.stdout)?.[1]?.trim();
    const details: Record<string, string | number> = { state };
    if (pid) details.pid = Number(pid);
    if (lastExit) details.lastExitCode = lastExit;
    if (state === 'running') return { status: 'pass', summary: `${AGENT_LABEL} is running${pid ? ` (pid ${pid})` : ''}`, details };
    return {
      status: 'fail',
      summary: `${AGENT_LABEL} is loaded but ${state}${lastExit ? ` (last exit code ${lastExit})` : ''}`,
      fix: `read ${LOG_DIR}/daemon.err.log, then: sudo launchctl kickstart -k system/${AGENT_LABEL}`,
      details,
    };
  },
};
