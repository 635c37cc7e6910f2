#!/usr/bin/env node
// Runs the benchmarks and writes docs/BENCHMARKS.md.
//
//   npm run bench                 # every scripts/bench/*.bench.mjs
//   npm run bench -- scan store   # only those, keeping the other sections of the file as they were
//
// Each *.bench.mjs runs in its own process (so one's heap and threads never colour another's
// figures) and prints one Markdown section on stdout; progress goes to stderr. The runner
// stamps the file with the machine, the command and the date, because figures without those are
// not comparable.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const output = path.join(root, 'docs', 'BENCHMARKS.md');

const available = readdirSync(here)
  .filter((f) => f.endsWith('.bench.mjs'))
  .map((f) => f.replace(/\.bench\.mjs$/, ''))
  .sort();
const wanted = process.argv.slice(2);
for (const name of wanted) {
  if (!available.includes(name)) {
    console.error(`bench: no benchmark named "${name}" (have: ${available.join(', ')})`);
    process.exit(2);
  }
}
const selected = wanted.length > 0 ? wanted : available;

// Benchmarks measure the built product, so build it first.
execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });

const sections = readSections(existsSync(output) ? readFileSync(output, 'utf8') : '');
let failed = false;
for (const name of selected) {
  console.error(`\n=== bench: ${name} ===`);
  const started = new Date();
  const run = spawnSync(process.execPath, ['--expose-gc', path.join(here, `${name}.bench.mjs`)], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.status !== 0) {
    console.error(`bench: ${name} failed (exit ${run.status ?? run.signal}); its section is left as it was`);
    failed = true;
    continue;
  }
  sections.set(name, `_Run ${started.toISOString().slice(0, 10)} with \`npm run bench -- ${name}\`._\n\n${run.stdout.trim()}\n`);
}

mkdirSync(path.dirname(output), { recursive: true });
writeFileSync(output, render(sections));
console.error(`\nbench: wrote ${path.relative(root, output)}`);
process.exit(failed ? 1 : 0);

function machine() {
  const cpus = os.cpus();
  const lines = [
    `- CPU: ${cpus[0]?.model ?? 'unknown'} × ${cpus.length}`,
    `- Memory: ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    `- OS: ${os.type()} ${os.release()} (${os.arch()})`,
    `- Node: ${process.version}`,
  ];
  return lines.join('\n');
}

function readSections(text) {
  const map = new Map();
  const re = /<!-- bench:([\w-]+) -->\n([\s\S]*?)<!-- \/bench:\1 -->/g;
  for (const m of text.matchAll(re)) map.set(m[1], m[2]);
  return map;
}

function render(map) {
  const names = [...map.keys()].sort();
  const body = names.map((n) => `<!-- bench:${n} -->\n${map.get(n)}<!-- /bench:${n} -->`).join('\n\n');
  return (
    `# Benchmarks\n\n` +
    `Written by \`npm run bench\` (scripts/bench/run.mjs). Figures are from one machine and one run; ` +
    `comparisons are made side by side in the same run, as ratios, because these machines are noisy.\n\n` +
    `Machine of the last run (${new Date().toISOString().slice(0, 10)}):\n\n${machine()}\n\n${body}\n`
  );
}
