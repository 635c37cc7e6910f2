import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string; bin: Record<string, string> };

describe('emondguard program', () => {
  it('prints the package version', () => {
    const result = runCli(['--version']);
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe(pkg.version);
  });

  it('runs as the built bin itself, as `npx emondguard` does in a fresh clone', () => {
    const bin = fileURLToPath(new URL(`../../${pkg.bin['emondguard']}`, import.meta.url));
    const result = spawnSync(bin, ['--version'], { encoding: 'utf8' });
    expect(result.error).toBeUndefined();
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe(pkg.version);
  });

  it('prints help that names the product', () => {
    const result = runCli(['--help']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Usage: emondguard');
    expect(result.stdout).toContain('T1546.014');
  });

  it('exits 2 with a hint on an unknown option', () => {
    const result = runCli(['--no-such-option']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/unknown option/);
    expect(result.stderr).toContain('--help');
  });
});
