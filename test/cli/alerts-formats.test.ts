import { beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../helpers/cli.js';
import { seedCliStore } from '../helpers/store.js';

const GOLDEN = '../fixtures/store/golden';
let db: string;

beforeAll(async () => {
  db = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'emondguard-cli-')), 'alerts.db');
  await seedCliStore(db);
});

function ok(args: string[], env: NodeJS.ProcessEnv = {}): string {
  const result = runCli(['alerts', ...args, '--db', db], { env: { COLUMNS: '', ...env } });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return result.stdout;
}

const widest = (text: string): number => Math.max(...text.split('\n').map((l) => [...l].length));

describe('emondguard alerts: formats (golden outputs)', () => {
  it('list as an 80-column table, newest first, escapes shown not executed', async () => {
    const out = ok(['list']);
    expect(widest(out)).toBeLessThanOrEqual(80);
    expect(out).not.toContain('\u001b');
    await expect(out).toMatchFileSnapshot(`${GOLDEN}/list.table.txt`);
  });

  it('list as a wider table adds the rule column when COLUMNS allows', async () => {
    const out = ok(['list'], { COLUMNS: '132' });
    expect(widest(out)).toBeLessThanOrEqual(132);
    expect(out).toContain('RULE');
    await expect(out).toMatchFileSnapshot(`${GOLDEN}/list.table-132.txt`);
  });

  it('list as json, ndjson and csv', async () => {
    await expect(ok(['list', '--format', 'json'])).toMatchFileSnapshot(`${GOLDEN}/list.json`);
    const ndjson = ok(['list', '--format', 'ndjson']);
    expect(ndjson.trim().split('\n').map((l) => (JSON.parse(l) as { id: number }).id)).toEqual([6, 5, 4, 3, 2, 1]);
    await expect(ndjson).toMatchFileSnapshot(`${GOLDEN}/list.ndjson`);
    const csv = ok(['list', '--format', 'csv']);
    // A formula-looking command line stays text in a spreadsheet.
    expect(csv).toContain(`"'=HYPERLINK(""http://x"") -d payload"`);
    await expect(csv).toMatchFileSnapshot(`${GOLDEN}/list.csv`);
  });

  it('list filters and limits', () => {
    const ids = (args: string[]): number[] =>
      ok(['list', '--format', 'ndjson', ...args]).trim().split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { id: number }).id);
    expect(ids(['--since', '2025-08-07T09:00:00Z', '--until', '2025-08-07T11:00:00Z'])).toEqual([4, 3]);
    expect(ids(['--since', '2025-08-07'])).toEqual([6, 5, 4, 3, 2]);
    expect(ids(['--rule', 'Emond Rule With Command Action'])).toEqual([4]);
    expect(ids(['--rule', 'b7c1a1f0-0000-4000-8000-000000000001', '--rule', 'nope'])).toEqual([4]);
    expect(ids(['--severity', 'high,critical'])).toEqual([4]);
    expect(ids(['--status', 'acknowledged', '--status', 'resolved'])).toEqual([3, 2]);
    expect(ids(['--limit', '2'])).toEqual([6, 5]);
    expect(ids(['--since', '24h'])).toEqual([]);
    expect(ok(['list', '--since', '24h'])).toBe('No alerts match.\n');
  });

  it('list says when the limit hides alerts', () => {
    expect(ok(['list', '--limit', '2'])).toMatch(/Showing the newest 2 of 6 matching alerts; --limit N \(0 for all\) shows more\.\n$/);
  });

  it('show prints everything: facts, MITRE links, references, the investigation guide and the document', async () => {
    const out = ok(['show', '1']);
    expect(out).toContain('https://attack.mitre.org/techniques/T1546/014/');
    expect(out).toContain('## Triage and analysis');
    await expect(out).toMatchFileSnapshot(`${GOLDEN}/show-1.txt`);
    const json = JSON.parse(ok(['show', '5', '--format', 'json'])) as { count: number; document: { emondguard: { count: number } } };
    expect(json.count).toBe(4);
    expect(json.document.emondguard.count).toBe(4);
  });

  it('stats per rule and day with merged and suppressed counts, throttled windows and drops', async () => {
    const out = ok(['stats']);
    expect(widest(out)).toBeLessThanOrEqual(80);
    await expect(out.replace(/Database: [\d.]+ \w+,/, 'Database: <size>,')).toMatchFileSnapshot(`${GOLDEN}/stats.txt`);
    const json = JSON.parse(ok(['stats', '--format', 'json'])) as { totals: Record<string, number>; drops: unknown[]; windows: unknown[] };
    expect(json.totals).toEqual({ alerts: 6, open: 4, acknowledged: 1, resolved: 1, merged: 3, suppressed: 250 });
    expect(json.drops).toEqual([{ day: '2025-08-07', count: 12 }]);
    expect(json.windows).toHaveLength(1);
  });

  it('export writes full ECS documents oldest first', async () => {
    const out = ok(['export', '--format', 'ecs-ndjson']);
    const docs = out.trim().split('\n').map((l) => JSON.parse(l) as { process: { pid: number }; event: { kind: string }; threat: unknown[] });
    expect(docs.map((d) => d.process.pid)).toEqual([501, 502, 503, 504, 505, 506]);
    expect(docs.every((d) => d.event.kind === 'alert' && d.threat.length === 1)).toBe(true);
    await expect(out).toMatchFileSnapshot(`${GOLDEN}/export.ecs.ndjson`);
    expect(ok(['export', '--since', '2025-08-07T11:00:00Z']).trim().split('\n')).toHaveLength(2);
  });

  it('colours only when asked, and never when NO_COLOR is set', () => {
    const coloured = ok(['list'], { NO_COLOR: '', FORCE_COLOR: '1' });
    expect(coloured).toContain('\u001b[1mID\u001b[0m');
    expect(coloured).toContain('\u001b[33mmedium\u001b[0m');
    expect(widest(coloured.replace(/\u001b\[\d+m/g, ''))).toBeLessThanOrEqual(80);
    expect(ok(['list'], { NO_COLOR: '1', FORCE_COLOR: '1' })).not.toContain('\u001b[');
    expect(ok(['stats'], { NO_COLOR: '1', FORCE_COLOR: '1' })).not.toContain('\u001b[');
    expect(ok(['show', '1'], { NO_COLOR: '1', FORCE_COLOR: '1' })).not.toContain('\u001b[');
  });
});

