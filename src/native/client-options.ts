import { UsageError } from '../errors.js';
import type { EsClientOptions } from './native-types.js';

/** Validates EsClient options with messages that name the option and the accepted values. */
export function validateEsClientOptions(options: EsClientOptions): EsClientOptions {
  const integer = (name: keyof EsClientOptions, min: number, max: number): void => {
    const value = options[name];
    if (value === undefined) return;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      throw new UsageError(`EsClient option ${name} must be an integer from ${min} to ${max} (got ${JSON.stringify(value)})`, {
        code: 'E_ES_OPTIONS',
      });
    }
  };
  integer('batchSize', 1, 65536);
  integer('batchLatencyMs', 0, 10000);
  integer('queueCapacity', 2, 1 << 24);
  integer('maxArgs', 0, 1 << 20);
  integer('maxArgBytes', 0, 1 << 30);
  integer('maxArgLength', 0, 1 << 30);
  integer('queueMaxMB', 1, 65536);
  if (options.events !== undefined) {
    if (!Array.isArray(options.events) || options.events.length === 0) {
      throw new UsageError('EsClient option events must be a non-empty array of "exec", "fork", "exit"', { code: 'E_ES_OPTIONS' });
    }
    for (const name of options.events) {
      if (name !== 'exec' && name !== 'fork' && name !== 'exit') {
        throw new UsageError(`EsClient option events accepts only "exec", "fork" and "exit" (got ${JSON.stringify(name)})`, {
          code: 'E_ES_OPTIONS',
        });
      }
    }
  }
  if (options.muteSelf !== undefined && typeof options.muteSelf !== 'boolean') {
    throw new UsageError('EsClient option muteSelf must be true or false', { code: 'E_ES_OPTIONS' });
  }
  if (options.mode !== undefined && options.mode !== 'full' && options.mode !== 'emond-only') {
    throw new UsageError(`EsClient option mode must be "full" or "emond-only" (got ${JSON.stringify(options.mode)})`, {
      code: 'E_ES_OPTIONS',
    });
  }
  if (options.emondPaths !== undefined) {
    const paths = options.emondPaths;
    if (!Array.isArray(paths) || paths.length === 0 || paths.some((p) => typeof p !== 'string' || !p.startsWith('/'))) {
      throw new UsageError('EsClient option emondPaths must be a non-empty array of absolute paths', { code: 'E_ES_OPTIONS' });
    }
  }
  return options;
}
