import type { ExecEvent } from '../events/exec-event.js';
import type { CompiledRule, Severity } from '../rules/rule.js';
import type { AlertDocument } from './alert-document.js';
import { ensureAlertId } from './alert-id.js';

/**
 * ECS `event.severity` is a number. Elastic Security scores its four severity levels 21, 47, 73
 * and 99 (the default risk score of each level), so an alert keeps the same order and scale in
 * a SIEM whether it is sorted by severity or by risk score.
 */
export const SEVERITY_NUMBER: Readonly<Record<Severity, number>> = {
  low: 21,
  medium: 47,
  high: 73,
  critical: 99,
};

/**
 * The ECS alert document for `event` matched by `rule`: the event's fields as they were (parent
 * resolution included), `event.kind: "alert"`, the rule's identity, severity and MITRE mapping.
 * The event part is a deep copy, so later changes to the event never reach a stored alert. The
 * rule block and the MITRE mapping are built once per rule and frozen: every alert of a rule shares
 * them, which lets the store recognise them by identity instead of serialising them per alert.
 */
export function buildAlert(rule: CompiledRule, event: ExecEvent, now: Date = new Date()): AlertDocument {
  const copy = structuredClone(event);
  const { block, threat } = ruleParts(rule);
  const alert: AlertDocument = {
    '@timestamp': copy['@timestamp'],
    event: {
      ...copy.event,
      kind: 'alert',
      created: now.toISOString(),
      severity: SEVERITY_NUMBER[rule.severity],
      risk_score: rule.risk_score,
    },
    host: copy.host,
    process: copy.process,
    user: copy.user,
    es: copy.es,
    rule: block,
    threat,
    emondguard: {},
  };
  if (copy.group !== undefined) alert.group = copy.group;
  ensureAlertId(alert);
  return alert;
}

const partsByRule = new WeakMap<CompiledRule, { block: AlertDocument['rule']; threat: AlertDocument['threat'] }>();

function ruleParts(rule: CompiledRule): { block: AlertDocument['rule']; threat: AlertDocument['threat'] } {
  let parts = partsByRule.get(rule);
  if (!parts) {
    parts = deepFreeze({
      block: {
        id: rule.id,
        name: rule.name,
        version: rule.version,
        severity: rule.severity,
        risk_score: rule.risk_score,
        description: rule.description,
        reference: [...rule.references],
        author: [...rule.author],
        ruleset: rule.source.startsWith('builtin:') ? 'builtin' : 'custom',
        ...(rule.license === undefined ? {} : { license: rule.license }),
      },
      threat: structuredClone(rule.threat),
    });
    partsByRule.set(rule, parts);
  }
  return parts;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
