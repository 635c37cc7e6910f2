import { MACOS_ONLY, type Check } from '../check.js';
import { ESLOGGER_PATH } from '../install-layout.js';
import { VENTURA, atLeast } from '../macos-version.js';

/** eslogger is the live source for Macs without the entitlement (macOS 13+). */
export const esloggerCheck: Check = {
  id: 'eslogger',
  title: 'eslogger available',
  async run(context) {
    if (!context.isMac) return MACOS_ONLY;
    if (context.env.fs.isExecutable(ESLOGGER_PATH)) return { status: 'pass', summary: `${ESLOGGER_PATH} is available (needs root and Full Disk Access)` };
    const version = await context.macosVersion();
    if (version && !atLeast(version, VENTURA)) {
      return { status: 'warn', summary: `no eslogger: it ships with macOS 13, this is ${version.text}`, fix: 'use the entitled agent (Endpoint Security mode), or upgrade to macOS 13+ for eslogger mode' };
    }
    return { status: 'warn', summary: `${ESLOGGER_PATH} is missing or not executable`, fix: 'it is part of macOS 13+; check the system volume (csrutil status, softwareupdate)' };
  },
};
