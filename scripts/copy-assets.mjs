#!/usr/bin/env node
// Finishes dist/ after tsc (chained after it in `npm run build` and `prepare`):
// - copies the non-TypeScript files the product reads at run time from src/ to dist/, keeping their
//   paths (tsc only emits .js). Today: the built-in rule files, src/rules/builtin/*.toml, which
//   src/rules/builtin-rules.ts finds next to itself in both layouts;
// - makes the package's bin executable: tsc writes it 0644, and `npx emondguard` in a fresh clone
//   runs the file itself (npm links no bin for the project being installed).
import { chmodSync, cpSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const source = path.join(root, 'src');
const target = path.join(root, 'dist');
const ASSET = /\.toml$/;

const walk = (directory) => {
  for (const name of readdirSync(directory).sort()) {
    const from = path.join(directory, name);
    if (statSync(from).isDirectory()) {
      walk(from);
    } else if (ASSET.test(name)) {
      const to = path.join(target, path.relative(source, from));
      mkdirSync(path.dirname(to), { recursive: true });
      cpSync(from, to);
    }
  }
};

// A rule file deleted from src/ must not linger in dist/ and keep loading.
rmSync(path.join(target, 'rules', 'builtin'), { recursive: true, force: true });
walk(source);

const { bin } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
for (const file of Object.values(bin)) chmodSync(path.join(root, file), 0o755);
