import { afterEach, describe, expect, it } from 'vitest';
import type { ExecEvent } from '../../src/events/exec-event.js';
import { ProcessTree } from '../../src/process/process-tree.js';
import { EndpointSecuritySource } from '../../src/sources/endpoint-security.js';
import { snapshotProcesses } from '../../src/sources/process-snapshot.js';
import { EMOND, addon, deliver, handedOver, resetSimulator, sim } from '../native/sim-helpers.js';

afterEach(resetSimulator);

const EMOND_START = { sec: 1_754_572_895, usec: 877_422 };

describe('snapshotProcesses', () => {
  it('gives a process from the start-up snapshot the entity id its own events carry', async () => {
    sim().setProcessTable([
      { pid: 300, ppid: 1, pidversion: 7, executable: EMOND, startTime: EMOND_START },
      { pid: 412, ppid: 1, executable: '/bin/zsh' },
    ]);
    const snapshot = snapshotProcesses(addon().listProcesses());
    expect(snapshot).toEqual([
      { pid: 300, ppid: 1, pidversion: 7, executable: EMOND, start: '2025-08-07T13:21:35.877422Z' },
      { pid: 412, ppid: 1, executable: '/bin/zsh' },
    ]);
    const tree = new ProcessTree();
    tree.seed(snapshot);

    // emond's own exit, converted from an ES message like every live event.
    const source = new EndpointSecuritySource({ addon: addon() });
    const events: ExecEvent[] = [];
    source.start((batch) => events.push(...batch), (error) => {
      throw error;
    });
    try {
      deliver([{ type: 'exit', version: 7, process: { pid: 300, pidversion: 7, ppid: 1, executable: EMOND, startTime: EMOND_START }, exitStatus: 0 }]);
      await handedOver(() => source.stats());
    } finally {
      source.stop();
    }
    expect(events[0]?.process.entity_id).toBe('300:7:2025-08-07T13:21:35.877422Z');
    expect(tree.get(300)?.entityId).toBe(events[0]?.process.entity_id);
  });
});
