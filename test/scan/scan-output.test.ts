import { describe, expect, it } from 'vitest';
import type { AlertDocument } from '../../src/alerts/alert-document.js';
import { alertOutput } from '../../src/cli/scan-output.js';
import { printable } from '../../src/text/printable.js';

function alert(pid: number, commandLine: string, resolution: 'tree' | 'inferred' = 'tree'): AlertDocument {
  return {
    '@timestamp': '2025-08-07T13:21:35.880814738Z',
    event: { kind: 'alert', category: ['process'], type: ['start'], action: 'exec', created: 'c', severity: 47, risk_score: 47 },
    host: { os: { type: 'macos' } },
    process: {
      pid,
      entity_id: `${pid}:1:`,
      name: 'sh',
      executable: '/bin/sh',
      args: commandLine.split(' '),
      args_count: 1,
      command_line: commandLine,
      parent: { pid: 333, name: 'emond' },
    },
    user: { id: '0' },
    es: { message_version: 9, parent_resolution: resolution },
    rule: {
      id: 'r',
      name: 'Suspicious Emond Child Process',
      version: 108,
      severity: 'medium',
      risk_score: 47,
      description: '',
      reference: [],
      author: [],
      ruleset: 'builtin',
    },
    threat: [],
    emondguard: {},
  };
}

function render(format: 'table' | 'json' | 'ndjson', alerts: AlertDocument[]): string {
  let text = '';
  const output = alertOutput(format, { write: (t: string) => (text += t) });
  for (const a of alerts) output.write(a);
  output.end();
  return text;
}

describe('scan output', () => {
  it('ndjson: one alert document per line', () => {
    const text = render('ndjson', [alert(1, 'sh -c id'), alert(2, 'sh')]);
    expect(text.split('\n')).toHaveLength(3);
    expect(text.split('\n').slice(0, 2).map((l) => (JSON.parse(l) as AlertDocument).process.pid)).toEqual([1, 2]);
  });

  it('json: a valid array, also when empty', () => {
    expect(JSON.parse(render('json', []))).toEqual([]);
    const parsed = JSON.parse(render('json', [alert(1, 'a'), alert(2, 'b'), alert(3, 'c')])) as AlertDocument[];
    expect(parsed.map((a) => a.process.pid)).toEqual([1, 2, 3]);
  });

  it('table: aligned columns, inferred parents marked, nothing when there are no alerts', () => {
    expect(render('table', [])).toBe('');
    const lines = render('table', [alert(601, 'sh -c curl x'), alert(7, 'sh', 'inferred')]).trimEnd().split('\n');
    expect(lines[0]).toMatch(/^TIME +SEVERITY +RULE +PARENT +PROCESS +COMMAND LINE$/);
    expect(lines[1]).toContain('333 emond ');
    expect(lines[1]).toContain('601 sh');
    expect(lines[1]!.endsWith('sh -c curl x')).toBe(true);
    expect(lines[2]).toContain('333 emond (inferred)');
    const column = lines[0]!.indexOf('PROCESS');
    expect(lines[1]!.slice(column, column + 6)).toBe('601 sh');
    expect(lines[2]!.slice(column, column + 4)).toBe('7 sh');
  });

  it('escapes control characters from attacker-controlled text', () => {
    expect(printable('a\u001b[31mred\nb\tc\u007f\u0085')).toBe('a\\x1b[31mred\\nb\\tc\\x7f\\x85');
    const table = render('table', [alert(1, 'echo \u001b]0;pwned\u0007 \r')]);
    expect(table).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
    expect(table).toContain('echo \\x1b]0;pwned\\x07 \\r');
  });
});
