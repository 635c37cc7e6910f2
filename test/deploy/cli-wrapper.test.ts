import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO } from './staging.js';

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/**
 * The wrapper as installed, but with APP pointing at a stand-in bundle whose "node" prints the
 * arguments and the environment it was given.
 */
function wrapperWithFakeBundle(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'emondguard-wrapper-'));
  made.push(dir);
  const app = path.join(dir, 'EmondGuard.app');
  mkdirSync(path.join(app, 'Contents/MacOS'), { recursive: true });
  const fakeNode = path.join(app, 'Contents/MacOS/emondguard');
  writeFileSync(fakeNode, '#!/bin/sh\nfor a in "$@"; do printf "arg=%s\\n" "$a"; done\n/usr/bin/env | sed "s/^/env:/"\n');
  chmodSync(fakeNode, 0o755);
  const original = readFileSync(path.join(REPO, 'scripts/pkg/emondguard-cli'), 'utf8');
  expect(original).toContain('APP="/Library/EmondGuard/EmondGuard.app"');
  const wrapper = path.join(dir, 'emondguard');
  writeFileSync(wrapper, original.replace('APP="/Library/EmondGuard/EmondGuard.app"', `APP="${app}"`));
  chmodSync(wrapper, 0o755);
  return wrapper;
}

function run(env: NodeJS.ProcessEnv, args: string[]): { args: string[]; env: Record<string, string> } {
  const result = spawnSync('/bin/sh', [wrapperWithFakeBundle(), ...args], { env, encoding: 'utf8' });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  const lines = result.stdout.split('\n');
  const seen: Record<string, string> = {};
  for (const line of lines.filter((l) => l.startsWith('env:'))) {
    const [name, ...value] = line.slice(4).split('=');
    seen[name as string] = value.join('=');
  }
  // The stand-in is a shell script: the shell itself sets these.
  for (const own of ['PWD', 'SHLVL', '_', 'OLDPWD']) delete seen[own];
  return { args: lines.filter((l) => l.startsWith('arg=')).map((l) => l.slice(4)), env: seen };
}

describe('scripts/pkg/emondguard-cli', () => {
  it("gives the bundle's node a clean environment: no NODE_* or addon override, only what the CLI reads", () => {
    const { env } = run(
      {
        PATH: '/usr/bin:/bin',
        NODE_OPTIONS: '--require /tmp/evil.js',
        NODE_PATH: '/tmp',
        NODE_EXTRA_CA_CERTS: '/tmp/ca.pem',
        NODE_REPL_EXTERNAL_MODULE: '/tmp/repl.js',
        OPENSSL_CONF: '/tmp/openssl.cnf',
        DYLD_INSERT_LIBRARIES: '/tmp/x.dylib',
        EMONDGUARD_NATIVE_ADDON: '/tmp/evil.node',
        TERM: 'xterm-256color',
        NO_COLOR: '1',
        HOME: '/Users/ann',
        EMONDGUARD_DB: '/Users/ann/hunt.db',
        SOMETHING_ELSE: 'x',
      },
      ['alerts', 'list'],
    );
    expect(env).toEqual({
      PATH: '/usr/bin:/bin:/usr/sbin:/sbin',
      TERM: 'xterm-256color',
      NO_COLOR: '1',
      HOME: '/Users/ann',
      EMONDGUARD_DB: '/Users/ann/hunt.db',
    });
  });

  it('passes every argument through unchanged, after the entry script', () => {
    const { args } = run({ PATH: '/usr/bin:/bin' }, ['scan', '--db', '/tmp/a b.db', '', "it's", '--require']);
    expect(args.slice(1)).toEqual(['scan', '--db', '/tmp/a b.db', '', "it's", '--require']);
    expect(args[0]).toMatch(/EmondGuard\.app\/Contents\/Resources\/app\/dist\/cli\/main\.js$/);
  });
});
