import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SimulatorControls } from '../../src/native/native-types.js';
import { LOAD_ARG_CHUNK_BYTES, SimulatorDriver, ordinaryExec } from '../../src/sources/simulator-driver.js';
import { runCli } from '../helpers/cli.js';

const argvBytes = (args: Array<string | Buffer> | undefined): number => (args ?? []).reduce((n, a) => n + Buffer.byteLength(a), 0);

describe('the simulator load with --load-arg-bytes', () => {
  it('gives every ordinary exec about BYTES of argv, in arguments no larger than the chunk', () => {
    for (const bytes of [1, 999, 1000, 250_000, 1_048_576]) {
      const args = ordinaryExec(bytes).args ?? [];
      expect(Math.abs(argvBytes(args) - bytes)).toBeLessThanOrEqual(Math.max(32, bytes * 0.001));
      expect(Math.max(...args.map((a) => Buffer.byteLength(a)))).toBeLessThanOrEqual(LOAD_ARG_CHUNK_BYTES);
    }
    // Without it, the ordinary exec stays the small `git status --short`.
    expect(ordinaryExec().args).toEqual(['git', 'status', '--short']);
  });

  it('puts the heavy exec into the burst the simulator thread replays', async () => {
    const bursts: Array<Parameters<SimulatorControls['burst']>[0]> = [];
    const sim = { burst: (options: Parameters<SimulatorControls['burst']>[0]) => bursts.push(options) && 0 } as unknown as SimulatorControls;
    await new SimulatorDriver(sim, () => 0).run({ load: { execPerSecond: 2000, emondChainEverySeconds: 10, argBytes: 250_000 } });
    const pattern = bursts[0] && 'pattern' in bursts[0] ? bursts[0].pattern : [];
    expect(argvBytes(pattern[0]?.message.args)).toBeGreaterThan(249_000);
    expect(bursts[0]).toMatchObject({ ratePerSecond: 2000, stampNow: true });
  });

  it('is documented in run --help, and a bad value names the flag (exit 2)', () => {
    expect(runCli(['run', '--help']).stdout).toContain('--load-arg-bytes <bytes>');
    for (const bad of ['0', '-5', '12.5', 'lots', '16777217']) {
      const result = runCli(['run', '--source', 'simulator', '--load', '10', '--load-arg-bytes', bad]);
      expect(result.status).toBe(2);
      expect(result.stderr).toContain(`--load-arg-bytes: expected a whole number of bytes from 1 to 16777216, got "${bad}"`);
    }
  });

  it('refuses --load-arg-bytes without --load', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'emondguard-load-'));
    const result = runCli(['run', '--config', path.join(dir, 'none.json'), '--source', 'simulator', '--load-arg-bytes', '1000']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--load-arg-bytes sets the size of the synthetic load: use it with --load');
  });
});
