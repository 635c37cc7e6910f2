import type { Check } from '../check.js';

/** Delegates to the configuration loader (issue 5) through the environment's probe. */
export const configurationCheck: Check = {
  id: 'configuration',
  title: 'Configuration valid',
  async run({ env }) {
    const status = env.checkConfiguration();
    switch (status.state) {
      case 'not-configured':
        return { status: 'skip', summary: status.detail };
      case 'valid':
        return { status: 'pass', summary: `configuration from ${status.source} is valid`, details: { source: status.source } };
      case 'invalid':
        return {
          status: 'fail',
          summary: `configuration from ${status.source} is invalid: ${status.errors.join('; ')}`,
          fix: `correct ${status.source} (or the MDM profile that sets com.emondguard.agent)`,
          details: { source: status.source },
        };
    }
  },
};
