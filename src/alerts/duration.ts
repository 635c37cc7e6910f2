/**
 * Durations as Elastic rules and administrators write them: a whole number and a unit,
 * `30s`, `5m`, `24h`, `7d`, `2w`. Rules' `interval` and the CLI's `--since 24h` both use these.
 */
const UNIT_MS: Record<string, number> = {
  s: 1000,
  m: 60 * 1000,
  h: 60 * 60 * 1000,
  d: 24 * 60 * 60 * 1000,
  w: 7 * 24 * 60 * 60 * 1000,
};

const DURATION = /^(\d{1,9})([smhdw])$/;

/** Milliseconds for `text`, or undefined when it is not a duration. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (!match) return undefined;
  const [, amount, unit] = match;
  return Number(amount) * (UNIT_MS[unit as string] as number);
}
