import { DEFAULT_PUBLIC_ALERT_FIELDS } from '../alerts/sinks/unified-log-sink.js';
import { DEFAULT_RETENTION } from '../storage/retention.js';
import type { AgentPaths } from './default-paths.js';
import { SOURCE_KINDS, type SourceSetting } from './source-setting.js';
import {
  absolutePath,
  boolean,
  integer,
  listOf,
  nonEmptyString,
  number,
  oneOf,
  optionalPath,
  shown,
  type ValueKind,
} from './value-kinds.js';

/**
 * Every configuration key, its form, its default and what it does. The JSON file and the MDM
 * managed preferences use these same keys; `config show` prints this table's descriptions.
 * Keys are flat on purpose: MDM consoles (Jamf, Intune, Kandji) edit flat key/value plists best.
 */

export { SOURCE_KINDS, type SourceSetting } from './source-setting.js';

const source: ValueKind<SourceSetting> = {
  form: `one of ${SOURCE_KINDS.map((s) => `"${s}"`).join(', ')} or "file:/absolute/path.ndjson"`,
  check(raw) {
    if (typeof raw === 'string') {
      if ((SOURCE_KINDS as readonly string[]).includes(raw)) return { ok: true, value: raw as SourceSetting };
      if (raw.startsWith('file:/') && raw.length > 'file:/'.length) return { ok: true, value: raw as SourceSetting };
    }
    return { ok: false, expected: `expected ${this.form}, got ${shown(raw)}` };
  },
};

const esEvent = oneOf(['exec', 'fork', 'exit'] as const);
const esEvents: ValueKind<Array<'exec' | 'fork' | 'exit'>> = {
  form: 'a list of "exec", "fork", "exit" that includes "exec"',
  check(raw) {
    const checked = listOf(esEvent).check(raw);
    if (!checked.ok) return checked;
    if (!checked.value.includes('exec')) return { ok: false, expected: 'expected the list to include "exec" (the rule needs exec events)' };
    return { ok: true, value: [...new Set(checked.value)] };
  },
};

const ruleIds: ValueKind<string[] | null> = {
  form: 'null (every loaded rule) or a list of rule ids',
  check(raw) {
    if (raw === null) return { ok: true, value: null };
    const checked = listOf(nonEmptyString).check(raw);
    // A list with a bad item gets the item's message; anything else is the wrong form altogether.
    return checked.ok || Array.isArray(raw) ? checked : { ok: false, expected: `expected ${this.form}, got ${shown(raw)}` };
  },
};

interface KeySpec<T> {
  kind: ValueKind<T>;
  /** A constant, or computed from the platform's paths (which depend on root and OS). */
  default: T | ((paths: AgentPaths) => T);
  description: string;
  /** Applied by SIGHUP; a change to any other key is reported as needing a restart. */
  reloadable: boolean;
}

function key<T>(spec: KeySpec<T>): KeySpec<T> {
  return spec;
}

