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
        if (status.warnings !== undefined && status.warnings.length > 0) {
          return {
            status: 'warn',
            summary: `configuration from ${status.source} is valid, but ${status.warnings.join('; ')}`,
            fix: `correct emondPaths in ${status.source} (or the MDM profile that sets com.emondguard.agent)`,
            details: { source: status.source },
          };
        }
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
