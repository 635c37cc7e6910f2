/**
 * What the output may look like: how wide, and whether colour is wanted. Colour follows the
 * NO_COLOR convention (any non-empty value turns it off, whatever else is set), then FORCE_COLOR,
 * then whether stdout is a terminal.
 */
export interface TerminalStyle {
  width: number;
  color: boolean;
}

export const DEFAULT_WIDTH = 80;

export function terminalStyle(
  stream: { isTTY?: boolean; columns?: number } = process.stdout,
  env: NodeJS.ProcessEnv = process.env,
): TerminalStyle {
  return { width: outputWidth(stream, env), color: colorWanted(stream, env) };
}

function outputWidth(stream: { isTTY?: boolean; columns?: number }, env: NodeJS.ProcessEnv): number {
  if (stream.isTTY && stream.columns && stream.columns > 0) return stream.columns;
  const fromEnv = Number(env.COLUMNS);
  // Piped output is read in 80-column terminals and mail; COLUMNS can ask for more.
  return Number.isInteger(fromEnv) && fromEnv >= 40 ? fromEnv : DEFAULT_WIDTH;
}

function colorWanted(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  return stream.isTTY === true && env.TERM !== 'dumb';
}

const SGR = { bold: 1, dim: 2, red: 31, yellow: 33, magenta: 35, cyan: 36 } as const;
export type Style = keyof typeof SGR;

export function paint(text: string, style: Style | undefined, enabled: boolean): string {
  if (!enabled || style === undefined || text === '') return text;
  return `\u001b[${SGR[style]}m${text}\u001b[0m`;
}

/** Word-wraps prose to `width` columns (words longer than a line stay whole on their own line). */
export function wrap(text: string, width: number): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && [...line].length + 1 + [...word].length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  lines.push(line);
  return lines.join('\n');
}
