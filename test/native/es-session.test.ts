import { afterEach, describe, expect, it } from 'vitest';
import { EsClientError, EsNewClientResult } from '../../src/native/addon.js';
import { addon, collect, deliver, EMOND, emondShellExec, handedOver, resetSimulator, sim } from './sim-helpers.js';

afterEach(resetSimulator);

const NOTIFY_EXEC = 9;
const NOTIFY_FORK = 11;
const NOTIFY_EXIT = 15;

describe('ES session set-up', () => {
  it('subscribes to exec, fork and exit by default and unsubscribes on stop', () => {
    const c = collect();
    expect(sim().clients()).toHaveLength(1);
    expect(sim().clients()[0]?.subscriptions).toEqual([NOTIFY_EXEC, NOTIFY_FORK, NOTIFY_EXIT]);
    c.client.stop();
    expect(sim().clients()).toHaveLength(0);
  });

  it('subscribes to the configured events only', async () => {
    const c = collect({ events: ['exec'] });
    expect(sim().clients()[0]?.subscriptions).toEqual([NOTIFY_EXEC]);
    deliver([{ type: 'fork', process: { pid: 2 }, child: { pid: 3 } }, emondShellExec()]);
    const events = await c.waitFor(1);
    await handedOver(() => c.client.stats());
    expect(events.map((e) => e.type)).toEqual(['exec']);
  });

  it('mutes its own process so its own execs never come back', async () => {
    sim().setSelf({ pid: 4242, pidversion: 3 });
    const c = collect();
    expect(sim().clients()[0]?.mutedProcesses).toEqual([{ pid: 4242, pidversion: 3 }]);
    deliver([
      emondShellExec({ process: { pid: 4242, pidversion: 3, executable: '/usr/local/bin/node' } }),
      emondShellExec(),
    ]);
    const events = await c.waitFor(1);
    await handedOver(() => c.client.stats());
    expect(events).toHaveLength(1);
    expect(events[0]?.instigator.pid).toBe(301);
  });

  it('does not mute itself when muteSelf is false', () => {
    collect({ muteSelf: false });
    expect(sim().clients()[0]?.mutedProcesses).toEqual([]);
  });

  it('emond-only mode clears the default mute set, inverts path muting and selects emond images', async () => {
    const c = collect({ mode: 'emond-only' });
    const [client] = sim().clients();
    expect(client?.pathMutingInverted).toBe(true);
    expect(client?.processMutingInverted).toBe(false);
    // The simulator's default-muted system paths must be gone, or inversion would select them.
    expect(client?.mutedPaths).toEqual([{ path: EMOND, type: 1 /* ES_MUTE_PATH_TYPE_LITERAL */ }]);
    deliver([
      emondShellExec({ process: { pid: 50, pidversion: 1, executable: '/usr/sbin/cron' } }),
      emondShellExec({ process: { pid: 51, pidversion: 1, executable: '/usr/libexec/sim-default-muted-daemon' } }),
      // emond's child, exec'ing sh: the pre-exec image is emond, so it is delivered.
      emondShellExec(),
      // sh exec'ing curl in place: the instigator is sh, which this mode cannot see (documented).
      emondShellExec({ process: { pid: 301, pidversion: 12, executable: '/bin/sh' } }),
    ]);
    const events = await c.waitFor(1);
    await handedOver(() => c.client.stats());
    expect(events.map((e) => e.instigator.executable)).toEqual([EMOND]);
  });

  it('emond-only mode selects every configured emond path', () => {
    collect({ mode: 'emond-only', emondPaths: ['/sbin/emond', '/usr/local/sbin/emond'] });
    expect(sim().clients()[0]?.mutedPaths.map((p) => p.path)).toEqual(['/sbin/emond', '/usr/local/sbin/emond']);
  });
});

describe('es_new_client failures become actionable errors', () => {
  const cases: Array<[number, string, RegExp[]]> = [
    [EsNewClientResult.ERR_INVALID_ARGUMENT, 'E_ES_INVALID_ARGUMENT', [/bug in emondguard/]],
    [EsNewClientResult.ERR_INTERNAL, 'E_ES_INTERNAL', [/Retry/]],
    [EsNewClientResult.ERR_NOT_ENTITLED, 'E_ES_NOT_ENTITLED', [/com\.apple\.developer\.endpoint-security\.client/, /eslogger/]],
    [
      EsNewClientResult.ERR_NOT_PERMITTED,
      'E_ES_NOT_PERMITTED',
      [/Full Disk Access/, /System Settings › Privacy & Security › Full Disk Access/, /SystemPolicyAllFiles/, /PPPC/],
    ],
    [EsNewClientResult.ERR_NOT_PRIVILEGED, 'E_ES_NOT_PRIVILEGED', [/root/, /LaunchDaemon/]],
    [EsNewClientResult.ERR_TOO_MANY_CLIENTS, 'E_ES_TOO_MANY_CLIENTS', [/limit of Endpoint Security clients/]],
    [99, 'E_ES_UNKNOWN', [/unknown result 99/]],
  ];

  it.each(cases)('result %i → %s', (result, code, patterns) => {
    sim().setNewClientResult(result);
    const client = new (addon().EsClient)();
    let thrown: unknown;
    try {
      client.start(() => {}, () => {});
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(EsClientError);
    const error = thrown as EsClientError;
    expect(error.code).toBe(code);
    expect(error.esResult).toBe(result);
    expect(error.esStep).toBe('es_new_client');
    for (const pattern of patterns) expect(error.message).toMatch(pattern);
    expect(client.running).toBe(false);
    expect(sim().clients()).toHaveLength(0);
  });

  it('probeClient returns the raw result and leaves no client behind', () => {
    expect(addon().probeClient()).toBe(0);
    sim().setNewClientResult(EsNewClientResult.ERR_NOT_PERMITTED);
    expect(addon().probeClient()).toBe(4);
    expect(sim().clients()).toHaveLength(0);
  });
});
