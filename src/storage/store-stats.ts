import type Database from 'better-sqlite3';

/** One line of `alerts stats`: a rule on a (UTC) day. */
export interface RuleDayStats {
  day: string;
  rule_id: string;
  rule_name: string;
  /** Alert rows raised. */
  alerts: number;
  open: number;
  acknowledged: number;
  resolved: number;
  /** Identical alerts folded into an existing one. */
  merged: number;
  /** Alerts not kept because the rule reached max_signals in its window. */
  suppressed: number;
}

export interface DayCount {
  day: string;
  count: number;
}

export interface StoreStats {
  byRuleAndDay: RuleDayStats[];
  totals: { alerts: number; open: number; acknowledged: number; resolved: number; merged: number; suppressed: number };
  /** Events the agent could not process (kernel and queue drops), per day. */
  drops: DayCount[];
  /** Agent events other than drops, counted by kind (starts, stops, prunes, sink failures…). */
  agentEvents: Record<string, number>;
  oldest: string | null;
  newest: string | null;
  sizeBytes: number;
}

export interface StatsRange {
  since?: number;
  until?: number;
}

const DAY = "strftime('%Y-%m-%d', {col} / 1000, 'unixepoch')";
const day = (column: string): string => DAY.replace('{col}', column);
const MAX_TIME = Number.MAX_SAFE_INTEGER;

export function collectStats(db: Database.Database, range: StatsRange, sizeBytes: number): StoreStats {
  const since = range.since ?? 0;
  const until = range.until ?? MAX_TIME;
  const alertRows = db
    .prepare(
      `SELECT ${day('a.timestamp')} AS day, r.rule_id, max(r.name) AS rule_name, count(*) AS alerts,
              sum(a.status = 'open') AS open, sum(a.status = 'acknowledged') AS acknowledged,
              sum(a.status = 'resolved') AS resolved
         FROM alerts a JOIN rules r ON r.id = a.rule_ref
        WHERE a.timestamp >= ? AND a.timestamp < ? GROUP BY day, r.rule_id`,
    )
    .all(since, until) as Array<Omit<RuleDayStats, 'merged' | 'suppressed'>>;
  const throttled = db
    .prepare(
      `SELECT ${day('window_start')} AS day, rule_id, max(rule_name) AS rule_name,
              sum(merged) AS merged, sum(suppressed) AS suppressed
         FROM suppressions WHERE window_start >= ? AND window_start < ? GROUP BY day, rule_id`,
    )
    .all(since, until) as Array<{ day: string; rule_id: string; rule_name: string; merged: number; suppressed: number }>;

  const rows = new Map<string, RuleDayStats>();
  const keyOf = (d: string, rule: string): string => `${d}\u0000${rule}`;
  for (const row of alertRows) rows.set(keyOf(row.day, row.rule_id), { ...row, merged: 0, suppressed: 0 });
  for (const row of throttled) {
    const key = keyOf(row.day, row.rule_id);
    const existing = rows.get(key);
    if (existing) {
      existing.merged += row.merged;
      existing.suppressed += row.suppressed;
    } else {
      rows.set(key, {
        day: row.day, rule_id: row.rule_id, rule_name: row.rule_name,
        alerts: 0, open: 0, acknowledged: 0, resolved: 0, merged: row.merged, suppressed: row.suppressed,
      });
    }
  }
  const byRuleAndDay = [...rows.values()].sort((a, b) => b.day.localeCompare(a.day) || a.rule_name.localeCompare(b.rule_name));
  const totals = { alerts: 0, open: 0, acknowledged: 0, resolved: 0, merged: 0, suppressed: 0 };
  for (const row of byRuleAndDay) {
    for (const key of Object.keys(totals) as Array<keyof typeof totals>) totals[key] += row[key];
  }

  const drops = db
    .prepare(
      `SELECT ${day('time')} AS day, sum(coalesce(count, 0)) AS count FROM agent_events
        WHERE kind = 'drops' AND time >= ? AND time < ? GROUP BY day ORDER BY day DESC`,
    )
    .all(since, until) as DayCount[];
  const kinds = db
    .prepare(
      `SELECT kind, count(*) AS n FROM agent_events WHERE kind != 'drops' AND time >= ? AND time < ?
        GROUP BY kind ORDER BY kind`,
    )
    .all(since, until) as Array<{ kind: string; n: number }>;
  const bounds = db
    .prepare('SELECT min(timestamp) AS oldest, max(timestamp) AS newest FROM alerts WHERE timestamp >= ? AND timestamp < ?')
    .get(since, until) as { oldest: number | null; newest: number | null };

  return {
    byRuleAndDay,
    totals,
    drops,
    agentEvents: Object.fromEntries(kinds.map((k) => [k.kind, k.n])),
    oldest: bounds.oldest === null ? null : new Date(bounds.oldest).toISOString(),
    newest: bounds.newest === null ? null : new Date(bounds.newest).toISOString(),
    sizeBytes,
  };
}
