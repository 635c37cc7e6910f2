import { Detector } from '../agent/detector.js';
import type { AlertDocument } from '../alerts/alert-document.js';
import type { RecordSummary } from '../alerts/record-alerts.js';
import { EmondguardError, UsageError } from '../errors.js';
import { EventReader, inputSize, readInto } from '../events/event-reader.js';
import { LineStats } from '../events/line-stats.js';
import { checkRuleSet, loadRules, RuleFileError, type CompiledRule } from '../rules/index.js';
import { printable } from '../text/printable.js';
import { alertOutput, type ScanFormat } from './scan-output.js';
import { ScanProgress } from './scan-progress.js';
import { commandName } from './command-name.js';
import { shellQuoted } from './shell-quote.js';
import { formatSummary } from './scan-summary.js';

export interface ScanOptions {
  rules: string[];
  builtinRules: boolean;
  format: ScanFormat;
  db?: string;
}

export async function scan(inputs: string[], options: ScanOptions): Promise<void> {
  if (inputs.filter((input) => input === '-').length > 1) {
    throw new UsageError('standard input (-) can be scanned only once; name it a single time');
  }
  const rules = loadScanRules(options);
  if (rules.length === 0) throw new UsageError('no rules to scan with: drop --no-builtin-rules or give --rules PATH');
  const sizes = await inputSizes(inputs);

  const started = process.hrtime.bigint();
  const detector = new Detector(rules);
  const stats = new LineStats();
  const stdout = new GuardedStdout();
  const output = alertOutput(options.format, stdout);
  const recorder = options.db === undefined ? undefined : await openScanRecorder(options.db, rules);
  let current: { input: string; reader: EventReader } | undefined;
  const progress = new ScanProgress(process.stderr, {
    position: () => ({
      input: printable(current?.input ?? ''),
      bytes: current?.reader.bytes ?? 0,
      total: current === undefined ? undefined : sizes.get(current.input),
      events: stats.events,
      alerts: detector.counters.alerts,
    }),
  });
  progress.start();
  try {
    for (const input of inputs) {
      const reader = new EventReader(
        (event) => {
          for (const alert of detector.process(event)) {
            output.write(alert);
            recorder?.record(alert);
          }
        },
        { input, stats },
      );
      current = { input, reader };
      await readInto(reader, input);
    }
  } catch (error) {
    // Whatever was found before the failure is still stored, then the failure is reported.
    await recorder?.close().catch(() => undefined);
    throw error;
  } finally {
    progress.stop();
  }
  output.end();
  const stored = await recorder?.close();
  process.stderr.write(
    formatSummary({
      inputs: inputs.length,
      seconds: Number(process.hrtime.bigint() - started) / 1e9,
      stats,
      detector: detector.counters,
      ruleFailures: detector.ruleFailures,
      tree: detector.tree.counters,
      ruleNames: new Map(rules.map((rule) => [rule.id, rule.name])),
    }),
  );
  if (stored) process.stderr.write(formatStored(stored));
  stdout.check();
}

/** The alert store for `--db`, loaded only when asked for so a plain scan never opens SQLite. */
async function openScanRecorder(dbPath: string, rules: readonly CompiledRule[]) {
  const { openAlertRecorder } = await import('../alerts/record-alerts.js');
  const recorder = openAlertRecorder({ dbPath });
  const byId = new Map(rules.map((rule) => [rule.id, rule]));
  return {
    record(alert: AlertDocument): void {
      const rule = byId.get(alert.rule.id);
      if (rule) recorder.record(alert, rule);
    },
    close: () => recorder.close(),
  };
}

function formatStored(summary: RecordSummary): string {
  const lines = [
    `stored in ${summary.dbPath}: ${summary.kept} new alert(s), ${summary.merged} merged into identical ones, ` +
      `${summary.heldBack} over max_signals (stored, notifications held back)`,
  ];
  if (summary.quarantinedTo) lines.push(`the database was corrupt: moved aside to ${summary.quarantinedTo}, a new one was started`);
  lines.push(`review them: ${commandName()} alerts list --db ${shellQuoted(summary.dbPath)}`);
  return `${lines.join('\n')}\n`;
}

/**
 * The built-in rules plus those under --rules (the same set `rules list` shows and the agent
 * runs). A rule file the user named that cannot be used is a usage error (exit 2) shown with its
 * caret diagnostic: the user must fix the path or the file before anything is scanned.
 */
function loadScanRules(options: ScanOptions): CompiledRule[] {
  try {
    if (!options.builtinRules) return loadRules(options.rules);
    const { rules, failures, overrides } = checkRuleSet(options.rules);
    if (failures[0]) throw failures[0].error;
    // Said as the agent and `rules list` say it: the alerts come from the user's copy, not the built-in rule.
    for (const override of overrides) process.stderr.write(`${printable(`note: ${override.reason}`)}\n`);
    return rules;
  } catch (error) {
    if (error instanceof RuleFileError) throw new UsageError(error.render(), { cause: error, code: error.code });
    throw error;
  }
}

/** Sizes for the progress line, checked before any output so a typo fails before the scan starts. */
async function inputSizes(inputs: string[]): Promise<Map<string, number | undefined>> {
  const sizes = new Map<string, number | undefined>();
  for (const input of inputs) sizes.set(input, await inputSize(input));
  return sizes;
}

/**
 * stdout that tolerates its reader going away (`scan … | head`): after EPIPE further alerts are
 * dropped instead of crashing, and the scan still finishes and prints its summary. Any other
 * write failure (a full disk) is kept and reported once the scan is done.
 */
class GuardedStdout {
  private closed = false;
  failure: Error | undefined;

  constructor() {
    process.stdout.on('error', (error: NodeJS.ErrnoException) => {
      this.closed = true;
      if (error.code !== 'EPIPE') this.failure ??= error;
    });
  }

  write(text: string): void {
    if (!this.closed) process.stdout.write(text);
  }

  /** Throws an E_IO error (exit 2) if alerts could not be written. */
  check(): void {
    if (this.failure !== undefined) {
      throw new EmondguardError('E_IO_WRITE', `cannot write the alerts to standard output: ${this.failure.message}`, {
        cause: this.failure,
      });
    }
  }
}
