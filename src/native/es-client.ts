import { BatchReader, decodeBatch } from './batch-decoder.js';
import { validateEsClientOptions } from './client-options.js';
import { esClientErrorFrom } from './errors.js';
import type { EsClient, EsClientOptions, EsClientStats, NativeDropInfo, NativeEvent, NativeEventStream } from './native-types.js';

type RawBatchCallback = (numbers: Float64Array, text: string, ends: Uint32Array, drops: NativeDropInfo) => void;

/** The ObjectWrap exported by the binary, before decoding and error mapping. */
export interface RawEsClient {
  start(onBatch: RawBatchCallback, onError: (error: unknown) => void): void;
  stop(): void;
  stats(): EsClientStats;
  readonly running: boolean;
}

export type RawEsClientConstructor = new (options: EsClientOptions) => RawEsClient;

interface RawStartFailure {
  esStep?: unknown;
  esResult?: unknown;
}

/**
 * Wraps the native class: validates options in JavaScript (precise messages), decodes batches
 * into plain objects (or streams them in place: startStreaming), and turns a refused start() into
 * an actionable EsClientError.
 */
export function wrapEsClient(Raw: RawEsClientConstructor): new (options?: EsClientOptions) => EsClient {
  return class NativeEsClient implements EsClient {
    readonly #raw: RawEsClient;

    constructor(options: EsClientOptions = {}) {
      this.#raw = new Raw(validateEsClientOptions({ ...options }));
    }

    start(onBatch: (events: NativeEvent[], drops: NativeDropInfo) => void, onError: (error: unknown) => void): void {
      this.#start((numbers, text, ends, drops) => onBatch(decodeBatch(numbers, text, ends), drops), onError);
    }

    startStreaming(onBatch: (batch: NativeEventStream, drops: NativeDropInfo) => void, onError: (error: unknown) => void): void {
      // One reader for the whole run: batches are delivered one at a time on the JS thread.
      const reader = new BatchReader();
      this.#start((numbers, text, ends, drops) => onBatch(reader.load(numbers, text, ends), drops), onError);
    }

    #start(onRawBatch: RawBatchCallback, onError: (error: unknown) => void): void {
      try {
        this.#raw.start(onRawBatch, onError);
      } catch (error) {
        const failure = error as RawStartFailure;
        if (typeof failure?.esStep === 'string' && typeof failure.esResult === 'number') {
          throw esClientErrorFrom(failure.esStep, failure.esResult, error);
        }
        throw error;
      }
    }

    stop(): void {
      this.#raw.stop();
    }

    stats(): EsClientStats {
      return this.#raw.stats();
    }

    get running(): boolean {
      return this.#raw.running;
    }
  };
}
