import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const APP_REL = 'Library/EmondGuard/EmondGuard.app';

const made: string[] = [];
afterAll(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

export function scratchDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `emondguard-${prefix}-`));
  made.push(dir);
  return dir;
}

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function run(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Run {
  const result = spawnSync(command, args, {
    encoding: 'utf8',
    cwd: options.cwd ?? REPO,
    env: { ...process.env, ...options.env },
    timeout: 120_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** `scripts/build-pkg.sh --dry-run` into a fresh staging folder (dist/ is built by npm test). */
export function dryRun(extra: string[] = []): Run & { staging: string } {
  const staging = path.join(scratchDir('stage'), 'staging');
  const result = run(path.join(REPO, 'scripts/build-pkg.sh'), ['--dry-run', '--skip-build', '--staging', staging, ...extra]);
  return { ...result, staging };
}

let shared: (Run & { staging: string }) | undefined;

/** One dry run per test file, for tests that only read it or copy it (each run copies node). */
export function sharedDryRun(): Run & { staging: string } {
  shared ??= dryRun();
  if (shared.status !== 0) throw new Error(`build-pkg.sh --dry-run failed: ${shared.stderr}`);
  return shared;
}
