import { afterEach, describe, expect, it } from 'vitest';
import { addon, resetSimulator, sim } from './sim-helpers.js';

afterEach(resetSimulator);

describe('listProcesses', () => {
  it('returns pid, ppid, pidversion and executable for every process in the table', () => {
    sim().setProcessTable([
      { pid: 1, ppid: 0, pidversion: 1, executable: '/sbin/launchd' },
      { pid: 300, ppid: 1, pidversion: 7, executable: '/sbin/emond' },
      { pid: 301, ppid: 300, executable: '/bin/sh' },
    ]);
    expect(addon().listProcesses()).toEqual([
      { pid: 1, ppid: 0, pidversion: 1, executable: '/sbin/launchd' },
      { pid: 300, ppid: 1, pidversion: 7, executable: '/sbin/emond' },
      // pidversion unreadable: omitted, not invented
      { pid: 301, ppid: 300, executable: '/bin/sh' },
    ]);
  });

  it('gives each process its start time when the kernel has one', () => {
    sim().setProcessTable([
      { pid: 300, ppid: 1, pidversion: 7, executable: '/sbin/emond', startTime: { sec: 1_754_572_895, usec: 877_422 } },
      { pid: 301, ppid: 300, pidversion: 8, executable: '/bin/sh' },
    ]);
    const [emond, shell] = addon().listProcesses();
    expect(emond?.startTime).toEqual({ sec: 1_754_572_895, usec: 877_422 });
    expect(shell).not.toHaveProperty('startTime');
  });

  it('treats an empty process list as the failure it is on a running system, and keeps long unicode paths', () => {
    // proc_listallpids reading nothing returns 0; no running Mac has no processes.
    sim().setProcessTable([]);
    expect(() => addon().listProcesses()).toThrow(/proc_listallpids failed/);
    const long = `/Applications/${'Ü'.repeat(1000)}.app/Contents/MacOS/x`;
    sim().setProcessTable([{ pid: 9, ppid: 1, pidversion: 2, executable: long }]);
    expect(addon().listProcesses()[0]?.executable).toBe(long);
  });
});
