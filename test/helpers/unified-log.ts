import type { UnifiedLogLevel, UnifiedLogWriter } from '../../src/logging/unified-log.js';

export interface UnifiedLogRecord {
  subsystem: string;
  category: string;
  level: UnifiedLogLevel;
  message: string;
  public: boolean;
  detail: string | undefined;
}

/**
 * Stands in for the addon's os_log binding (Apple's API, not ours): records what would be logged,
 * and can be made unavailable to exercise the retry paths.
 */
export class RecordingUnifiedLog implements UnifiedLogWriter {
  readonly records: UnifiedLogRecord[] = [];
  failuresLeft = 0;

  log(subsystem: string, category: string, level: UnifiedLogLevel, message: string, options?: { public?: boolean; detail?: string }): void {
    if (this.failuresLeft > 0) {
      this.failuresLeft -= 1;
      throw new Error('unified log unavailable');
    }
    this.records.push({ subsystem, category, level, message, public: options?.public ?? false, detail: options?.detail });
  }
}
