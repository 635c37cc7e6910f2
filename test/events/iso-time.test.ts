import { describe, expect, it } from 'vitest';
import { looksLikeIsoTime } from '../../src/events/iso-time.js';

describe('looksLikeIsoTime', () => {
  it.each([
    '2025-08-07T13:21:35.880814738Z', // eslogger: nanoseconds
    '2025-08-07T13:21:35.880Z', // Elastic Defend
    '2025-08-07T13:21:35+02:00',
    '2025-08-07 13:21:35',
    '2016-12-31T23:59:60Z', // a leap second
  ])('accepts %s', (text) => expect(looksLikeIsoTime(text)).toBe(true));

  it.each(['', 'not a date', '1754572895880', '2025-08-07', '2025/08/07T13:21:35Z', '2025-00-07T13:21:35Z', '2025-08-32T13:21:35Z', '2025-08-07T24:00:00Z', '2025-08-07T13:60:00Z', '2025-08-07X13:21:35Z'])(
    'refuses %j',
    (text) => expect(looksLikeIsoTime(text)).toBe(false),
  );
});
