/**
 * A one-line progress indicator on stderr for long scans, shown only when stderr is a terminal
 * (never in pipes, logs or tests) and redrawn at most a few times a second.
 */
export interface ProgressSource {
  /** Bytes read of the current input, and its size when known (not for stdin). */
  position(): { input: string; bytes: number; total: number | undefined; events: number; alerts: number };
}

export interface ProgressTerminal {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

const REDRAW_MS = 250;

export class ScanProgress {
  private timer: NodeJS.Timeout | undefined;
  private drawn = false;

  constructor(
    private readonly terminal: ProgressTerminal,
    private readonly source: ProgressSource,
  ) {}

  start(): void {
    if (this.terminal.isTTY !== true) return;
    this.timer = setInterval(() => this.draw(), REDRAW_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    if (this.drawn) this.terminal.write('\r\u001b[2K');
    this.drawn = false;
  }

  private draw(): void {
    const { input, bytes, total, events, alerts } = this.source.position();
    const share = total !== undefined && total > 0 ? ` (${Math.min(100, Math.floor((bytes / total) * 100))}%)` : '';
    const size = total === undefined ? megabytes(bytes) : `${megabytes(bytes)} / ${megabytes(total)}`;
    const text = `scanning ${input}: ${size}${share} · ${events.toLocaleString('en-US')} events · ${alerts} alerts`;
    const width = Math.max(20, (this.terminal.columns ?? 80) - 1);
    this.terminal.write(`\r\u001b[2K${text.length > width ? `${text.slice(0, width - 1)}…` : text}`);
    this.drawn = true;
  }
}

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(bytes < 1e7 ? 1 : 0)} MB`;
}
