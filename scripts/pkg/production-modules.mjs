#!/usr/bin/env node
// Copies the node_modules the agent needs at run time into the app bundle.
//
//   node scripts/pkg/production-modules.mjs <repo> <destination app folder>
//
// The closure is computed from package-lock.json (offline, exact versions as installed), starting at
// package.json's dependencies minus the ones only needed to *build* native code: the bundle ships
// prebuilt addons, and build tools inside a signed bundle are only more code to sign and review.
// Native packages (with binding.gyp) ship only their JavaScript and the built .node files, not
// their C sources and build trees. Prints one line per package to stdout.
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

/** Needed by `npm install` to compile or download addons, never by the running agent. */
export const BUILD_ONLY = new Set(['cmake-js', 'node-addon-api', 'node-api-headers', 'prebuild-install']);

const [repo, destination] = process.argv.slice(2);
if (!repo || !destination) {
  console.error('usage: production-modules.mjs <repo> <destination app folder>');
  process.exit(2);
}

const pkg = JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8'));
const lock = JSON.parse(readFileSync(path.join(repo, 'package-lock.json'), 'utf8'));
const packages = lock.packages ?? {};

/** Node's lookup: the nearest node_modules/<name> walking up from the requiring package. */
function resolve(fromKey, name) {
  let base = fromKey;
  for (;;) {
    const candidate = base ? `${base}/node_modules/${name}` : `node_modules/${name}`;
    if (packages[candidate]) return candidate;
    if (!base) return undefined;
    const up = base.lastIndexOf('/node_modules/');
    base = up === -1 ? '' : base.slice(0, up);
  }
}

const needed = new Set();
const queue = Object.keys(pkg.dependencies ?? {})
  .filter((name) => !BUILD_ONLY.has(name))
  .map((name) => ['', name]);
while (queue.length > 0) {
  const [from, name] = queue.shift();
  if (BUILD_ONLY.has(name)) continue;
  const key = resolve(from, name);
  if (!key) {
    const optional = packages[from]?.optionalDependencies?.[name] !== undefined;
    if (optional) continue;
    console.error(`production-modules: ${name} (needed by ${from || 'the app'}) is not in package-lock.json; run npm ci`);
    process.exit(1);
  }
  if (needed.has(key)) continue;
  needed.add(key);
  const entry = packages[key];
  for (const dep of Object.keys({ ...entry.dependencies, ...entry.optionalDependencies })) queue.push([key, dep]);
}

for (const key of [...needed].sort()) {
  const source = path.join(repo, key);
  if (!existsSync(source)) {
    if (packages[key].optional) continue;
    console.error(`production-modules: ${source} is missing; run npm ci`);
    process.exit(1);
  }
  const target = path.join(destination, key);
  mkdirSync(target, { recursive: true });
  if (existsSync(path.join(source, 'binding.gyp'))) copyNativePackage(source, target);
  else cpSync(source, target, { recursive: true, filter: (src) => !src.slice(source.length).includes('/node_modules/') || src === source });
  console.log(key);
}

/** JavaScript and the built addon only: no sources, object files or test extensions. */
function copyNativePackage(source, target) {
  for (const item of readdirSync(source)) {
    if (['build', 'deps', 'src', 'node_modules'].includes(item) || item === 'binding.gyp') continue;
    cpSync(path.join(source, item), path.join(target, item), { recursive: true });
  }
  const release = path.join(source, 'build', 'Release');
  if (!existsSync(release)) {
    console.error(`production-modules: ${source} has no build/Release; rebuild it (npm rebuild)`);
    process.exit(1);
  }
  for (const file of readdirSync(release).filter((f) => f.endsWith('.node') && !f.startsWith('test_'))) {
    mkdirSync(path.join(target, 'build', 'Release'), { recursive: true });
    cpSync(path.join(release, file), path.join(target, 'build', 'Release', file));
  }
}