describe('emondguard alerts: hostile text stays text', () => {
  const HOSTILE = 'x\u001b]8;;http://evil\u0007\u009b2J\u202Edcba\u200B\u{E0041}';
  const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200b\u202e]|\u{E0041}/u;

  it('show escapes note, references, MITRE fields, status notes and args, in text and json', async () => {
    const { renderAlert } = await import('../../src/cli/alerts/show.js');
    const alert = JSON.parse(ok(['show', '1', '--format', 'json'])) as import('../../src/storage/alert-rows.js').AlertDetail;
    alert.rule_context.note = `## Guide\n\n${HOSTILE}\n`;
    alert.rule_context.references = [`https://example.com/${HOSTILE}`];
    alert.document.threat = [
      {
        framework: 'MITRE ATT&CK',
        tactic: { id: `TA${HOSTILE}`, name: HOSTILE, reference: HOSTILE },
        technique: [{ id: HOSTILE, name: HOSTILE, reference: HOSTILE, subtechnique: [{ id: HOSTILE, name: HOSTILE, reference: HOSTILE }] }],
      },
    ];
    alert.status = 'acknowledged';
    alert.status_note = HOSTILE;
    alert.status_history = [
      { status: 'acknowledged', at: '2025-08-07T10:00:00.000Z', by: HOSTILE, note: HOSTILE },
      { status: 'resolved', at: '2025-08-07T11:00:00.000Z', by: 'ann', note: HOSTILE },
    ] as typeof alert.status_history;
    (alert.document.process as { args: string[] }).args = ['/bin/sh', '-c', HOSTILE];
    const text = renderAlert(alert, false);
    expect(text).not.toMatch(RAW);
    expect(text).toContain('x\\x1b]8;;http://evil\\x07\\x9b2J\\u202edcba\\u200b\\u{e0041}');
    expect(text).toContain('## Guide\n\n'); // the guide keeps its line breaks
    expect(text).toContain('x\\u001b]8;;http://evil\\u0007\\u009b2J\\u202edcba\\u200b\\udb40\\udc41'); // the ECS document, still JSON
  });

  it('csv guards every cell a spreadsheet would run as a formula', async () => {
    const { csvCell } = await import('../../src/cli/alerts/alert-formats.js');
    for (const lead of ['=', '+', '-', '@', '\t', '\r']) expect(csvCell(`${lead}1+1`).replace(/^"/, '')).toMatch(/^'/);
    expect(csvCell('=cmd|" /C calc"!A0')).toBe(`"'=cmd|"" /C calc""!A0"`);
    expect(csvCell('\tx')).toBe("'\tx");
    expect(csvCell(-2)).toBe("'-2");
    expect(csvCell('sh -c x')).toBe('sh -c x');
    expect(csvCell(12)).toBe('12');
    expect(csvCell(null)).toBe('');
  });
});
