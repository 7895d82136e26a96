/** Expiry and due dates: days hold through their end, UTC; timestamps are exact. */
import { describe, expect, it } from 'vitest';
import { formatWhen, isIsoDateOrTimestamp, stillValid } from './dates.ts';

describe('isIsoDateOrTimestamp', () => {
  it.each([
    ['2026-11-25', true],
    ['2026-11-25T10:00Z', true],
    ['2026-11-25T10:00:00.000Z', true],
    ['2026-11-25T10:00:00+01:00', true],
    ['2028-02-29', true],
    ['2026-02-29', false],
    ['2026-02-30', false],
    ['2026-13-01', false],
    ['2026-11-25T24:00:00Z', false],
    ['2026-11-25T10:00:00', false],
    ['25/11/2026', false],
    ['', false],
  ])('%s → %s', (text, ok) => expect(isIsoDateOrTimestamp(text)).toBe(ok));
});

describe('stillValid', () => {
  it('a day holds until the next midnight UTC', () => {
    expect(stillValid('2026-11-25', '2026-11-25T23:59:59.999Z')).toBe(true);
    expect(stillValid('2026-11-25', '2026-11-26T00:00:00.000Z')).toBe(false);
  });
  it('a timestamp holds strictly before it', () => {
    expect(stillValid('2026-11-25T10:00:00.000Z', '2026-11-25T09:59:59.999Z')).toBe(true);
    expect(stillValid('2026-11-25T10:00:00.000Z', '2026-11-25T10:00:00.000Z')).toBe(false);
  });
});

describe('formatWhen', () => {
  it('prints days as they are and timestamps in UTC to the minute', () => {
    expect(formatWhen('2026-11-20')).toBe('2026-11-20');
    expect(formatWhen('2026-11-24T11:00:00+01:00')).toBe('2026-11-24 10:00');
  });
});
