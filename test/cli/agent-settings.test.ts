import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(path.join(tmpdir(), 'emondguard-settings-'));

/** A demo database holds four alerts dated now; the configuration file points the admin commands at it. */
function configured(values: Record<string, unknown>): { env: NodeJS.ProcessEnv; db: string } {
  const db = path.join(dir, `${Object.keys(values).join('-') || 'plain'}.db`);
  expect(runCli(['demo', '--db', db]).status).toBe(0);
  const config = path.join(dir, `${path.basename(db)}.json`);
  writeFileSync(config, JSON.stringify({ databasePath: db, ...values }));
  return { env: { EMONDGUARD_CONFIG: config, EMONDGUARD_DB: '' }, db };
}

describe('the alerts commands and the agent configuration', () => {
  it('read the database the configuration names when neither --db nor EMONDGUARD_DB is given', () => {
    const { env } = configured({});
    const list = runCli(['alerts', 'list', '--since', '1h', '--format', 'json'], { env });
    expect(list.status, list.stderr).toBe(0);
    expect(JSON.parse(list.stdout)).toHaveLength(4);
  });

  it('prune with the configured retention when no limits are given', () => {
    const { env } = configured({ retentionDays: 400, maxDatabaseMB: 2048 });
    const prune = runCli(['alerts', 'prune'], { env });
    expect(prune.status, prune.stderr).toBe(0);
    expect(prune.stdout).toContain('older than 400 day(s)');
    expect(prune.stdout).toContain('over the 2.0 GiB cap');
  });

  it('refuse to guess when the configuration is broken, and say how to go on', () => {
    const config = path.join(dir, 'broken.json');
    writeFileSync(config, '{"retentionDays": "forever"}');
    const list = runCli(['alerts', 'list'], { env: { EMONDGUARD_CONFIG: config, EMONDGUARD_DB: '' } });
    expect(list.status).toBe(2);
    expect(list.stderr).toContain('cannot tell where the agent keeps its database');
    expect(list.stderr).toContain('give --db PATH');
  });
});
