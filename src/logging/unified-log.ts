/**
 * The macOS unified log as the rest of the product sees it. The native addon implements it
 * (os_log with cached handles; a ring buffer in simulator builds); this side only depends on the
 * interface, so the store, sinks and logger work and are tested without the addon.
 */
export type UnifiedLogLevel = 'debug' | 'info' | 'default' | 'error' | 'fault';

export interface UnifiedLogWriter {
  /**
   * `message` is logged `%{public}s` when `public` is true, else with the OS default privacy
   * (redacted as `<private>` unless private data logging is enabled); `detail` is appended with
   * the OS default privacy.
   */
  log(
    subsystem: string,
    category: string,
    level: UnifiedLogLevel,
    message: string,
    options?: { public?: boolean; detail?: string },
  ): void;
}

export const UNIFIED_LOG_SUBSYSTEM = 'com.emondguard.agent';
export const UNIFIED_LOG_CATEGORIES = { alert: 'alert', agent: 'agent' } as const;
