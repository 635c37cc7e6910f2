import { afterEach, describe, expect, it } from 'vitest';
import type { NativeEvent, SimMessageSpec } from '../../src/native/addon.js';
import { EMOND, addon, collect, deliver, emondShellExec, handedOver, resetSimulator, shProcess } from './sim-helpers.js';

afterEach(resetSimulator);

/**
 * Messages whose optional parts differ from one to the next, so a reused event object that kept
 * a field from the previous message (a tty, a cwd, args on a fork) would show it.
 */
const MIXED: SimMessageSpec[] = [
  emondShellExec({ target: shProcess({ tty: '/dev/ttys001' }), script: '/tmp/x.sh' }),
  { type: 'fork', version: 6, process: { pid: 300, pidversion: 7, executable: EMOND }, child: { pid: 302, pidversion: 13, ppid: 300, executable: EMOND } },
  emondShellExec({ version: 3, args: ['/usr/bin/curl'] }),
  { type: 'exit', version: 5, process: { pid: 301, pidversion: 12, executable: '/bin/sh' }, exitStatus: 3 << 8 },
  emondShellExec({ target: shProcess({ pid: 303, signingId: '', teamId: 'ABCDE12345' }) }),
];

describe('EsClient.startStreaming', () => {
  it('reads each batch in place into one reused event, with the same values start() decodes', async () => {
    const decoded = collect({ batchSize: 64 });
    deliver(MIXED);
    const expected = structuredClone(await decoded.waitFor(MIXED.length));
    resetSimulator();

    const client = new (addon().EsClient)({ batchSize: 64 });
    const streamed: NativeEvent[] = [];
    const reused = new Set<NativeEvent>();
    let lengths = 0;
    client.startStreaming(
      (batch) => {
        lengths += batch.length;
        for (let event = batch.next(); event !== undefined; event = batch.next()) {
          reused.add(event);
          streamed.push(structuredClone(event));
        }
        expect(batch.next()).toBeUndefined();
      },
      (error) => {
        throw error;
      },
    );
    try {
      deliver(MIXED);
      await handedOver(() => client.stats());
    } finally {
      client.stop();
    }
    // The handler's entry time is the only field that differs between the two runs.
    const withoutEntryTime = (events: NativeEvent[]) => events.map(({ handlerEntryNs, ...rest }) => (expect(handlerEntryNs).toBeGreaterThan(0), rest));
    expect(withoutEntryTime(streamed)).toEqual(withoutEntryTime(expected));
    expect(lengths).toBe(MIXED.length);
    // One object for every event of the run: the stream allocates none per event.
    expect(reused.size).toBe(1);
    // Fields a message lacks are reset, not left from the one before.
    expect(streamed[1]).toMatchObject({ type: 'fork', args: undefined, cwd: undefined, script: undefined });
    expect(streamed[1]?.process.tty).toBeUndefined();
    expect(streamed[2]?.script).toBeUndefined();
    expect(streamed[2]?.args).toEqual(['/usr/bin/curl']);
    expect(streamed[4]?.process.signingId).toBe('');
  });
});
