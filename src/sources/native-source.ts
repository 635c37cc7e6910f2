import type { ExecEvent } from '../events/exec-event.js';
import type { NativeAddon, EsClientOptions } from '../native/addon.js';
import type { SnapshotProcess } from '../process/process-record.js';
import { EndpointSecuritySource } from './endpoint-security.js';
import type { EventSource, SourceCounters, SourceDescription, SourceHandlers } from './event-source.js';
import { snapshotProcesses } from './process-snapshot.js';

/**
 * The native Endpoint Security client as an EventSource. On Linux the same addon runs against the
 * ES simulator, so the daemon, the demo and the tests exercise the real hand-off path.
 */
export class NativeSource implements EventSource {
  private readonly source: EndpointSecuritySource;
  private stopped = true;

  constructor(
    private readonly addon: NativeAddon,
    private readonly client: EsClientOptions,
  ) {
    this.source = new EndpointSecuritySource({ addon, client });
  }

  describe(): SourceDescription {
    const simulated = this.addon.backend === 'simulator';
    const mode = this.client.mode ?? 'full';
    return {
      kind: simulated ? 'simulator' : 'endpoint-security',
      mode,
      ...(simulated
        ? { note: 'Endpoint Security simulator (not macOS): events come only from injection' }
        : mode === 'emond-only'
          ? { note: 'emond-only mode: blind to in-place exec chains and to emond copies at other paths' }
          : {}),
    };
  }

  async start(handlers: SourceHandlers): Promise<void> {
    this.stopped = false;
    this.source.start(
      (events: ExecEvent[]) => {
        if (!this.stopped) handlers.onEvents(events);
      },
      // Drops and unconvertible events are reported and counted; the client keeps running.
      (error: Error) => handlers.onWarning(error),
    );
  }

  /**
   * Stops the client, then lets what it had already received reach the pipeline: the native stop
   * flushes every converted event into the hand-off, and those batches run on the next turns of
   * the event loop. Dropping them here would lose the last events before every restart or upgrade.
   */
  async stop(): Promise<void> {
    this.source.stop();
    await this.handedOver();
    this.stopped = true;
  }

  /** Waits until no batch has arrived for two polls in a row (the delivery thread is gone, so none will), at most `timeoutMs`. */
  private async handedOver(timeoutMs = 1000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = -1;
    let quiet = 0;
    while (quiet < 2 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      const batches = this.source.stats().batches;
      quiet = batches === last ? quiet + 1 : 0;
      last = batches;
    }
  }

  counters(): SourceCounters {
    const stats = this.source.stats();
    return {
      // Per client (version ≥ 4) when known; before that, the per-event-type gaps add up the same loss.
      kernelDrops: Math.max(stats.kernelDrops.global, sum(Object.values(stats.kernelDrops.perType))),
      queueDrops: stats.queueDrops,
      queueByteDrops: stats.queueByteDrops,
      skipped: stats.conversionErrors,
      // Received by the ES handler and neither handed over nor dropped: what waits in the native queue.
      // queueBytes also counts the batches JavaScript holds: what the queue budget charges.
      queued: { events: Math.max(0, stats.received - stats.delivered - stats.queueDrops), bytes: stats.queueBytes },
      received: stats.received,
      ...this.esThread(),
    };
  }

  /** The simulator times its handler calls: the ES-thread work a Mac would spend in this process. */
  private esThread(): Pick<SourceCounters, 'esThread'> {
    const timing = this.addon.sim?.handlerTiming();
    return timing ? { esThread: { messages: timing.calls, busyNs: timing.totalNs } } : {};
  }

  /** Events handed to JavaScript so far (the simulator's replay paces itself on this). */
  delivered(): number {
    return this.source.stats().delivered;
  }

  snapshot(): SnapshotProcess[] {
    return snapshotProcesses(this.source.listProcesses());
  }
}


function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
