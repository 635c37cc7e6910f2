import type { Check } from '../check.js';
import { ES_MINIMUM, VENTURA, atLeast } from '../macos-version.js';

export const macosVersionCheck: Check = {
  id: 'macos-version',
  title: 'macOS version',
  async run(context) {
    if (!context.isMac) {
      return {
        status: 'fail',
        summary: `this is ${context.env.platform}, not macOS`,
        fix: 'live detection needs macOS 10.15 or later; elsewhere, hunt in recorded traces with `emondguard scan`',
      };
    }
    const version = await context.macosVersion();
    if (!version) {
      return { status: 'warn', summary: 'could not read the macOS version (sw_vers -productVersion failed)', fix: 'run /usr/bin/sw_vers and check the output' };
    }
    const details = { version: version.text, endpointSecurity: atLeast(version, ES_MINIMUM.major, ES_MINIMUM.minor), eslogger: atLeast(version, VENTURA), emondShipped: !atLeast(version, VENTURA) };
    if (!details.endpointSecurity) {
      return { status: 'fail', summary: `macOS ${version.text} predates Endpoint Security (10.15)`, fix: 'upgrade to macOS 10.15 Catalina or later', details };
    }
    const sources = details.eslogger ? 'Endpoint Security and eslogger' : 'Endpoint Security (eslogger needs macOS 13)';
    return { status: 'pass', summary: `macOS ${version.text}: ${sources} available`, details };
  },
};
