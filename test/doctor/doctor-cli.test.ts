import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DoctorReport } from '../../src/doctor/run-doctor.js';
import { renderDoctorReport } from '../../src/doctor/render-report.js';
import { runCli } from '../helpers/cli.js';

const scratch = mkdtempSync(path.join(tmpdir(), 'emondguard-doctor-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('emondguard doctor on this (non-macOS) machine', () => {
  it('prints ✓/✗ lines with fixes and exits 1 because this is not macOS', () => {
    const config = path.join(scratch, 'config.json');
    writeFileSync(config, '{"logLevel": "warn"}');
    const result = runCli(['doctor', '--config', config], { env: { EMONDGUARD_DB: path.join(scratch, 'missing/alerts.db') } });
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/^✗ macOS version: this is linux, not macOS$/m);
    expect(result.stdout).toMatch(/^ {4}fix: live detection needs macOS 10\.15/m);
    expect(result.stdout).toMatch(/^– Full Disk Access: macOS only$/m);
    expect(result.stdout).toContain(`✓ Configuration valid: configuration from file ${config} is valid`);
    expect(result.stdout).toMatch(/problems? to fix \(.*macos-version/);
  });

  it('checks the database path EMONDGUARD_DB names, with real modes', () => {
    const dir = path.join(scratch, 'db');
    mkdirSync(dir, { mode: 0o755 });
    writeFileSync(path.join(dir, 'alerts.db'), '');
    chmodSync(path.join(dir, 'alerts.db'), 0o644);
    const open = JSON.parse(runCli(['doctor', '--json'], { env: { EMONDGUARD_DB: path.join(dir, 'alerts.db') } }).stdout) as DoctorReport;
    const db = open.checks.find((c) => c.id === 'database');
    expect(db?.status).toBe('fail');
    expect(db?.summary).toContain('has mode 0755');
    expect(db?.summary).toContain('has mode 0644');
    chmodSync(dir, 0o700);
    chmodSync(path.join(dir, 'alerts.db'), 0o600);
    const closed = JSON.parse(runCli(['doctor', '--json'], { env: { EMONDGUARD_DB: path.join(dir, 'alerts.db') } }).stdout) as DoctorReport;
    expect(closed.checks.find((c) => c.id === 'database')).toMatchObject({ status: 'pass', details: { source: 'EMONDGUARD_DB' } });
  });

  it('prints JSON for MDM extension attributes', () => {
    const result = runCli(['doctor', '--json'], { env: { EMONDGUARD_DB: path.join(scratch, 'x/alerts.db') } });
    expect(result.status).toBe(1);
    const report = JSON.parse(result.stdout) as DoctorReport;
    expect(report.product).toBe('emondguard');
    expect(report.ok).toBe(false);
    expect(report.summary).toMatch(/^failing: .*macos-version/);
    expect(report.checks.map((c) => c.id)).toEqual([
      'root', 'macos-version', 'es-entitlement', 'full-disk-access', 'eslogger', 'daemon', 'database', 'configuration', 'disk-space', 'emond',
    ]);
    expect(report.checks.find((c) => c.id === 'disk-space')?.details).toMatchObject({ freeBytes: expect.any(Number) });
  });
});

describe('renderDoctorReport', () => {
  it('shows the fix for failures and warnings only, and a closing line', () => {
    const text = renderDoctorReport({
      product: 'emondguard',
      version: '1.2.3',
      ok: false,
      summary: 'failing: a',
      checks: [
        { id: 'a', title: 'A', status: 'fail', summary: 'broken', fix: 'mend it' },
        { id: 'b', title: 'B', status: 'warn', summary: 'wobbly', fix: 'tighten it' },
        { id: 'c', title: 'C', status: 'pass', summary: 'fine' },
        { id: 'd', title: 'D', status: 'skip', summary: 'n/a' },
      ],
    });
    expect(text).toBe(
      ['emondguard 1.2.3 doctor', '', '✗ A: broken', '    fix: mend it', '! B: wobbly', '    fix: tighten it', '✓ C: fine', '– D: n/a', '', '1 problem to fix (a).', ''].join('\n'),
    );
  });
});
