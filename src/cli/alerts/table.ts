import { printable } from '../../text/printable.js';
import { paint, type Style } from './terminal.js';

/**
 * Fixed-width text tables that fit the terminal: fixed columns keep their width, the flexible
 * ones share what is left (never less than their minimum) and long cells end in "…". Widths
 * count code points, which is right for the ASCII and Latin text these tables show; wide (CJK)
 * characters in a command line may push a row past the edge.
 */
export interface Column<R> {
  header: string;
  value: (row: R) => string;
  /** Exact width for fixed columns; the widest value (capped at `max`) when omitted. */
  width?: number;
  /** Flexible column: takes a share of the remaining width, at least `min`. */
  flex?: number;
  min?: number;
  max?: number;
  align?: 'left' | 'right';
  style?: (row: R) => Style | undefined;
}

const GAP = '  ';

export function renderTable<R>(rows: readonly R[], columns: readonly Column<R>[], width: number, color: boolean): string {
  const cells = rows.map((row) => columns.map((column) => printable(column.value(row))));
  const widths = columns.map((column, i) => {
    if (column.width !== undefined) return column.width;
    if (column.flex !== undefined) return 0;
    const widest = Math.max(column.header.length, ...cells.map((r) => length(r[i] as string)));
    return Math.min(widest, column.max ?? widest);
  });
  const fixed = widths.reduce((sum, w) => sum + w, 0) + GAP.length * (columns.length - 1);
  const flexTotal = columns.reduce((sum, c) => sum + (c.flex ?? 0), 0);
  const remaining = Math.max(0, width - fixed);
  columns.forEach((column, i) => {
    if (column.flex === undefined) return;
    const share = Math.floor((remaining * column.flex) / flexTotal);
    widths[i] = Math.max(column.min ?? 4, share);
  });
  // Give rounding leftovers to the last flexible column so the table spans the width exactly.
  const used = widths.reduce((sum, w) => sum + w, 0) + GAP.length * (columns.length - 1);
  const lastFlex = columns.map((c) => c.flex !== undefined).lastIndexOf(true);
  if (lastFlex >= 0 && used < width) widths[lastFlex] = (widths[lastFlex] as number) + (width - used);

  const line = (values: readonly string[], styles: ReadonlyArray<Style | undefined>): string =>
    values
      .map((value, i) => {
        const { text, pad } = fit(value, widths[i] as number);
        const painted = paint(text, styles[i], color);
        // Colour the text only, so padding (and the trailing blanks trimmed below) stay plain.
        return columns[i]?.align === 'right' ? pad + painted : painted + pad;
      })
      .join(GAP)
      .trimEnd();

  const header = line(columns.map((c) => c.header), columns.map(() => 'bold'));
  const body = rows.map((row, r) => line(cells[r] as string[], columns.map((c) => c.style?.(row))));
  return [header, ...body].join('\n') + '\n';
}

function length(text: string): number {
  return [...text].length;
}

function fit(value: string, width: number): { text: string; pad: string } {
  const chars = [...value];
  if (chars.length > width) return { text: width < 1 ? '' : `${chars.slice(0, width - 1).join('')}…`, pad: '' };
  return { text: value, pad: ' '.repeat(width - chars.length) };
}
