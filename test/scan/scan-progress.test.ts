import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ScanProgress } from '../../src/cli/scan-progress.js';

describe('ScanProgress', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  const position = { input: 'trace.ndjson', bytes: 25_000_000, total: 100_000_000 as number | undefined, events: 12_345, alerts: 2 };

  it('redraws one line on a terminal and erases it when done', () => {
    const written: string[] = [];
    const progress = new ScanProgress({ isTTY: true, columns: 120, write: (t: string) => written.push(t) }, { position: () => position });
    progress.start();
    vi.advanceTimersByTime(600);
    expect(written).toHaveLength(2);
    expect(written[0]).toBe('\r\u001b[2Kscanning trace.ndjson: 25 MB / 100 MB (25%) · 12,345 events · 2 alerts');
    progress.stop();
    expect(written.at(-1)).toBe('\r\u001b[2K');
    vi.advanceTimersByTime(1000);
    expect(written).toHaveLength(3);
  });

  it('shows bytes only for stdin and fits the terminal width', () => {
    const written: string[] = [];
    const progress = new ScanProgress(
      { isTTY: true, columns: 40, write: (t: string) => written.push(t) },
      { position: () => ({ ...position, input: 'stdin', total: undefined }) },
    );
    progress.start();
    vi.advanceTimersByTime(300);
    progress.stop();
    const line = written[0]!.replace('\r\u001b[2K', '');
    expect(line.startsWith('scanning stdin: 25 MB ·')).toBe(true);
    expect(line).toHaveLength(39);
    expect(line.endsWith('…')).toBe(true);
  });

  it('stays silent when stderr is not a terminal', () => {
    const written: string[] = [];
    const progress = new ScanProgress({ isTTY: false, write: (t: string) => written.push(t) }, { position: () => position });
    progress.start();
    vi.advanceTimersByTime(5000);
    progress.stop();
    expect(written).toEqual([]);
  });
});
