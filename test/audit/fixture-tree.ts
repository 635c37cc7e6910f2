import { chmodSync, cpSync, mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';

export const FIXTURES = fileURLToPath(new URL('../fixtures/audit/', import.meta.url));

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/**
 * A private copy of a fixture tree (or an empty one), so a test can add what git cannot hold
 * (empty folders, modes, owners) without touching the committed files.
 */
export function fixtureTree(name?: string): string {
  const root = mkdtempSync(path.join(tmpdir(), 'emondguard-audit-'));
  made.push(root);
  if (name) cpSync(path.join(FIXTURES, name), root, { recursive: true });
  return root;
}

export function addEmptyDir(root: string, systemPath: string): void {
  mkdirSync(path.join(root, systemPath), { recursive: true });
}

export function setMode(root: string, systemPath: string, mode: number): void {
  chmodSync(path.join(root, systemPath), mode);
}
