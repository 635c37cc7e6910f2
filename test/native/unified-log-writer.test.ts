import winston from 'winston';
import { afterEach, describe, expect, it } from 'vitest';
import { UnifiedLogTransport } from '../../src/logging/unified-log-transport.js';
import type { UnifiedLogWriter } from '../../src/logging/unified-log.js';
import { addon, resetSimulator, sim } from './sim-helpers.js';

afterEach(resetSimulator);

describe('the addon as the product\'s unified-log writer', () => {
  it('records what the winston transport logs, message public and metadata private', async () => {
    const writer: UnifiedLogWriter = addon();
    const logger = winston.createLogger({ level: 'debug', transports: [new UnifiedLogTransport({ writer })] });
    logger.warn('rules reloaded', { count: 3 });
    await new Promise((resolve) => setImmediate(resolve));
    expect(sim().logRecords()).toEqual([
      {
        subsystem: 'com.emondguard.agent',
        category: 'agent',
        level: 'default',
        format: '%{public}s %s',
        message: 'rules reloaded <private>',
        args: [
          { value: 'rules reloaded', public: true },
          { value: 'count=3', public: false },
        ],
      },
    ]);
  });
});
