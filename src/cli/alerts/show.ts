import { UsageError } from '../../errors.js';
import type { ThreatMapping } from '../../rules/rule.js';
import type { AlertDetail, StatusChangeRecord } from '../../storage/alert-rows.js';
import { shortTime } from './alert-formats.js';
import type { ShowFormat } from './formats.js';
import { openStoreForReading, withStore } from './open-store.js';
import { Output } from './output.js';
import { printable, printableJson, printableLines } from '../../text/printable.js';
import { paint, terminalStyle } from './terminal.js';


export interface ShowFlags {
  db?: string;
  format: ShowFormat;
}

export async function runShow(id: number, flags: ShowFlags): Promise<void> {
  const output = new Output();
  await withStore(openStoreForReading(flags.db), async (store) => {
    const alert = store.get(id);
    if (!alert) {
      throw new UsageError(`no alert with id ${id} in ${store.file}; \`emondguard alerts list\` shows the ids`, {
        code: 'E_ALERT_NOT_FOUND',
      });
    }
    await output.write(flags.format === 'json' ? `${printableJson(alert)}\n` : renderAlert(alert, terminalStyle().color));
  });
}

/**
 * Everything about one alert, for a person: the facts, MITRE, references, the guide, the document.
 * Every string in it may come from the attacker (argv, names) or from a rule file someone added
 * (note, references, MITRE names), so every one goes through printable(); the guide keeps its
 * line breaks (printableLines) and the document is printableJson (same JSON, nothing raw).
 */
export function renderAlert(alert: AlertDetail, color: boolean): string {
  const p = alert.process;
  const facts: Array<[string, string | null]> = [
    ['Status', statusLine(alert)],
    ['Severity', `${alert.rule.severity} (risk score ${alert.rule.risk_score})`],
    ['Time', `${shortTime(alert.timestamp)} UTC (event); raised ${shortTime(alert.created)} UTC`],
    ['Occurrences', alert.count > 1 ? `${alert.count} identical alerts merged, the last at ${shortTime(alert.last_seen ?? alert.timestamp)} UTC` : '1'],
    ['Host', alert.host],
    ['Process', `${p.name ?? '?'} (pid ${p.pid ?? '?'}) ${p.executable ?? ''}`.trim()],
    ['Command line', p.command_line],
    ['Parent', `${p.parent.name ?? '?'} (pid ${p.parent.pid ?? '?'}) ${p.parent.executable ?? ''}`.trim()],
    ['Parent signed', parentSignature(alert)],
    ['User', alert.user.id === null ? null : `${alert.user.id}${alert.user.name ? ` (${alert.user.name})` : ''}`],
    ['Entity ids', `${p.entity_id ?? '?'} ← parent ${p.parent.entity_id ?? '?'}`],
    ['Alert id', alert.uuid || null],
    ['Notified', alert.notifications_held_back > 0
      ? `no: held back (${alert.notifications_held_back}), its parent and program were over the rule's max_signals; stored only`
      : null],
    ['Truncated', alert.truncated.length === 0 ? null : alert.truncated.map(truncatedText).join('; ')],
    ['Rule', `${alert.rule.name} — ${alert.rule.id} v${alert.rule.version}${alert.rule_context.source ? ` (${alert.rule_context.source})` : ''}`],
  ];
  const heading = (text: string): string => `\n${paint(text, 'bold', color)}`;
  const lines = [paint(printable(`Alert ${alert.id}: ${alert.rule.name}`), 'bold', color), ''];
  for (const [label, value] of facts) {
    if (value !== null && value !== '') lines.push(`  ${label.padEnd(13)} ${printable(value)}`);
  }
  // The status line is the latest change; the history matters once there was more than one.
  if (alert.status_history.length > 1) lines.push(heading('Triage history'), ...alert.status_history.map(historyLine));
  lines.push(heading('MITRE ATT&CK'), ...threatLines(alert.document.threat));
  const references = alert.rule_context.references?.length ? alert.rule_context.references : alert.document.rule.reference;
  if (references.length > 0) lines.push(heading('References'), ...references.map((r) => `  - ${printable(r)}`));
  lines.push(heading('Investigation guide'));
  lines.push(printableLines(alert.rule_context.note?.trim() || '  (the rule has no investigation guide)'));
  lines.push(heading('ECS document'), printableJson(alert.document));
  return `${lines.join('\n')}\n`;
}

/** A fake emond shows here: ad hoc signed (a signing id but no team) or not known at all. */
function parentSignature(alert: AlertDetail): string | null {
  const signature = alert.process.parent.code_signature;
  if (!signature) return null;
  return `signing id ${signature.signing_id ?? '(none)'}, team ${signature.team_id ?? '(none)'}`;
}

function truncatedText(field: AlertDetail['truncated'][number]): string {
  const count = field.original_count === undefined ? '' : ` in ${field.original_count} arguments`;
  return `${field.field} was ${field.original_bytes} bytes${count}`;
}

function historyLine(change: StatusChangeRecord): string {
  const note = change.note ? ` — ${change.note}` : '';
  return printable(`  ${shortTime(change.at)} UTC  ${change.status} by ${change.by ?? '?'}${note}`);
}

function statusLine(alert: AlertDetail): string {
  if (alert.status === 'open') return 'open';
  const who = alert.status_by ? ` by ${alert.status_by}` : '';
  const when = alert.status_at ? ` at ${shortTime(alert.status_at)} UTC` : '';
  const note = alert.status_note ? ` — ${alert.status_note}` : '';
  return `${alert.status}${who}${when}${note}`;
}

function threatLines(threat: readonly ThreatMapping[]): string[] {
  if (threat.length === 0) return ['  (no mapping)'];
  const lines: string[] = [];
  for (const mapping of threat) {
    lines.push(`  ${mapping.tactic.name} (${mapping.tactic.id})  ${mapping.tactic.reference}`);
    for (const technique of mapping.technique ?? []) {
      lines.push(`    ${technique.id} ${technique.name}  ${technique.reference}`);
      for (const sub of technique.subtechnique ?? []) lines.push(`      ${sub.id} ${sub.name}  ${sub.reference}`);
    }
  }
  // Names, ids and links come from the rule file: a user's rules folder is not vetted text.
  return lines.map(printable);
}
