/** Lockout and the progressive delay, as functions of the counters and the clock. */
import { describe, expect, it } from 'vitest';
import { admitAttempt, attemptsLeft, CLEAR_COUNTERS, failureDelayMs, isLocked, LOCKED_UNTIL_UNLOCKED, type AttemptCounters, type LockoutPolicy } from './lockout.ts';

const policy: LockoutPolicy = { maxFailures: 5, lockMs: 30 * 60_000 };
const at = (hm: string) => new Date(`2026-11-24T${hm}:00.000Z`);

/** Plays n wrong attempts: each admitted attempt's counters stand (the password was wrong). */
function fail(n: number, start: AttemptCounters = CLEAR_COUNTERS, now = at('08:00'), p = policy): AttemptCounters {
  let c = start;
  for (let i = 0; i < n; i++) {
    const a = admitAttempt(c, now, p);
    if (!a.admitted) throw new Error(`attempt ${i + 1} not admitted`);
    c = a.counters;
  }
  return c;
}

describe('lockout', () => {
  it('counts an attempt as a failure before the password is checked', () => {
    const a = admitAttempt(CLEAR_COUNTERS, at('08:00'), policy);
    expect(a).toEqual({ admitted: true, counters: { failedCount: 1, lockedUntil: null, lastFailureAt: '2026-11-24T08:00:00.000Z' }, locksIfWrong: false });
  });

  it('locks on the fifth consecutive failure, for the configured period', () => {
    const four = fail(4);
    expect(isLocked(four, at('08:00'))).toBe(false);
    expect(attemptsLeft(four, policy)).toBe(1);
    const fifth = admitAttempt(four, at('08:00'), policy);
    expect(fifth).toMatchObject({ admitted: true, locksIfWrong: true, counters: { failedCount: 5, lockedUntil: '2026-11-24T08:30:00.000Z' } });
    const five = fail(5);
    expect(isLocked(five, at('08:29'))).toBe(true);
    expect(admitAttempt(five, at('08:29'), policy)).toEqual({ admitted: false });
  });

  it('gives a fresh set of attempts once the lock has run out', () => {
    const five = fail(5);
    expect(isLocked(five, at('08:30'))).toBe(false);
    const next = admitAttempt(five, at('08:30'), policy);
    expect(next).toMatchObject({ admitted: true, locksIfWrong: false, counters: { failedCount: 1, lockedUntil: null } });
  });

  it('with no lock period, stays locked until an admin unlocks', () => {
    const forever = { maxFailures: 5, lockMs: null };
    const five = fail(5, CLEAR_COUNTERS, at('08:00'), forever);
    expect(five.lockedUntil).toBe(LOCKED_UNTIL_UNLOCKED);
    expect(isLocked(five, new Date('2999-01-01T00:00:00.000Z'))).toBe(true);
    expect(admitAttempt(CLEAR_COUNTERS, at('08:00'), forever).admitted).toBe(true);
  });

  it('waits longer after each failure, up to 4 s', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 50].map(failureDelayMs)).toEqual([0, 250, 500, 1000, 2000, 4000, 4000, 4000]);
  });
});
