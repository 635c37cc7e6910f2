/**
 * The simulator is only worth its tests if what it declares is laid out as Apple's headers lay it
 * out: a field the addon reads at the wrong offset, a constant with another value, or a path
 * buffer of another size would pass here and fail on a Mac. native/sim/apple_layout.json holds
 * Apple's numbers (with the SDK they come from); sim.layout() reports the simulator's.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { sim } from './sim-helpers.js';

const SIM_DIR = fileURLToPath(new URL('../../native/sim/', import.meta.url));
const apple = JSON.parse(readFileSync(path.join(SIM_DIR, 'apple_layout.json'), 'utf8')) as {
  sdk: string;
  sizeof: Record<string, number>;
  offsetof: Record<string, number>;
  constants: Record<string, number>;
};

describe(`the simulator's declarations against Apple's (${apple.sdk}, LP64)`, () => {
  const measured = sim().layout();
  for (const table of ['sizeof', 'offsetof', 'constants'] as const) {
    it(`${table}: every entry as in Apple's headers`, () => {
      expect(Object.keys(measured[table]).sort()).toEqual(Object.keys(apple[table]).sort());
      expect(measured[table]).toEqual(apple[table]);
    });
  }
});

describe("the simulator's os_log", () => {
  /** Compiles `body` against the simulator's headers as the addon is compiled; returns clang's verdict. */
  function compile(body: string): { ok: boolean; stderr: string } {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'eg-oslog-'));
    try {
      const file = path.join(dir, 'probe.cpp');
      writeFileSync(file, `#include <os/log.h>\n${body}\n`);
      const run = spawnSync('clang++', ['-std=c++17', '-fsyntax-only', '-Werror=format', '-I', path.join(SIM_DIR, 'include'), file], { encoding: 'utf8' });
      if (run.error) throw new Error(`clang++ could not run (${run.error.message}); it builds the addon, so it should be installed`);
      return { ok: run.status === 0, stderr: run.stderr };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it('compiles a format that matches its arguments, privacy annotations included', () => {
    expect(compile('void f(os_log_t l, const char *s) { os_log_with_type(l, OS_LOG_TYPE_DEFAULT, "%{public}s %s", s, s); }')).toMatchObject({ ok: true });
  });

  it('refuses a format whose conversion does not match its argument, as on macOS', () => {
    const result = compile('void f(os_log_t l, int n) { os_log_with_type(l, OS_LOG_TYPE_DEFAULT, "%{public}s", n); }');
    expect(result.ok).toBe(false);
    expect(result.stderr).toMatch(/format specifies type/);
  });

  it('refuses a format that is not a string literal', () => {
    const result = compile('void f(os_log_t l, const char *format) { os_log_with_type(l, OS_LOG_TYPE_DEFAULT, format); }');
    expect(result.ok).toBe(false);
    expect(result.stderr).toMatch(/must be a string constant/);
  });
});
