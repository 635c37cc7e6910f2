/**
 * emond-only mode: Endpoint Security compares muted paths with real paths, so the agent resolves
 * emondPaths (symlinks, `..`) before it hands them over (issue 12, native defect 1). Driven through
 * openSource with the simulator build standing in for the framework.
 */
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { emondPathWarnings, resolveEmondPaths } from '../../src/agent/emond-paths.js';
import { openSource, type OpenedSource } from '../../src/agent/open-source.js';
import { resolveConfig } from '../../src/config/resolve.js';
import { addon, resetSimulator, sim } from '../native/sim-helpers.js';

let dir: string;
let opened: OpenedSource | undefined;
const messages: Array<{ level: string; message: string }> = [];
const log = {
  error: (message: string) => messages.push({ level: 'error', message }),
  warn: (message: string) => messages.push({ level: 'warn', message }),
  info: (message: string) => messages.push({ level: 'info', message }),
  verbose: () => {},
  debug: () => {},
};

beforeEach(() => {
  // /tmp on macOS is itself a symlink to /private/tmp: the real path of the directory is the base.
  dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'eg-emond-paths-')));
  mkdirSync(path.join(dir, 'private', 'tmp'), { recursive: true });
  writeFileSync(path.join(dir, 'private', 'tmp', 'emond'), '');
  // As on macOS: <dir>/tmp -> private/tmp
  symlinkSync('private/tmp', path.join(dir, 'tmp'));
  messages.length = 0;
});

afterEach(async () => {
  await opened?.source.stop();
  opened = undefined;
  resetSimulator();
  rmSync(dir, { recursive: true, force: true });
});

function emondOnlyConfig(emondPaths: string[]) {
  return resolveConfig({ file: { origin: 'test', values: { esMode: 'emond-only', emondPaths } } }).config;
}

async function open(emondPaths: string[]) {
  opened = await openSource('endpoint-security', emondOnlyConfig(emondPaths), { platform: 'darwin', macosMajor: 14, addon: addon(), log }, {
    onEvents: () => {},
    onWarning: () => {},
    onFatal: () => {},
  });
  return sim().clients()[0];
}

describe('emond-only mode and symlinked paths', () => {
  it('mutes the real path of a configured path that goes through a symlink (/tmp/emond is /private/tmp/emond)', async () => {
    const configured = path.join(dir, 'tmp', 'emond');
    const client = await open([configured]);
    expect(client?.pathMutingInverted).toBe(true);
    expect(client?.mutedPaths.map((m) => m.path)).toEqual([path.join(dir, 'private', 'tmp', 'emond')]);
    expect(messages).toContainEqual({ level: 'info', message: expect.stringContaining(`${configured} is ${path.join(dir, 'private', 'tmp', 'emond')}`) });
  });

  it('watches the paths that exist, warns about the others, and refuses when none exists', async () => {
    const real = path.join(dir, 'private', 'tmp', 'emond');
    const client = await open([path.join(dir, 'nope'), real, path.join(dir, 'tmp', '..', 'private', 'tmp', 'emond')]);
    // The missing one stays selected (a binary may appear there later), the duplicate goes.
    expect(client?.mutedPaths.map((m) => m.path)).toEqual([path.join(dir, 'nope'), real]);
    expect(messages).toContainEqual({ level: 'warn', message: expect.stringContaining(`${path.join(dir, 'nope')} does not exist`) });
    await opened?.source.stop();
    opened = undefined;
    await expect(open([path.join(dir, 'nope')])).rejects.toMatchObject({ code: 'E_AGENT_EMOND_ONLY_BLIND' });
  });
});

describe('resolveEmondPaths / emondPathWarnings', () => {
  it('resolves the existing ancestor of a path with nothing there yet (/tmp/emond before it is copied)', () => {
    const later = path.join(dir, 'tmp', 'later', 'emond');
    expect(resolveEmondPaths([later])).toEqual({
      watched: [path.join(dir, 'private', 'tmp', 'later', 'emond')],
      missing: [later],
      renamed: [{ configured: later, real: path.join(dir, 'private', 'tmp', 'later', 'emond') }],
    });
  });

  it('reports each configured path that does not exist, only in emond-only mode', () => {
    const present = path.join(dir, 'tmp', 'emond');
    expect(resolveEmondPaths([present, path.join(dir, 'x')])).toEqual({
      watched: [path.join(dir, 'private', 'tmp', 'emond'), path.join(dir, 'x')],
      missing: [path.join(dir, 'x')],
      renamed: [{ configured: present, real: path.join(dir, 'private', 'tmp', 'emond') }],
    });
    expect(emondPathWarnings({ esMode: 'full', emondPaths: [path.join(dir, 'x')] })).toEqual([]);
    const warnings = emondPathWarnings({ esMode: 'emond-only', emondPaths: [path.join(dir, 'x')] });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/x does not exist.*no listed path exists/);
  });
});
