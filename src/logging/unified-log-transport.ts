import TransportStream from 'winston-transport';
import { formatField } from './log-fields.js';
import {
  UNIFIED_LOG_CATEGORIES,
  UNIFIED_LOG_SUBSYSTEM,
  type UnifiedLogLevel,
  type UnifiedLogWriter,
} from './unified-log.js';

/**
 * A winston transport that writes the agent's own log to the unified log, category `agent`.
 * The message is ours (what the agent did) and public; the metadata may quote paths and command
 * lines from the host, so it goes in the detail with the OS default privacy.
 */

export interface UnifiedLogTransportOptions extends TransportStream.TransportStreamOptions {
  writer: UnifiedLogWriter;
  /** Log the message public (default true). */
  publicMessage?: boolean;
}

/** winston's npm levels onto os_log's: warnings are `default` (shown and kept), not errors. */
const LEVELS: Record<string, UnifiedLogLevel> = {
  error: 'error',
  warn: 'default',
  info: 'info',
  http: 'info',
  verbose: 'debug',
  debug: 'debug',
  silly: 'debug',
};

/** Keys winston adds to every entry that are not metadata of the call. */
const RESERVED = new Set(['level', 'message', 'timestamp', 'splat']);

export class UnifiedLogTransport extends TransportStream {
  private readonly writer: UnifiedLogWriter;
  private readonly publicMessage: boolean;

  constructor(options: UnifiedLogTransportOptions) {
    super(options);
    this.writer = options.writer;
    this.publicMessage = options.publicMessage ?? true;
  }

  override log(info: Record<string, unknown>, next: () => void): void {
    const level = LEVELS[String(info.level)] ?? 'default';
    const detail = Object.entries(info)
      .filter(([key]) => !RESERVED.has(key))
      .map(([key, value]) => formatField(key, value))
      .join(' ');
    try {
      this.writer.log(UNIFIED_LOG_SUBSYSTEM, UNIFIED_LOG_CATEGORIES.agent, level, String(info.message), {
        public: this.publicMessage,
        ...(detail ? { detail } : {}),
      });
    } catch (error) {
      // The unified log being unavailable must not take the agent's other log outputs down.
      this.emit('warn', error);
    }
    next();
  }
}
