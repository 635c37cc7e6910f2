import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import { EmondguardError } from '../errors.js';

/**
 * Runs `/usr/bin/eslogger exec fork exit` and keeps it running: restarts it with exponential
 * backoff when it dies, recognises the permission failures that no restart can fix, and stops it
 * on shutdown. What it prints is handed, as a stream, to the same parser `scan` uses.
 */

export type EsloggerFailure = 'E_ESLOGGER_NOT_ROOT' | 'E_ESLOGGER_NO_FDA' | 'E_ESLOGGER_TOO_MANY_CLIENTS' | 'E_ESLOGGER_MISSING' | 'E_ESLOGGER_EXITED';

export class EsloggerError extends EmondguardError {
  constructor(code: EsloggerFailure, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/**
 * eslogger's messages are "not API" (its man page), so match loosely: Apple's result names and the
 * plain-English phrases both count.
 */
const PERMISSION_PATTERNS: ReadonlyArray<{ code: EsloggerFailure; pattern: RegExp; message: string }> = [
  {
    code: 'E_ESLOGGER_NOT_ROOT',
    pattern: /NOT_PRIVILEGED|not privileged|must be run as (root|super-?user)|requires root|Operation not permitted.*root/i,
    message: 'eslogger must run as root: install emondguard as the LaunchDaemon (it runs as root), or run `sudo emondguard run`.',
  },
  {
    code: 'E_ESLOGGER_NO_FDA',
    pattern: /NOT_PERMITTED|not permitted|Full Disk Access|TCC|lacks? .*authori[sz]ation/i,
    message:
      'eslogger was refused Full Disk Access. Grant it to the process that starts emondguard: System Settings › Privacy & Security › ' +
      'Full Disk Access, or deploy the PPPC profile (SystemPolicyAllFiles) from `scripts/make-mobileconfig` with your MDM.',
  },
  {
    code: 'E_ESLOGGER_TOO_MANY_CLIENTS',
    pattern: /TOO_MANY_CLIENTS|too many clients/i,
    message: 'Endpoint Security has too many clients; stop another ES client (security tools, other eslogger runs) and restart emondguard.',
  },
];

export function classifyEsloggerStderr(stderr: string): { code: EsloggerFailure; message: string } | null {
  for (const { code, pattern, message } of PERMISSION_PATTERNS) {
    if (pattern.test(stderr)) return { code, message: `${message}\neslogger said: ${stderr.trim().split('\n').slice(-3).join(' / ')}` };
  }
  return null;
}

export interface EsloggerProcessOptions {
  path: string;
  /** Short ES event names, e.g. ['exec', 'fork', 'exit']. */
  events: readonly string[];
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** After running this long, the next failure starts the backoff from the beginning again. */
  healthyAfterMs?: number;
  /** A child alive this long without failing counts as started. */
  startGraceMs?: number;
  /** How long `stop()` waits after SIGTERM before SIGKILL. */
  killAfterMs?: number;
}

export interface EsloggerHandlers {
  /** Each child's stdout; the consumer parses it until it ends. */
  onOutput(stdout: Readable): void;
  /** A permission failure after start (a revoked TCC grant): no restart will help. */
  onFatal(error: EsloggerError): void;
  onRestart(info: { attempt: number; delayMs: number; reason: string }): void;
}

export class EsloggerProcess {
  private child: ChildProcess | null = null;
  private stopping = false;
  private restartTimer: NodeJS.Timeout | null = null;
  private attempt = 0;
  private readonly options: Required<EsloggerProcessOptions>;
  /** Times the child was (re)started; for status and tests. */
  starts = 0;

  constructor(options: EsloggerProcessOptions, private readonly handlers: EsloggerHandlers) {
    this.options = { initialBackoffMs: 1000, maxBackoffMs: 60_000, healthyAfterMs: 60_000, startGraceMs: 1500, killAfterMs: 1500, ...options };
  }

  /**
   * Starts eslogger and resolves once it has stayed up for the grace period (or printed output);
   * rejects with an EsloggerError when it cannot start, so `run` can fall back or explain.
   */
  start(): Promise<void> {
    this.stopping = false;
    return new Promise((resolve, reject) => this.launch({ resolve, reject }));
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      const kill = setTimeout(() => child.kill('SIGKILL'), this.options.killAfterMs);
      child.once('close', () => {
        clearTimeout(kill);
        resolve();
      });
      child.kill('SIGTERM');
    });
  }

  private launch(first?: { resolve: () => void; reject: (error: EsloggerError) => void }): void {
    const startedAt = Date.now();
    const child = spawn(this.options.path, [...this.options.events], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.starts += 1;
    let stderr = '';
    let settled = false;
    const settle = (error?: EsloggerError): void => {
      if (settled || !first) return;
      settled = true;
      clearTimeout(grace);
      if (error) {
        // start() failed: there is nothing to supervise, so nothing may be restarted later.
        this.stopping = true;
        first.reject(error);
      } else {
        first.resolve();
      }
    };
    let spawnFailed = false;
    const grace = setTimeout(() => settle(), this.options.startGraceMs);

    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (text: string) => {
      // Keep the tail only: a chatty stderr must not grow without bound.
      stderr = (stderr + text).slice(-8192);
    });
    child.stdout?.once('data', () => settle());
    if (child.stdout) this.handlers.onOutput(child.stdout);

    child.once('error', (error: NodeJS.ErrnoException) => {
      const missing = error.code === 'ENOENT' || error.code === 'EACCES';
      const failure = new EsloggerError(
        missing ? 'E_ESLOGGER_MISSING' : 'E_ESLOGGER_EXITED',
        missing
          ? `cannot run ${this.options.path} (${error.code}): eslogger ships with macOS 13 Ventura and later; on older macOS use the Endpoint Security source.`
          : `cannot run ${this.options.path}: ${error.message}`,
        { cause: error },
      );
      // The program could not even be started: restarting cannot help, and 'close' follows.
      spawnFailed = true;
      if (first && !settled) {
        settle(failure);
      } else {
        this.stopping = true;
        this.handlers.onFatal(failure);
      }
    });

    child.once('close', (code, signal) => {
      if (this.child === child) this.child = null;
      if (this.stopping || spawnFailed) return;
      const permission = classifyEsloggerStderr(stderr);
      if (permission) {
        const error = new EsloggerError(permission.code, permission.message);
        if (first && !settled) {
          settle(error);
        } else {
          this.stopping = true;
          this.handlers.onFatal(error);
        }
        return;
      }
      const reason = `eslogger exited (${signal ?? `code ${code}`})${stderr.trim() ? `: ${stderr.trim().split('\n').pop()}` : ''}`;
      if (first && !settled) {
        settle(new EsloggerError('E_ESLOGGER_EXITED', `${reason} right after starting; run \`sudo ${this.options.path} exec\` by hand to see why.`));
        return;
      }
      if (Date.now() - startedAt >= this.options.healthyAfterMs) this.attempt = 0;
      this.attempt += 1;
      const delayMs = Math.min(this.options.initialBackoffMs * 2 ** (this.attempt - 1), this.options.maxBackoffMs);
      this.handlers.onRestart({ attempt: this.attempt, delayMs, reason });
      this.restartTimer = setTimeout(() => {
        this.restartTimer = null;
        if (!this.stopping) this.launch();
      }, delayMs);
    });
  }
}
