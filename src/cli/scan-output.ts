import type { AlertDocument } from '../alerts/alert-document.js';
import { printable } from '../text/printable.js';

export type ScanFormat = 'table' | 'json' | 'ndjson';
export const SCAN_FORMATS: readonly ScanFormat[] = ['table', 'json', 'ndjson'];

/** Where `scan` sends alerts: written as they are found (ndjson, json) or at the end (table). */
export interface AlertOutput {
  write(alert: AlertDocument): void;
  end(): void;
}

export interface TextSink {
  write(text: string): unknown;
}

export function alertOutput(format: ScanFormat, out: TextSink): AlertOutput {
  switch (format) {
    case 'ndjson':
      return { write: (alert) => out.write(`${JSON.stringify(alert)}\n`), end: () => undefined };
    case 'json':
      return new JsonArrayOutput(out);
    case 'table':
      return new TableOutput(out);
  }
}

/** A JSON array written element by element, so memory does not grow with the alert count. */
class JsonArrayOutput implements AlertOutput {
  private count = 0;

  constructor(private readonly out: TextSink) {}

  write(alert: AlertDocument): void {
    this.out.write(`${this.count === 0 ? '[\n' : ',\n'}${indent(JSON.stringify(alert, null, 2))}`);
    this.count++;
  }

  end(): void {
    this.out.write(this.count === 0 ? '[]\n' : '\n]\n');
  }
}

function indent(text: string): string {
  return text.replace(/^/gm, '  ');
}

const COLUMNS = ['TIME', 'SEVERITY', 'RULE', 'PARENT', 'PROCESS', 'COMMAND LINE'] as const;

/** Aligned columns for people; needs every row for the widths, so it prints at the end. */
class TableOutput implements AlertOutput {
  private readonly rows: string[][] = [];

  constructor(private readonly out: TextSink) {}

  write(alert: AlertDocument): void {
    const parent = alert.process.parent;
    const inferred = alert.es.parent_resolution === 'inferred' ? ' (inferred)' : '';
    this.rows.push([
      alert['@timestamp'],
      alert.rule.severity,
      alert.rule.name,
      `${parent.pid} ${parent.name ?? '?'}${inferred}`,
      `${alert.process.pid} ${alert.process.name}`,
      alert.process.command_line,
    ].map(printable));
  }

  end(): void {
    if (this.rows.length === 0) return;
    const widths = COLUMNS.map((title, i) => Math.max(title.length, ...this.rows.map((row) => row[i]!.length)));
    const line = (cells: readonly string[]) =>
      cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ').trimEnd();
    this.out.write(`${[line(COLUMNS), ...this.rows.map(line)].join('\n')}\n`);
  }
}

