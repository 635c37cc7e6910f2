import { ConfigError } from '../config/errors.js';
import { platformIdentity, type ProcessIdentity } from '../agent/health/process-identity.js';
import { isStale, readStatusFile, StatusFileError, type AgentStatus } from '../agent/health/status-file.js';
import { UsageError } from '../errors.js';

export interface StatusOptions {
  config?: string;
  statusFile?: string;
  json?: boolean;
}

/** Whether the recorded agent process still exists, and is the one that wrote the file. */
export type Liveness = 'alive' | 'gone' | 'reused';

export function agentLiveness(status: AgentStatus, identity: ProcessIdentity): Liveness {
  const token = identity.startToken(status.pid);
  if (token === null) return 'gone';
  // Files from before start times were recorded: the pid alone is all there is to go on.
  if (status.processStart === undefined || status.processStart === null) return 'alive';
  return token === status.processStart ? 'alive' : 'reused';
}

/**
 * `emondguard status`: exit 0 when the agent runs and its status file is current, 1 otherwise. A
 * file that says "running" is believed only while its pid is alive with its recorded start time:
 * after a SIGKILL the answer is "not running" at once, not after the file goes stale.
 */
export async function runStatus(options: StatusOptions, identity: ProcessIdentity = platformIdentity()): Promise<void> {
  const file = options.statusFile ?? (await statusPathFromConfig(options.config));
  let status: AgentStatus;
  try {
    status = readStatusFile(file);
  } catch (error) {
    if (error instanceof StatusFileError && options.json) {
      process.stdout.write(`${JSON.stringify({ running: false, error: error.code, message: error.message })}\n`);
      process.exitCode = 1;
      return;
    }
    throw error;
  }
  const stale = isStale(status);
  const liveness = status.state === 'running' ? agentLiveness(status, identity) : 'gone';
  const died = status.state === 'running' && liveness !== 'alive';
  const healthy = status.state === 'running' && liveness === 'alive' && !stale;
  process.stdout.write(
    options.json
      ? `${JSON.stringify({ ...status, stale, running: healthy, ...(died ? { died: true, diedAfter: status.updatedAt, pidReused: liveness === 'reused' } : {}) }, null, 2)}\n`
      : render(status, stale, died ? liveness : undefined),
  );
  process.exitCode = healthy ? 0 : 1;
}

async function statusPathFromConfig(configPath: string | undefined): Promise<string> {
  // The loader reads plists (MDM): loaded only when the status file's place must be looked up.
  const { loadConfig } = await import('../config/load.js');
  try {
    return loadConfig({ configPath }).config.statusPath;
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message, { cause: error, code: error.code });
    throw error;
  }
}

function render(s: AgentStatus, stale: boolean, died: Liveness | undefined): string {
  const state =
    s.state === 'stopped'
      ? `stopped at ${s.updatedAt}`
      : died
        ? `not running (died at ${s.updatedAt} or soon after: pid ${s.pid} ${died === 'reused' ? 'now belongs to another process' : 'no longer exists'}, without a clean stop). ` +
          'launchd restarts it (KeepAlive); check the agent log and `emondguard doctor`'
        : stale
        ? `NOT RESPONDING: last update ${s.updatedAt} (pid ${s.pid}); check \`emondguard doctor\` and the agent log`
        : `running (pid ${s.pid}), up ${duration(s.uptimeSeconds)}`;
  const rows: Array<[string, string]> = [
    ['source', `${s.source.kind}${s.source.mode ? ` (${s.source.mode})` : ''}${s.source.note ? ` — ${s.source.note}` : ''}`],
    ['events', `${count(s.events.total)} total, ${s.events.perSecond}/s, last ${s.events.lastEventAt ?? 'never'}, ${count(s.events.skipped)} skipped`],
    ['drops', `kernel ${count(s.drops.kernel)}, queue ${count(s.drops.queue)}` + (s.drops.queueByteBudget ? ` (${count(s.drops.queueByteBudget)} over queueMaxMB)` : '')],
    [
      'alerts',
      `${count(s.alerts.total)} stored (${count(s.alerts.heldBack ?? (s.alerts as { suppressed?: number }).suppressed ?? 0)} not notified: over max_signals for their parent and program), ${count(s.alerts.merged ?? 0)} merged into them, last ${s.alerts.lastAlertAt ?? 'never'}`,
    ],
    ['database', `${s.database.path} (${s.database.sizeBytes === null ? 'not created yet' : megabytes(s.database.sizeBytes)})`],
    ['resources', `RSS ${megabytes(s.resources.rssBytes)}, CPU ${s.resources.cpuPercent.toFixed(1)}% of a core`],
    ['warnings', s.warnings.length > 0 ? s.warnings.join('; ') : 'none'],
  ];
  return `emondguard ${s.agentVersion} — ${state}\n${rows.map(([k, v]) => `  ${k.padEnd(10)} ${v}`).join('\n')}\n`;
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}

function megabytes(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MB`;
}

function duration(seconds: number): string {
  const d = Math.floor(seconds / 86_400);
  const h = Math.floor((seconds % 86_400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return d > 0 ? `${d}d ${h}h` : h > 0 ? `${h}h ${m}m` : `${m}m ${seconds % 60}s`;
}
