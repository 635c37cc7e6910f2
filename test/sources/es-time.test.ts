import { describe, expect, it } from 'vitest';
import { isoFromEpoch } from '../../src/sources/es-time.js';

describe('isoFromEpoch', () => {
  it('keeps nanoseconds and microseconds, zero-padded', () => {
    expect(isoFromEpoch(1_754_572_895, 880_814_738, 9)).toBe('2025-08-07T13:21:35.880814738Z');
    expect(isoFromEpoch(1_754_572_895, 5, 9)).toBe('2025-08-07T13:21:35.000000005Z');
    expect(isoFromEpoch(1_754_572_895, 877_422, 6)).toBe('2025-08-07T13:21:35.877422Z');
  });

  it('formats each second correctly when seconds alternate (no stale cache)', () => {
    expect(isoFromEpoch(0, 0, 6)).toBe('1970-01-01T00:00:00.000000Z');
    expect(isoFromEpoch(1, 0, 6)).toBe('1970-01-01T00:00:01.000000Z');
    expect(isoFromEpoch(0, 1, 6)).toBe('1970-01-01T00:00:00.000001Z');
  });
});
