import os from 'node:os';
import { EmondguardError, describeError } from '../errors.js';
import type { ExecEvent } from '../events/exec-event.js';
import { loadNativeAddon } from '../native/addon.js';
import type {
  EsClient,
  EsClientOptions,
  EsClientStats,
  NativeAddon,
  NativeDropInfo,
  NativeEventStream,
  ProcessInfo,
} from '../native/native-types.js';
import { nativeEventConverter, type NativeEventConverter } from './native-event-to-exec-event.js';

/** Events were lost before reaching JavaScript (kernel drops or a full queue). Reported, never silent. */
export class EventsDroppedError extends EmondguardError {
  constructor(
    readonly queueDrops: number,
    readonly kernelDrops: number,
    readonly queueByteDrops = 0,
  ) {
    super(
      'E_ES_EVENTS_DROPPED',
      `Endpoint Security events were lost: ${queueDrops} dropped because JavaScript fell behind (queue full` +
        (queueByteDrops > 0 ? `; ${queueByteDrops} of them because the queued events held queueMaxMB` : '') +
        `), ${kernelDrops} dropped by the kernel (sequence gaps) so far. Raise queueCapacity, queueMaxMB or batchSize, ` +
        'or reduce load on the agent (fewer rules, faster sinks).',
    );
  }
}

/** One native event could not be turned into an ExecEvent; it is skipped and counted. */
export class EventConversionError extends EmondguardError {
  constructor(cause: unknown) {
    super('E_ES_EVENT_CONVERSION', `An Endpoint Security event could not be converted and was skipped: ${describeError(cause)}`, {
      cause,
    });
  }
}

/** The counters of a client that has not run. */
export function emptyClientStats(): EsClientStats {
  return {
    received: 0,
    delivered: 0,
    queueDrops: 0,
    handlerDrops: 0,
    queueByteDrops: 0,
    queueBytes: 0,
    maxQueueBytes: 0,
    kernelDrops: { perType: { exec: 0, fork: 0, exit: 0 }, global: 0 },
    batches: 0,
    maxQueueDepth: 0,
    callbackErrors: 0,
  };
}

/** Events converted and handed on together: few enough that a scavenge finds little alive. */
export const DELIVERY_CHUNK = 32;

export interface EndpointSecuritySourceOptions {
  /** Defaults to loadNativeAddon() (throws NativeAddonError when it is missing). */
  addon?: NativeAddon;
  client?: EsClientOptions;
  /** host.name / host.os.version for the events; defaults to this machine's. */
  host?: { name?: string; osVersion?: string };
}

export interface EndpointSecuritySourceStats extends EsClientStats {
  conversionErrors: number;
}

/**
 * The live source: native ES client batches → ExecEvent[]. Exceptions thrown by `onEvents` go to
 * `onError` (the addon catches them) and delivery continues.
 */
export class EndpointSecuritySource {
  readonly #addon: NativeAddon;
  readonly #options: EsClientOptions;
  readonly #convert: NativeEventConverter;
  #client: EsClient | undefined;
  #conversionErrors = 0;

  constructor(options: EndpointSecuritySourceOptions = {}) {
    this.#addon = options.addon ?? loadNativeAddon();
    this.#options = { ...options.client };
    this.#convert = nativeEventConverter({
      name: options.host?.name ?? os.hostname(),
      module: this.#addon.backend === 'simulator' ? 'simulator' : 'endpoint-security',
      ...(options.host?.osVersion !== undefined ? { osVersion: options.host.osVersion } : {}),
    });
  }

  /**
   * Throws EsClientError (E_ES_NOT_PERMITTED, …) when Endpoint Security refuses the client.
   * Events reach `onEvents` in order, in groups of at most DELIVERY_CHUNK, each converted just
   * before its group is handed on; an exception from `onEvents` goes to `onError` and the rest of
   * the batch is still delivered.
   */
  start(onEvents: (events: ExecEvent[]) => void, onError: (error: Error) => void): void {
    if (this.#client?.running) throw new EmondguardError('E_ES_ALREADY_STARTED', 'The Endpoint Security source is already started; stop() it first.');
    const client = new this.#addon.EsClient(this.#options);
    const report = (error: unknown): void => onError(error instanceof Error ? error : new Error(describeError(error)));
    // Per run: a previous run's last batches, still arriving, carry that run's own totals.
    const drops = { reported: 0 };
    client.startStreaming((batch, dropInfo) => {
      reportDrops(dropInfo, drops, report);
      this.#deliver(batch, onEvents, report);
    }, report);
    this.#client = client;
  }

  /**
   * Converts and hands on a batch a few events at a time, so only those few are alive when a
   * scavenge runs (a whole batch of ExecEvents would be copied, and promoted, by each one).
   */
  #deliver(batch: NativeEventStream, onEvents: (events: ExecEvent[]) => void, report: (error: unknown) => void): void {
    let firstFailure: { error: unknown } | undefined;
    const handOn = (events: ExecEvent[]): void => {
      try {
        onEvents(events);
      } catch (error) {
        // The first goes back to the addon (which counts it and reports it); later ones directly.
        if (firstFailure) report(error);
        else firstFailure = { error };
      }
    };
    let events: ExecEvent[] = [];
    for (let native = batch.next(); native !== undefined; native = batch.next()) {
      try {
        events.push(this.#convert(native));
      } catch (error) {
        this.#conversionErrors++;
        report(new EventConversionError(error));
      }
      if (events.length === DELIVERY_CHUNK) {
        handOn(events);
        events = [];
      }
    }
    if (events.length > 0) handOn(events);
    if (firstFailure) throw firstFailure.error;
  }

  /** Idempotent. */
  stop(): void {
    this.#client?.stop();
  }

  stats(): EndpointSecuritySourceStats {
    const base = this.#client?.stats() ?? emptyClientStats();
    return { ...base, conversionErrors: this.#conversionErrors };
  }

  /** The processes running now, to seed the process tree before events arrive. */
  listProcesses(): ProcessInfo[] {
    return this.#addon.listProcesses();
  }
}

/** Reports drops once per increase of the run's total. */
function reportDrops(info: NativeDropInfo, drops: { reported: number }, report: (error: unknown) => void): void {
  const total = info.queueDrops + info.kernelDrops;
  if (total > drops.reported) {
    drops.reported = total;
    report(new EventsDroppedError(info.queueDrops, info.kernelDrops, info.queueByteDrops));
  }
}
