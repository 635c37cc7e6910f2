import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CLI_PATH } from '../helpers/cli.js';
import { seedCliStore, tempDbPath } from '../helpers/store.js';

const RECORD_LOADS = fileURLToPath(new URL('../fixtures/cli/record-loads.mjs', import.meta.url));
const DIST = path.dirname(path.dirname(CLI_PATH));

/** The project modules (relative to dist/) and packages a CLI invocation loads. */
function modulesLoadedBy(args: string[]): { ours: string[]; packages: string[] } {
  const record = path.join(mkdtempSync(path.join(tmpdir(), 'emondguard-loads-')), 'loads.txt');
  const result = spawnSync(process.execPath, ['--import', RECORD_LOADS, CLI_PATH, ...args], {
    env: { ...process.env, EMONDGUARD_TEST_LOADS: record, NO_COLOR: '1' },
    encoding: 'utf8',
  });
  expect(result.status, result.stderr).toBe(0);
  const files = readFileSync(record, 'utf8')
    .split('\n')
    .filter((url) => url.startsWith('file:'))
    .map((url) => fileURLToPath(url));
  const packageOf = (file: string) => file.split(`node_modules${path.sep}`).pop()?.split(path.sep)[0] ?? '';
  return {
    ours: files.filter((file) => file.startsWith(DIST + path.sep)).map((file) => path.relative(DIST, file)),
    packages: [...new Set(files.filter((file) => file.includes('node_modules')).map(packageOf))],
  };
}

// Every command's implementation is imported when it runs: an administrator's `alerts list` (or
// a script's `--version`) must not pay for the agent, the rule engine or the configuration schema.
describe('what a command loads at start-up', () => {
  it('--version loads the command registrations and nothing of any implementation', () => {
    const { ours, packages } = modulesLoadedBy(['--version']);
    expect(packages).toEqual(['commander']);
    expect(ours.filter((file) => /^(agent|rules|events|process|sources|native|config\/(keys|resolve|load))/.test(file))).toEqual([]);
  });

  it('alerts list loads SQLite and the store reader, not the agent, the rules or the configuration schema', async () => {
    const db = tempDbPath();
    await seedCliStore(db);
    const { ours, packages } = modulesLoadedBy(['alerts', 'list', '--since', '30d', '--db', db]);
    expect(packages).toContain('better-sqlite3');
    expect(packages).not.toContain('winston');
    expect(ours).toContain(path.join('cli', 'alerts', 'list.js'));
    expect(ours.filter((file) => /^(agent|rules|events|process|sources|native|config\/(keys|resolve))/.test(file))).toEqual([]);
  });
});
