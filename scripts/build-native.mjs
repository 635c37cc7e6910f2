#!/usr/bin/env node
// Builds the native addon with cmake-js (native/CMakeLists.txt).
//
//   node scripts/build-native.mjs             # npm run build:native: fails loudly
//   node scripts/build-native.mjs --optional  # npm install: warns and succeeds when it cannot build
//
// The addon is optional for the product as a whole: without it only the live Endpoint Security
// source is unavailable, so an install on a machine without a compiler must still succeed.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const optional = process.argv.includes('--optional');
const cmakeJs = path.join(root, 'node_modules', 'cmake-js', 'bin', 'cmake-js');

const HOW_TO =
  process.platform === 'darwin'
    ? 'Install the Xcode Command Line Tools (`xcode-select --install`) and CMake, then run `npm run build:native`.'
    : 'Install clang, cmake and the blocks runtime (Debian/Ubuntu: `apt-get install clang cmake libblocksruntime-dev`), then run `npm run build:native`.';

function fail(reason) {
  if (optional) {
    console.warn(
      `\nemondguard: WARNING: the native Endpoint Security addon was not built (${reason}).\n` +
        `  ${HOW_TO}\n  Everything except the live Endpoint Security source (for example \`emondguard scan\`) works without it.\n`,
    );
    process.exit(0);
  }
  console.error(`emondguard: building the native addon failed (${reason}). ${HOW_TO}`);
  process.exit(1);
}

function has(command) {
  return spawnSync(command, ['--version'], { stdio: 'ignore' }).status === 0;
}

if (!existsSync(cmakeJs)) fail('cmake-js is not installed; run `npm install` first');
if (!has('cmake')) fail('cmake was not found on PATH');
// gcc has no blocks extension, so clang is required on every platform.
if (!has('clang++')) fail('clang++ was not found on PATH');

const args = [
  cmakeJs,
  'rebuild',
  '--directory', path.join(root, 'native'),
  '--out', path.join(root, 'native', 'build'),
  '--parallel', String(Math.max(1, Math.min(2, os.availableParallelism?.() ?? 1))),
  '--CDCMAKE_C_COMPILER=clang',
  '--CDCMAKE_CXX_COMPILER=clang++',
  '--CDCMAKE_BUILD_TYPE=Release',
];
const result = spawnSync(process.execPath, args, { cwd: root, stdio: optional ? 'pipe' : 'inherit', encoding: 'utf8' });
if (result.status !== 0) {
  if (optional) process.stderr.write(`${result.stdout ?? ''}${result.stderr ?? ''}`.split('\n').slice(-30).join('\n'));
  fail(`cmake-js exited with ${result.status ?? result.signal}`);
}
if (!optional) console.log('emondguard: native addon built at native/build/Release/emondguard_native.node');
