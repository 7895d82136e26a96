/** When a session ends: idle, absolute lifetime; and when its last-seen time is written. */
import { describe, expect, it } from 'vitest';
import { idleTimeoutAt, sessionStatus } from './session-rules.ts';

const MIN = 60_000;
const s = { createdAt: '2026-11-24T08:00:00.000Z', lastSeenAt: '2026-11-24T08:00:00.000Z', expiresAt: '2026-11-24T20:00:00.000Z' };
const at = (hm: string) => new Date(`2026-11-24T${hm}:00.000Z`);

describe('session rules', () => {
  it('is valid until the idle timeout has passed since the last request', () => {
    expect(sessionStatus(s, at('08:14'), 15 * MIN, 30_000)).toEqual({ valid: true, touch: true });
    expect(sessionStatus(s, at('08:15'), 15 * MIN, 30_000)).toEqual({ valid: false, reason: 'idle' });
    expect(sessionStatus({ ...s, lastSeenAt: '2026-11-24T08:14:00.000Z' }, at('08:28'), 15 * MIN, 30_000).valid).toBe(true);
  });

  it('ends at the absolute lifetime however active it is', () => {
    expect(sessionStatus({ ...s, lastSeenAt: '2026-11-24T19:59:00.000Z' }, at('20:00'), 15 * MIN, 30_000)).toEqual({ valid: false, reason: 'absolute' });
  });

  it('writes the last-seen time at most every 30 s, and often enough for short timeouts', () => {
    const seen = new Date(Date.parse(s.lastSeenAt) + 10_000);
    expect(sessionStatus(s, seen, 15 * MIN, 30_000)).toEqual({ valid: true, touch: false });
    expect(sessionStatus(s, seen, 30_000, 30_000)).toEqual({ valid: true, touch: true });
  });

  it('takes a site’s own idle timeout over the default', () => {
    expect(idleTimeoutAt('LINE-3', 15 * MIN, { 'LINE-3': 5 * MIN })).toBe(5 * MIN);
    expect(idleTimeoutAt('LAB', 15 * MIN, { 'LINE-3': 5 * MIN })).toBe(15 * MIN);
  });
});
