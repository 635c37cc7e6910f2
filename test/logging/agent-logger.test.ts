import fs from 'node:fs';
import path from 'node:path';
import type winston from 'winston';
import { describe, expect, it } from 'vitest';
import { closeAgentLogger, createAgentLogger } from '../../src/logging/agent-logger.js';
import { tempDir } from '../helpers/store.js';
import { RecordingUnifiedLog } from '../helpers/unified-log.js';

/** winston writes files asynchronously; closing waits until every entry is on disk. */
async function closed(logger: winston.Logger): Promise<void> {
  expect(await closeAgentLogger(logger, 10_000)).toBe(true);
}

describe('agent logger', () => {
  it('writes JSON lines with a level and time to a private file, honouring the configured level', async () => {
    const file = path.join(tempDir(), 'logs', 'agent.log');
    const logger = createAgentLogger({ file, level: 'info' });
    logger.debug('not at info level');
    logger.info('agent started', { source: 'endpoint-security' });
    logger.warn('sink failed', { sink: 'ndjson-file' });
    await closed(logger);
    const entries = fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(entries.map((e) => [e.level, e.message])).toEqual([
      ['info', 'agent started'],
      ['warn', 'sink failed'],
    ]);
    expect(entries[0]).toMatchObject({ source: 'endpoint-security' });
    expect(Number.isNaN(Date.parse(String(entries[0]?.timestamp)))).toBe(false);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it('sends the same entries to the unified log, category agent, message public and metadata private', async () => {
    const unified = new RecordingUnifiedLog();
    const logger = createAgentLogger({ unifiedLog: unified, level: 'debug' });
    logger.error('could not commit', { pendingAlerts: 3, path: '/Library/Application Support/emondguard/alerts.db' });
    logger.warn('sink recovered');
    logger.info('started');
    logger.debug('tick');
    await closed(logger);
    expect(unified.records.map((r) => [r.subsystem, r.category, r.level, r.message, r.public])).toEqual([
      ['com.emondguard.agent', 'agent', 'error', 'could not commit', true],
      ['com.emondguard.agent', 'agent', 'default', 'sink recovered', true],
      ['com.emondguard.agent', 'agent', 'info', 'started', true],
      ['com.emondguard.agent', 'agent', 'debug', 'tick', true],
    ]);
    expect(unified.records[0]?.detail).toBe('pendingAlerts=3 path="/Library/Application Support/emondguard/alerts.db"');
    expect(unified.records[1]?.detail).toBeUndefined();
  });

  it('keeps writing the file when the unified log is unavailable', async () => {
    const file = path.join(tempDir(), 'agent.log');
    const unified = new RecordingUnifiedLog();
    unified.failuresLeft = 1;
    const logger = createAgentLogger({ file, unifiedLog: unified });
    logger.info('first');
    logger.info('second');
    await closed(logger);
    expect(fs.readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(2);
    expect(unified.records.map((r) => r.message)).toEqual(['second']);
  });
});
