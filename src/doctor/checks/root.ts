import type { Check } from '../check.js';

export const rootCheck: Check = {
  id: 'root',
  title: 'Running as root',
  async run({ env }) {
    if (env.uid === undefined) return { status: 'skip', summary: 'this platform has no user ids' };
    if (env.uid === 0) return { status: 'pass', summary: 'yes (uid 0)' };
    return {
      status: 'fail',
      summary: `running as uid ${env.uid}: Endpoint Security clients, the daemon's state and the alert database need root`,
      fix: 'run it with sudo: sudo emondguard doctor',
      details: { uid: env.uid },
    };
  },
};
