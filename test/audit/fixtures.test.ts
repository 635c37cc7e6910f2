import { spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PlistError, parsePlist } from '../../src/plist/index.js';
import { FIXTURES, fixtureTree } from './fixture-tree.js';

const PARSEABLE = [
  'malicious/etc/emond.d/emond.plist',
  'malicious/etc/emond.d/rules/com.apple.softwareupdate.plist',
  'broken/etc/emond.d/rules/single-dict.plist',
  'broken/etc/emond.d/rules/odd-shapes.plist',
];
const CORRUPT = 'broken/etc/emond.d/rules/bad-binary.plist';

function read(file: string) {
  return parsePlist(new Uint8Array(readFileSync(file)), file);
}

function errorOf(file: string): string {
  try {
    read(file);
  } catch (error) {
    expect(error).toBeInstanceOf(PlistError);
    return (error as PlistError).message.replace(`${file}: `, '');
  }
  throw new Error(`${file} parsed`);
}

describe('binary fixtures', () => {
  // Values, not bytes: another Python version may lay out the same plist differently.
  it('hold what the committed generator writes', () => {
    const scratch = fixtureTree();
    copyFileSync(path.join(FIXTURES, 'generate_binary_fixtures.py'), path.join(scratch, 'generate.py'));
    const result = spawnSync('python3', [path.join(scratch, 'generate.py')], { encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
    for (const fixture of PARSEABLE) {
      expect(read(path.join(scratch, fixture)), fixture).toEqual(read(path.join(FIXTURES, fixture)));
    }
    expect(errorOf(path.join(scratch, CORRUPT))).toBe(errorOf(path.join(FIXTURES, CORRUPT)));
  });

  it('are binary plists', () => {
    for (const fixture of [...PARSEABLE, CORRUPT]) {
      expect(readFileSync(path.join(FIXTURES, fixture)).subarray(0, 8).toString('latin1')).toBe('bplist00');
      if (fixture !== CORRUPT) expect(read(path.join(FIXTURES, fixture)).format).toBe('binary');
    }
  });
});
