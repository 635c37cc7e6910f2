import { aPlistType, isPlistDict, type PlistDict, type PlistValue } from '../plist/index.js';

/**
 * emond's rule format, as read from a rules plist: an array of rule dicts, each with `name`,
 * `enabled`, `eventTypes` (e.g. `startup`, `periodic`, `auth:login`), `criterion` (conditions on
 * the event) and `actions` — `Log`, `SendEmail`, `SendSMS`, `SendNotification`, and `RunCommand`
 * (`command`, `arguments`, `user`, `group`), the one attackers use to run code as root.
 *
 * Interpretation is forgiving on purpose: a malformed rule is reported with what is wrong and
 * still searched for commands, so odd structure can never hide a RunCommand from the audit.
 */

export interface EmondAction {
  /** `type` as written (`RunCommand`, `Log`, …), or `(none)` when missing. */
  type: string;
  command?: string;
  arguments?: string[];
  user?: string;
  group?: string;
  /** `message` of Log/SendEmail/SendNotification actions. */
  message?: string;
  /** The action dict as it was. */
  raw: PlistDict;
}

export interface EmondRule {
  /** Position in the file's array (0-based). */
  index: number;
  name?: string;
  /** `undefined` when the rule has no `enabled` key. */
  enabled?: boolean;
  eventTypes: string[];
  allowPartialCriterionMatch?: boolean;
  criterion: PlistValue[];
  actions: EmondAction[];
  /** What does not match emond's format, in words. */
  problems: string[];
}

export const RUN_COMMAND = 'RunCommand';

/** Interprets a parsed rules plist. `problems` are file-level structure issues. */
export function interpretRulesPlist(value: PlistValue): { rules: EmondRule[]; problems: string[] } {
  if (Array.isArray(value)) {
    const problems: string[] = [];
    const rules: EmondRule[] = [];
    value.forEach((item, index) => {
      if (isPlistDict(item)) rules.push(interpretRule(item, index));
      else problems.push(`item ${index} is ${aPlistType(item)}, not a rule dict`);
    });
    return { rules, problems };
  }
  if (isPlistDict(value)) {
    return {
      rules: [interpretRule(value, 0)],
      problems: ['the file holds a single dict, not an array of rules (read as one rule)'],
    };
  }
  return { rules: [], problems: [`the file holds ${aPlistType(value)}, not an array of rules`] };
}

function interpretRule(dict: PlistDict, index: number): EmondRule {
  const problems: string[] = [];
  const rule: EmondRule = {
    index,
    eventTypes: stringList(dict.eventTypes, 'eventTypes', problems),
    criterion: [],
    actions: [],
    problems,
  };
  const name = optionalString(dict.name, 'name', problems);
  if (name !== undefined) rule.name = name;
  const enabled = optionalBoolean(dict.enabled, 'enabled', problems);
  if (enabled !== undefined) rule.enabled = enabled;
  const partial = optionalBoolean(dict.allowPartialCriterionMatch, 'allowPartialCriterionMatch', problems);
  if (partial !== undefined) rule.allowPartialCriterionMatch = partial;
  if (dict.criterion !== undefined) {
    if (Array.isArray(dict.criterion)) rule.criterion = dict.criterion;
    else problems.push(`criterion is ${aPlistType(dict.criterion)}, not an array`);
  }
  const actions = dict.actions;
  if (actions === undefined) problems.push('the rule has no actions');
  else if (Array.isArray(actions)) {
    actions.forEach((action, i) => {
      if (isPlistDict(action)) rule.actions.push(interpretAction(action, `action ${i}`, problems));
      else problems.push(`action ${i} is ${aPlistType(action)}, not a dict`);
    });
  } else if (isPlistDict(actions)) {
    problems.push('actions is a single dict, not an array (read as one action)');
    rule.actions.push(interpretAction(actions, 'action 0', problems));
  } else {
    problems.push(`actions is ${aPlistType(actions)}, not an array`);
  }
  return rule;
}

function interpretAction(dict: PlistDict, label: string, problems: string[]): EmondAction {
  const type = optionalString(dict.type, `${label} type`, problems);
  const action: EmondAction = { type: type ?? '(none)', raw: dict };
  if (type === undefined) problems.push(`${label} has no type`);
  const command = optionalString(dict.command, `${label} command`, problems);
  if (command !== undefined) action.command = command;
  if (dict.arguments !== undefined) action.arguments = stringList(dict.arguments, `${label} arguments`, problems);
  for (const key of ['user', 'group', 'message'] as const) {
    const value = optionalString(dict[key], `${label} ${key}`, problems);
    if (value !== undefined) action[key] = value;
  }
  if (type === RUN_COMMAND && command === undefined) problems.push(`${label} is a RunCommand without a command`);
  return action;
}

/** True for an action that would run a program: a RunCommand, or anything else carrying a command. */
export function runsCommand(action: EmondAction): boolean {
  return action.type === RUN_COMMAND || action.command !== undefined;
}

function optionalString(value: PlistValue | undefined, what: string, problems: string[]): string | undefined {
  if (value === undefined || typeof value === 'string') return value;
  problems.push(`${what} is ${aPlistType(value)}, not a string`);
  return undefined;
}

function optionalBoolean(value: PlistValue | undefined, what: string, problems: string[]): boolean | undefined {
  if (value === undefined || typeof value === 'boolean') return value;
  problems.push(`${what} is ${aPlistType(value)}, not a boolean`);
  return undefined;
}

/** An array of strings; anything else is reported, and stray non-strings are shown as text. */
function stringList(value: PlistValue | undefined, what: string, problems: string[]): string[] {
  if (value === undefined) return [];
  if (typeof value === 'string') {
    problems.push(`${what} is a string, not an array`);
    return [value];
  }
  if (!Array.isArray(value)) {
    problems.push(`${what} is ${aPlistType(value)}, not an array`);
    return [];
  }
  return value.map((item, i) => {
    if (typeof item === 'string') return item;
    problems.push(`${what}[${i}] is ${aPlistType(item)}, not a string`);
    return String(item);
  });
}
