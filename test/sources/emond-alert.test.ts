import { afterEach, describe, expect, it } from 'vitest';
import type { ExecEvent } from '../../src/events/exec-event.js';
import { loadBuiltinRules } from '../../src/rules/index.js';
import { EndpointSecuritySource } from '../../src/sources/endpoint-security.js';
import { EMOND, addon, deliver, emondShellExec, resetSimulator, settle, shProcess } from '../native/sim-helpers.js';

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
  await settle();
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
