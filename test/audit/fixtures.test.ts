import { spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, fixtureTree } from './fixture-tree.js';

const BINARY_FIXTURES = [
  'malicious/etc/emond.d/emond.plist',
  'malicious/etc/emond.d/rules/com.apple.softwareupdate.plist',
  'broken/etc/emond.d/rules/single-dict.plist',
  'broken/etc/emond.d/rules/odd-shapes.plist',
  'broken/etc/emond.d/rules/bad-binary.plist',
];

describe('binary fixtures', () => {
  it('are exactly what the committed generator writes', () => {
    const scratch = fixtureTree();
    copyFileSync(path.join(FIXTURES, 'generate_binary_fixtures.py'), path.join(scratch, 'generate.py'));
    const run = spawnSync('python3', [path.join(scratch, 'generate.py')], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    for (const fixture of BINARY_FIXTURES) {
      expect(readFileSync(path.join(scratch, fixture)).equals(readFileSync(path.join(FIXTURES, fixture))), fixture).toBe(true);
    }
  });

  it('are binary plists', () => {
    for (const fixture of BINARY_FIXTURES) {
      expect(readFileSync(path.join(FIXTURES, fixture)).subarray(0, 8).toString('latin1')).toBe('bplist00');
    }
  });
});
