import { formatField, valueAt } from '../../logging/log-fields.js';
import {
  UNIFIED_LOG_CATEGORIES,
  UNIFIED_LOG_SUBSYSTEM,
  type UnifiedLogLevel,
  type UnifiedLogWriter,
} from '../../logging/unified-log.js';
import type { StoredAlert } from '../stored-alert.js';
import type { AgentDocument, AlertSink } from './alert-sink.js';

/**
 * One structured line per alert in the unified log (subsystem com.emondguard.agent, category
 * alert). The fields an administrator needs to triage from `log show` are public; the rest —
 * above all the command line, which can carry secrets — keep the OS default privacy, so they
 * show as <private> unless the Mac is set to reveal private data.
 */

export interface UnifiedLogSinkOptions {
  /** Dotted ECS paths logged in the public message (`alert.id` is the store's row id). */
  publicFields?: readonly string[];
  /** Dotted ECS paths logged in the private detail. */
  privateFields?: readonly string[];
  level?: UnifiedLogLevel;
}

/** Always logged first and public, whatever publicFields says: a SIEM deduplicates on it. */
export const ALERT_ID_FIELDS: readonly string[] = ['kibana.alert.uuid', 'event.id'];

export const DEFAULT_PUBLIC_ALERT_FIELDS: readonly string[] = [
  ...ALERT_ID_FIELDS,
  'alert.id',
  'rule.name',
  'rule.id',
  'rule.severity',
  'rule.risk_score',
  'process.name',
  'process.pid',
  'process.executable',
  'process.parent.name',
  'process.parent.pid',
  'process.parent.executable',
  'process.parent.code_signature.signing_id',
  'process.parent.code_signature.team_id',
  'host.name',
  'user.id',
];

export const DEFAULT_PRIVATE_ALERT_FIELDS: readonly string[] = [
  'process.command_line',
  'process.working_directory',
  'user.name',
  'process.entity_id',
  'process.parent.entity_id',
];

export class UnifiedLogAlertSink implements AlertSink {
  readonly name = 'unified-log';
  private readonly writer: UnifiedLogWriter;
  private readonly publicFields: readonly string[];
  private readonly privateFields: readonly string[];
  private readonly level: UnifiedLogLevel;

  constructor(writer: UnifiedLogWriter, options: UnifiedLogSinkOptions = {}) {
    this.writer = writer;
    const publicFields = options.publicFields ?? DEFAULT_PUBLIC_ALERT_FIELDS;
    this.publicFields = [...ALERT_ID_FIELDS.filter((f) => !publicFields.includes(f)), ...publicFields];
    this.privateFields = options.privateFields ?? DEFAULT_PRIVATE_ALERT_FIELDS;
    this.level = options.level ?? 'default';
  }

  write(alerts: readonly StoredAlert[]): void {
    for (const alert of alerts) {
      const { message, detail } = this.format(alert);
      this.writer.log(UNIFIED_LOG_SUBSYSTEM, UNIFIED_LOG_CATEGORIES.alert, this.level, message, { public: true, detail });
    }
  }

  /**
   * Lifecycle documents go to category `agent`, all public: they are the agent's own words and
   * counters, never a command line. Drops and unclean shutdowns are errors, so `log show` keeps them.
   */
  writeDocuments(documents: readonly AgentDocument[]): void {
    for (const document of documents) {
      const fields = Object.entries(document.emondguard).map(([field, value]) => formatField(field, value)).join(' ');
      const level: UnifiedLogLevel = document.event.action === 'events-dropped' || document.event.action === 'unclean-shutdown' ? 'error' : 'default';
      this.writer.log(UNIFIED_LOG_SUBSYSTEM, UNIFIED_LOG_CATEGORIES.agent, level, `emondguard ${document.event.action} agent.id=${document.agent.id} ${fields}`.trimEnd(), { public: true });
    }
  }

  format(alert: StoredAlert): { message: string; detail: string } {
    const source = { ...alert.document, alert: { id: alert.id } };
    const render = (fields: readonly string[]): string =>
      fields
        .map((field) => [field, valueAt(source, field)] as const)
        .filter(([, value]) => value !== undefined)
        .map(([field, value]) => formatField(field, value))
        .join(' ');
    return { message: `emondguard alert ${render(this.publicFields)}`, detail: render(this.privateFields) };
  }
}