export const CONFIG_KEYS = {
  source: key({
    kind: source,
    default: 'auto' as SourceSetting,
    description: 'Where exec events come from. "auto": Endpoint Security, else eslogger when not entitled (macOS 13+).',
    reloadable: false,
  }),
  esMode: key({
    kind: oneOf(['full', 'emond-only'] as const),
    default: 'full' as 'full' | 'emond-only',
    description: 'Endpoint Security mode. "emond-only" (macOS 13+) uses inverted muting: cheaper, but blind to masquerades (see docs).',
    reloadable: false,
  }),
  emondPaths: key({
    kind: listOf(absolutePath),
    default: ['/sbin/emond'] as string[],
    description:
      'With esMode "emond-only": the emond binaries whose processes are watched. emond is gone from macOS 13 on, where this mode needs paths you list.',
    reloadable: false,
  }),
  esEvents: key({
    kind: esEvents,
    default: ['exec', 'fork', 'exit'] as Array<'exec' | 'fork' | 'exit'>,
    description: 'Endpoint Security events to subscribe to. fork and exit keep the process tree exact.',
    reloadable: false,
  }),
  esloggerPath: key({
    kind: absolutePath,
    default: '/usr/bin/eslogger',
    description: 'The eslogger binary used by the eslogger source.',
    reloadable: false,
  }),
  rulePaths: key({
    kind: listOf(absolutePath),
    default: [] as string[],
    description: 'Extra Elastic detection-rules TOML files or folders, loaded with the built-in rules.',
    reloadable: true,
  }),
  builtinRules: key({
    kind: boolean,
    default: true,
    description: 'Load the built-in rules (Suspicious Emond Child Process).',
    reloadable: true,
  }),
  enabledRules: key({
    kind: ruleIds,
    default: null as string[] | null,
    description: 'Rule ids to run; null runs every loaded rule.',
    reloadable: true,
  }),
  databasePath: key({
    kind: absolutePath,
    default: (paths) => paths.database,
    description: 'The SQLite alert database.',
    reloadable: false,
  }),
  databaseSync: key({
    kind: oneOf(['full', 'normal'] as const),
    default: 'full' as 'full' | 'normal',
    description:
      'How a commit reaches the disk. "full": every commit waits for the disk (survives a power cut). "normal": commits survive an agent crash and a background thread flushes them within ~0.1 s — for alert floods, at ~10 MB more memory.',
    reloadable: false,
  }),
  retentionDays: key({
    kind: integer(1, 3650, 'days'),
    default: DEFAULT_RETENTION.maxAgeDays,
    description: 'Alerts older than this are pruned.',
    reloadable: true,
  }),
  maxDatabaseMB: key({
    kind: integer(1, 1_048_576, 'MB'),
    default: DEFAULT_RETENTION.maxBytes / 2 ** 20,
    description: 'Size cap of the database; the oldest alerts are pruned first.',
    reloadable: true,
  }),
  throttle: key({
    kind: boolean,
    default: true,
    description:
      "Notify (unified log, NDJSON) at most max_signals alerts per rule, parent executable and child executable per interval window; the rest are stored and counted, not sent. emondPaths parents are never held back.",
    reloadable: false,
  }),
  mergeIntervalSeconds: key({
    kind: integer(0, 86_400, 'seconds'),
    default: 60,
    description: 'Identical alerts (same parent, executable and args) within this interval merge into one with a count; 0 turns merging off.',
    reloadable: false,
  }),
  throttleMaxKeys: key({
    kind: integer(16, 1_000_000, 'keys'),
    default: 4096,
    description:
      'Throttle keys (rule, parent executable, child executable) tracked at once; past it, new keys share one budget per rule (counted as aggregated).',
    reloadable: false,
  }),
  maxAlertKB: key({
    kind: integer(4, 10_240, 'KB'),
    default: 64,
    description: 'Byte cap per stored alert: argv and long fields past it are cut with a marker, their full size kept in emondguard.truncated.',
    reloadable: false,
  }),
  alertsNdjsonPath: key({
    kind: optionalPath,
    default: (paths) => paths.alertsNdjson as string | null,
    description: 'ECS NDJSON file of alerts for Elastic Agent, Filebeat or Fluent Bit; null turns it off.',
    reloadable: false,
  }),
  alertsNdjsonMaxMB: key({
    kind: integer(1, 10_240, 'MB'),
    default: 50,
    description: 'Size at which the NDJSON file is rotated.',
    reloadable: false,
  }),
  alertsNdjsonKeep: key({
    kind: integer(1, 100, 'files'),
    default: 5,
    description: 'Rotated NDJSON files kept.',
    reloadable: false,
  }),
  unifiedLog: key({
    kind: boolean,
    default: true,
    description: 'Write alerts and agent messages to the macOS unified log (subsystem com.emondguard.agent).',
    reloadable: false,
  }),
  unifiedLogPublicFields: key({
    kind: listOf(nonEmptyString),
    default: [...DEFAULT_PUBLIC_ALERT_FIELDS],
    description: 'Alert fields logged %{public} in the unified log; every other field keeps the OS default (redacted).',
    reloadable: false,
  }),
  agentLogPath: key({
    kind: optionalPath,
    default: (paths) => paths.agentLog as string | null,
    description: "The agent's own JSON-lines log; null turns it off.",
    reloadable: false,
  }),
  logLevel: key({
    kind: oneOf(['error', 'warn', 'info', 'debug'] as const),
    default: 'info' as 'error' | 'warn' | 'info' | 'debug',
    description: "Level of the agent's own log.",
    reloadable: true,
  }),
  statusPath: key({
    kind: absolutePath,
    default: (paths) => paths.status,
    description: 'Health status file read by `emondguard status`.',
    reloadable: false,
  }),
  statusIntervalSeconds: key({
    kind: integer(1, 3600, 'seconds'),
    default: 5,
    description: 'How often the status file is rewritten.',
    reloadable: true,
  }),
  batchSize: key({
    kind: integer(1, 65_536, 'events'),
    default: 256,
    description: 'Most events handed from the native addon to JavaScript in one call.',
    reloadable: false,
  }),
  batchLatencyMs: key({
    kind: integer(1, 1000, 'milliseconds'),
    // Each hand-off wakes JavaScript, and a wake-up costs more than converting an event: at 1,000
    // exec/s, 100 ms batches keep the agent under 2 % of a core, and an alert 100 ms later is
    // still seconds ahead of any SIEM.
    default: 100,
    description: 'Longest an event waits in the native queue before its batch is handed over: lower means faster alerts, higher means fewer wake-ups and less CPU.',
    reloadable: false,
  }),
  queueCapacity: key({
    kind: integer(1024, 4_194_304, 'events'),
    default: 65_536,
    description: 'Native queue size; when full, events are dropped and counted rather than stalling the kernel.',
    reloadable: false,
  }),
  queueMaxMB: key({
    kind: integer(1, 65_536, 'MB'),
    // 64 MB holds 256 execs at the default maxArgBytes, or tens of thousands of ordinary ones:
    // a burst an attacker makes of 256 KiB command lines costs at most this, not queueCapacity × 256 KiB.
    default: 64,
    description: 'Most memory the events waiting in a hand-off queue (native, eslogger, file) may hold; past it, events are dropped and counted (drops.queueByteBudget in the status file).',
    reloadable: false,
  }),
  maxArgs: key({
    kind: integer(1, 65_536, 'arguments'),
    default: 1024,
    description: 'Most argv entries copied per exec (the rest are marked truncated).',
    reloadable: false,
  }),
  maxArgBytes: key({
    kind: integer(1024, 16_777_216, 'bytes'),
    default: 262_144,
    description: 'Most argv bytes copied per exec (the rest are marked truncated).',
    reloadable: false,
  }),
  maxArgLength: key({
    kind: integer(256, 16_777_216, 'bytes'),
    default: 65_536,
    description: 'Most bytes kept of any one argument; a longer one is cut to this prefix and the event marked truncated.',
    reloadable: false,
  }),
  watchdogMaxRssMB: key({
    kind: integer(16, 65_536, 'MB'),
    default: 200,
    description: 'The self-watchdog warns when resident memory stays above this.',
    reloadable: true,
  }),
  watchdogMaxCpuPercent: key({
    kind: number(1, 400, '% of one core'),
    default: 25,
    description: 'The self-watchdog warns when CPU use stays above this.',
    reloadable: true,
  }),
  watchdogWindowSeconds: key({
    kind: integer(5, 3600, 'seconds'),
    default: 60,
    description: 'How long a budget must be exceeded before the watchdog warns.',
    reloadable: true,
  }),
  heartbeatSeconds: key({
    kind: integer(1, 86_400, 'seconds'),
    default: 60,
    description: 'How often the agent writes a heartbeat document (counters since the previous one) to the NDJSON file and the unified log; a SIEM alerts when three are missing.',
    reloadable: true,
  }),
  watchdogStallSeconds: key({
    kind: integer(0, 3600, 'seconds'),
    default: 30,
    description: 'The agent exits (launchd restarts it) when its pipeline makes no progress this long while events wait; 0 turns the stall watchdog off.',
    reloadable: false,
  }),
};

export type ConfigKey = keyof typeof CONFIG_KEYS;

type ValueOf<S> = S extends KeySpec<infer T> ? T : never;

/** The effective configuration the agent runs with. */
export type AgentConfig = { -readonly [K in ConfigKey]: ValueOf<(typeof CONFIG_KEYS)[K]> };

export const CONFIG_KEY_NAMES = Object.keys(CONFIG_KEYS) as ConfigKey[];
