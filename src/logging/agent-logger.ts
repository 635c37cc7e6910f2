import fs from 'node:fs';
import winston from 'winston';
import { ensurePrivateFile } from '../storage/file-modes.js';
import { UnifiedLogTransport } from './unified-log-transport.js';
import type { UnifiedLogWriter } from './unified-log.js';

/**
 * The agent's own log: JSON lines in a file (agent.log) and the same entries in the unified log,
 * category `agent`, through the addon. One logger; the composition root builds it and passes it
 * to whatever needs to report.
 */

export type AgentLogLevel = 'error' | 'warn' | 'info' | 'verbose' | 'debug';
export const AGENT_LOG_LEVELS: readonly AgentLogLevel[] = ['error', 'warn', 'info', 'verbose', 'debug'];

/** What the store, writer and sinks need to report; a winston Logger is one. */
export interface AgentLog {
  error(message: string, meta?: Record<string, unknown>): unknown;
  warn(message: string, meta?: Record<string, unknown>): unknown;
  info(message: string, meta?: Record<string, unknown>): unknown;
  debug(message: string, meta?: Record<string, unknown>): unknown;
}

export interface AgentLoggerOptions {
  level?: AgentLogLevel;
  /** The JSON-lines file; none when omitted. Created 0600. */
  file?: string;
  /** Rotate the file past this size (default 10 MiB), keeping `maxFiles` (default 5). */
  maxBytes?: number;
  maxFiles?: number;
  unifiedLog?: UnifiedLogWriter;
  /** Also write human-readable lines to stderr (foreground runs). */
  stderr?: boolean;
  /** The uid the file must belong to (safe-files.ts); default the effective uid. */
  uid?: number;
}

const LOG_OPEN_FLAGS = fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_CREAT | fs.constants.O_NOFOLLOW;

export function createAgentLogger(options: AgentLoggerOptions = {}): winston.Logger {
  const transports: winston.transport[] = [];
  if (options.file !== undefined) {
    // winston would create the file with the umask's mode, following whatever sits at its path;
    // alerts' command lines end up quoted in this log. So create (or check) it first through
    // safe-files.ts, hand winston the real path, and make its own opens (after each rotation)
    // refuse a symlink and create 0600.
    const real = ensurePrivateFile(options.file, options.uid);
    transports.push(
      new winston.transports.File({
        filename: real,
        options: { flags: LOG_OPEN_FLAGS, mode: 0o600 },
        maxsize: options.maxBytes ?? 10 * 1024 * 1024,
        maxFiles: options.maxFiles ?? 5,
        tailable: true,
        format: winston.format.combine(winston.format.timestamp(), winston.format.json()),
      }),
    );
  }
  if (options.unifiedLog) transports.push(new UnifiedLogTransport({ writer: options.unifiedLog }));
  if (options.stderr) {
    transports.push(
      new winston.transports.Console({
        stderrLevels: [...AGENT_LOG_LEVELS],
        format: winston.format.combine(winston.format.timestamp(), winston.format.simple()),
      }),
    );
  }
  const logger = winston.createLogger({
    level: options.level ?? 'info',
    levels: winston.config.npm.levels,
    transports,
    // With no outputs (tests, a scan), winston would warn about writing to nothing.
    silent: transports.length === 0,
    exitOnError: false,
  });
  // A logger is a stream: an entry written after shutdown ended it (a late timer's warning) would
  // be an unhandled 'error' and kill the agent. Losing that one line is the lesser evil.
  logger.on('error', (error: Error) => {
    if (options.stderr) process.stderr.write(`emondguard: a log entry was lost: ${error.message}\n`);
  });
  return logger;
}

/**
 * Ends the logger and waits until every transport has finished: the logger's own 'finish' comes
 * before the file transport has written its last entries (the "stopped" line would be lost).
 * Resolves false when `timeoutMs` passed first, so a stuck disk cannot hold up a shutdown.
 */
export function closeAgentLogger(logger: winston.Logger, timeoutMs: number): Promise<boolean> {
  const pending = logger.transports.filter((transport) => !transport.writableFinished);
  return new Promise((resolve) => {
    let left = pending.length;
    const timer = setTimeout(() => resolve(false), timeoutMs);
    const done = (): void => {
      if (--left > 0) return;
      clearTimeout(timer);
      resolve(true);
    };
    for (const transport of pending) transport.once('finish', done);
    logger.end();
    if (pending.length === 0) {
      clearTimeout(timer);
      resolve(true);
    }
  });
}
