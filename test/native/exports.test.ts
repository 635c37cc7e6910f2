/**
 * The built addon exports only what Node's loader looks up (issue 12): with default visibility a
 * .node also exports every C++ template instance and, in simulator builds, the es_* / proc_*
 * stand-ins, which another library loaded into the process could then bind to.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { nativeAddonPath } from '../../src/native/addon.js';

/** The names in the file's dynamic symbol table that it defines (not the ones it imports). */
function definedDynamicSymbols(file: string): string[] {
  // GNU nm on ELF; Apple's nm on Mach-O (-g external, -U defined only), whose names carry a leading _.
  const args = process.platform === 'darwin' ? ['-gU', '-j', file] : ['-D', '--defined-only', file];
  const nm = spawnSync('nm', args, { encoding: 'utf8' });
  if (nm.error || nm.status !== 0) throw new Error(`nm ${args.join(' ')} failed: ${nm.error?.message ?? nm.stderr}`);
  return nm.stdout
    .split('\n')
    .map((line) => line.trim().split(/\s+/).at(-1) ?? '')
    .filter((name) => name !== '')
    .map((name) => (process.platform === 'darwin' ? name.replace(/^_/, '') : name.replace(/@.*$/, '')))
    .sort();
}

describe('the addon binary', () => {
  it('exports only the N-API module registration', () => {
    expect(definedDynamicSymbols(nativeAddonPath())).toEqual(['napi_register_module_v1', 'node_api_module_get_api_version_v1']);
  });
});
