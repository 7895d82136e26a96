/**
 * Lockout after repeated failures (ASVS 5.0 V6.3.1), as pure functions of the counters and the time.
 * Logins and signature re-authentications share one counter. An attempt is counted as a failure BEFORE the
 * password is checked and the count is cleared when it was right: so parallel guesses cannot all slip in
 * before the first failure is written, and the attempt that reaches the limit locks at once.
 */

export interface AttemptCounters {
  /** Consecutive failures (including an attempt in progress). */
  readonly failedCount: number;
  /** ISO time the lock ends; {@link LOCKED_UNTIL_UNLOCKED} when only an admin can end it. */
  readonly lockedUntil: string | null;
  readonly lastFailureAt: string | null;
}

export interface LockoutPolicy {
  /** Consecutive failures that lock the account (5). */
  readonly maxFailures: number;
  /** How long a lock lasts; null: until an admin unlocks. */
  readonly lockMs: number | null;
}

/** A lock no time ends. */
export const LOCKED_UNTIL_UNLOCKED = '9999-12-31T23:59:59.999Z';

export const CLEAR_COUNTERS: AttemptCounters = { failedCount: 0, lockedUntil: null, lastFailureAt: null };

/** Whether the account is locked now. */
export function isLocked(counters: AttemptCounters, now: Date): boolean {
  return counters.lockedUntil !== null && now.toISOString() < counters.lockedUntil;
}

export type Admission =
  | { readonly admitted: false }
  | {
      /** The counters to write before checking the password: this attempt counted as a failure. */
      readonly admitted: true;
      readonly counters: AttemptCounters;
      /** This attempt reaches the limit: if the password is wrong, the account is locked. */
      readonly locksIfWrong: boolean;
    };

/** Whether an attempt may check a password now, and the counters to write first if so. */
export function admitAttempt(counters: AttemptCounters, now: Date, policy: LockoutPolicy): Admission {
  if (isLocked(counters, now)) return { admitted: false };
  // A lock that has run out gives a fresh set of attempts.
  const before = counters.lockedUntil === null ? counters.failedCount : 0;
  const failedCount = before + 1;
  const locks = failedCount >= policy.maxFailures;
  const lockedUntil = !locks ? null : policy.lockMs === null ? LOCKED_UNTIL_UNLOCKED : new Date(now.getTime() + policy.lockMs).toISOString();
  return { admitted: true, counters: { failedCount, lockedUntil, lastFailureAt: now.toISOString() }, locksIfWrong: locks };
}

/** Attempts left before the account locks, after these counters. */
export function attemptsLeft(counters: AttemptCounters, policy: LockoutPolicy): number {
  return Math.max(0, policy.maxFailures - counters.failedCount);
}

/** Base and ceiling of the progressive delay. */
export const FAILURE_DELAY_BASE_MS = 250;
export const FAILURE_DELAY_MAX_MS = 4_000;

/**
 * How long the server waits before answering a failed attempt, after `failedCount` consecutive failures:
 * 0.25 s, 0.5 s, 1 s, 2 s, then 4 s for every further one (a locked account or an unknown user included).
 * It slows guessing without telling a known account from an unknown one.
 */
export function failureDelayMs(failedCount: number): number {
  if (failedCount <= 0) return 0;
  return Math.min(FAILURE_DELAY_BASE_MS * 2 ** (failedCount - 1), FAILURE_DELAY_MAX_MS);
}
