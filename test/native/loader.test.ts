import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The loader caches per path, so each scenario runs in a fresh Node process against the built dist/.
const ADDON_MODULE = fileURLToPath(new URL('../../dist/native/addon.js', import.meta.url));

function load(addonPath: string | undefined, call = 'loadNativeAddon') {
  const script = `
    const m = await import(${JSON.stringify(ADDON_MODULE)});
    try {
      const a = m.${call}();
      console.log(JSON.stringify({ ok: true, value: a === null ? null : { backend: a.backend, platform: a.platform } }));
    } catch (e) {
      console.log(JSON.stringify({ ok: false, name: e.name, code: e.code, message: e.message, isNativeAddonError: e instanceof m.NativeAddonError }));
    }`;
  const env = { ...process.env };
  if (addonPath === undefined) delete env.EMONDGUARD_NATIVE_ADDON;
  else env.EMONDGUARD_NATIVE_ADDON = addonPath;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env });
  expect(run.stderr).toBe('');
  return JSON.parse(run.stdout) as Record<string, unknown>;
}

describe('native addon loader', () => {
  it('loads the built addon (simulator backend on this platform)', () => {
    expect(load(undefined)).toEqual({
      ok: true,
      value: { backend: process.platform === 'darwin' ? 'endpoint-security' : 'simulator', platform: process.platform },
    });
  });

  it('reports a missing addon with what to run and what still works', () => {
    const result = load('/nonexistent/emondguard_native.node');
    expect(result).toMatchObject({ ok: false, name: 'NativeAddonError', code: 'E_ADDON_MISSING', isNativeAddonError: true });
    expect(result.message).toMatch(/\/nonexistent\/emondguard_native\.node does not exist/);
    expect(result.message).toMatch(/npm run build:native/);
    expect(result.message).toMatch(/libblocksruntime-dev/);
    expect(result.message).toMatch(/scan/);
  });

  it('reports a binary for another platform as an ABI error with the rebuild command', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'emondguard-addon-'));
    const foreign = path.join(dir, 'emondguard_native.node');
    // A Mach-O header: what a macOS build looks like to Linux's loader.
    writeFileSync(foreign, Buffer.concat([Buffer.from([0xcf, 0xfa, 0xed, 0xfe, 0x0c, 0x00, 0x00, 0x01]), Buffer.alloc(4096)]));
    const result = load(foreign);
    expect(result).toMatchObject({ ok: false, code: process.platform === 'darwin' ? 'E_ADDON_LOAD' : 'E_ADDON_ABI' });
    expect(result.message).toMatch(/npm run build:native/);
  });

  it('tryLoadNativeAddon returns null instead of throwing when the addon is missing', () => {
    expect(load('/nonexistent/emondguard_native.node', 'tryLoadNativeAddon')).toEqual({ ok: true, value: null });
  });
});
