import { MACOS_ONLY, type Check } from '../check.js';
import { EMOND_BINARY } from '../install-layout.js';
import { VENTURA, atLeast } from '../macos-version.js';

/**
 * Whether this macOS has emond. Up to macOS 12 it does, and emond persistence is possible (audit
 * its rules); from 13 Apple removed it, so an alert means a program named emond that is not Apple's.
 */
export const emondCheck: Check = {
  id: 'emond',
  title: 'emond on this macOS',
  async run(context) {
    if (!context.isMac) return MACOS_ONLY;
    const version = await context.macosVersion();
    const present = context.env.fs.stat(EMOND_BINARY)?.isFile === true;
    const details = { present, ...(version ? { macos: version.text } : {}) };
    if (!version) return { status: present ? 'pass' : 'warn', summary: `${EMOND_BINARY} is ${present ? 'present' : 'absent'} (macOS version unknown)`, details };
    if (!atLeast(version, VENTURA)) {
      if (present) return { status: 'pass', summary: `emond ships with macOS ${version.text}: rules in /etc/emond.d can persist code; \`emondguard audit\` lists them`, details };
      return { status: 'warn', summary: `${EMOND_BINARY} is missing, though macOS ${version.text} ships it`, fix: 'check the system volume; then run `emondguard audit`', details };
    }
    if (present) {
      return { status: 'warn', summary: `${EMOND_BINARY} exists on macOS ${version.text}, which Apple shipped without emond`, fix: `inspect it: codesign -dv ${EMOND_BINARY}; ls -l ${EMOND_BINARY}; run \`emondguard audit\``, details };
    }
    return { status: 'pass', summary: `emond was removed in macOS 13: any process named emond here is a masquerade, and alerts on it matter`, details };
  },
};
