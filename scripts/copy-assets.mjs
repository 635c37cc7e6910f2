#!/usr/bin/env node
// Copies the non-TypeScript files the product reads at run time from src/ to dist/, keeping their
// paths (tsc only emits .js). Today: the built-in rule files, src/rules/builtin/*.toml, which
// src/rules/builtin-rules.ts finds next to itself in both layouts. Chained after tsc in
// `npm run build` and `prepare`.
import { cpSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
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
