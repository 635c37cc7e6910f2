import { decodeBatch } from './batch-decoder.js';
import { validateEsClientOptions } from './client-options.js';
import { esClientErrorFrom } from './errors.js';
import type { EsClient, EsClientOptions, EsClientStats, NativeDropInfo, NativeEvent } from './native-types.js';

/** The ObjectWrap exported by the binary, before decoding and error mapping. */
export interface RawEsClient {
  start(
    onBatch: (numbers: Float64Array, text: string, ends: Uint32Array, drops: NativeDropInfo) => void,
    onError: (error: unknown) => void,
  ): void;
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
 * into plain objects, and turns a refused start() into an actionable EsClientError.
 */
export function wrapEsClient(Raw: RawEsClientConstructor): new (options?: EsClientOptions) => EsClient {
  return class NativeEsClient implements EsClient {
    readonly #raw: RawEsClient;

    constructor(options: EsClientOptions = {}) {
      this.#raw = new Raw(validateEsClientOptions({ ...options }));
    }

    start(onBatch: (events: NativeEvent[], drops: NativeDropInfo) => void, onError: (error: unknown) => void): void {
      try {
        this.#raw.start((numbers, text, ends, drops) => onBatch(decodeBatch(numbers, text, ends), drops), onError);
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
