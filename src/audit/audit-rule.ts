import { loadBuiltinRules } from '../rules/index.js';
import type { RuleMetadata } from '../rules/rule.js';

/** The built-in "Suspicious Emond Child Process" rule (issue 2), whose MITRE mapping this rule shares. */
const EMOND_CHILD_PROCESS_RULE_ID = '3e3d15c6-1509-479a-b125-21718372157e';

/**
 * The built-in rule under which `emondguard audit --record` stores its findings. It is not an EQL
 * rule over process events: it matches emond rule files on disk whose actions run a command, the
 * configuration side of the persistence that "Suspicious Emond Child Process" catches when it fires
 * — hence the same ATT&CK mapping (Persistence, T1546.014 Emond), taken from that rule.
 */
const COMMAND_ACTION_RULE: Omit<RuleMetadata, 'threat'> = {
  id: 'ae19bbec-c237-40b4-9c7d-7416b58706c2',
  name: 'Emond Rule With Command Action',
  version: 1,
  description:
    'An emond rule file (in /etc/emond.d/rules or a folder named by additionalRulesPaths) contains a rule whose ' +
    'action runs a command. emond runs such commands as root when the rule\'s event occurs (startup, login, ' +
    'a timer), which makes it a persistence mechanism (MITRE T1546.014). Apple never shipped a rule that runs a command.',
  severity: 'high',
  risk_score: 73,
  max_signals: 100,
  interval: '5m',
  from: 'now-9m',
  tags: ['Domain: Endpoint', 'OS: macOS', 'Use Case: Threat Detection', 'Tactic: Persistence', 'Data Source: emondguard audit'],
  references: ['https://www.xorrior.com/emond-persistence/', 'https://attack.mitre.org/techniques/T1546/014/'],
  author: ['emondguard'],
  false_positives: [
    'An administrator who automates a task with emond on purpose (rare; macOS 13 removed emond). Confirm with the owner of the Mac, then remove or document the rule.',
  ],
  note: [
    '## Triage',
    '',
    '- Read the rule: `emondguard audit` prints the file, the rule, its events and the full command.',
    '- A command that fetches or runs something from /tmp, /Users/Shared, a hidden folder or the network is malicious until shown otherwise.',
    '- Look for a file in /private/var/db/emondClients: it makes launchd start emond, so the rule fires at the next event.',
    '- `emondguard alerts list` shows whether "Suspicious Emond Child Process" already fired on this Mac.',
    '',
    '## Response',
    '',
    '- Preserve the rule file and the emondClients entries, then delete them.',
    '- Investigate what the command did (it ran as root) and how the file got there (it needs root to write).',
  ].join('\n'),
  query: '',
  source: 'builtin:audit',
};

/** The rule with its mapping, built once. */
let cached: RuleMetadata | undefined;

export function emondCommandActionRule(): RuleMetadata {
  if (cached) return cached;
  const childProcessRule = loadBuiltinRules().find((r) => r.id === EMOND_CHILD_PROCESS_RULE_ID);
  if (!childProcessRule) throw new Error(`the built-in rule ${EMOND_CHILD_PROCESS_RULE_ID} is missing from this build`);
  cached = { ...COMMAND_ACTION_RULE, threat: childProcessRule.threat };
  return cached;
}
