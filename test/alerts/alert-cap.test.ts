import { describe, expect, it } from 'vitest';
import { capAlert, documentBytes, truncationMarker } from '../../src/alerts/alert-cap.js';
import { makeAlert } from '../helpers/alerts.js';

describe('alert byte cap', () => {
  it('leaves an alert under the cap as it was', () => {
    const alert = makeAlert();
    const before = JSON.stringify(alert);
    expect(capAlert(alert, 4096)).toEqual([]);
    expect(JSON.stringify(alert)).toBe(before);
  });

  it('cuts argv and long fields with a marker and records what they were', () => {
    const long = 'é'.repeat(50_000); // 100,000 bytes, two per character
    const alert = makeAlert({ args: ['sh', '-c', long, 'after'], executable: `/tmp/${'d'.repeat(20_000)}/curl` });
    alert.process.command_line = `sh -c ${long} after`;
    const cut = capAlert(alert, 16 * 1024);
    expect(documentBytes(alert)).toBeLessThanOrEqual(16 * 1024);
    expect(cut).toEqual(
      expect.arrayContaining([
        { field: 'process.args', original_bytes: 2 + 2 + 100_000 + 5, original_count: 4 },
        { field: 'process.command_line', original_bytes: 6 + 100_000 + 6 },
        { field: 'process.executable', original_bytes: 5 + 20_000 + 5 },
      ]),
    );
    expect(alert.emondguard.truncated).toEqual(cut);
    // The first arguments stay whole; the one that does not fit is cut (never inside a
    // character) with the marker; the rest go, and args_count still says how many there were.
    expect(alert.process.args.slice(0, 2)).toEqual(['sh', '-c']);
    expect(alert.process.args).toHaveLength(3);
    expect(alert.process.args[2]).toMatch(new RegExp(`^é+${escape(truncationMarker(100_000))}$`));
    expect(alert.process.args_count).toBe(4);
    expect(alert.process.command_line.endsWith(truncationMarker(100_006 + 6))).toBe(true);
  });

  it('holds a document of many small arguments to the cap too', () => {
    const alert = makeAlert({ args: Array.from({ length: 20_000 }, (_, i) => `arg${i}`) });
    capAlert(alert, 8 * 1024);
    expect(documentBytes(alert)).toBeLessThanOrEqual(8 * 1024);
    expect(alert.emondguard.truncated).toEqual(
      expect.arrayContaining([expect.objectContaining({ field: 'process.args', original_count: 20_000 }), expect.objectContaining({ field: 'process.command_line' })]),
    );
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
