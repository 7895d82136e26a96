/**
 * When a session ends (ASVS 5.0 V7.3): after a period without requests (idle, per site: shop-floor
 * terminals are shared and get shorter ones), at an absolute lifetime whatever the activity, at logout, and
 * when the account is deactivated or locked. Pure functions of the session's times and the clock.
 */

export interface SessionTimes {
  readonly createdAt: string;
  readonly lastSeenAt: string;
  /** The absolute end, fixed at login and kept through rotations. */
  readonly expiresAt: string;
}

export type SessionEndReason = 'logout' | 'idle' | 'absolute' | 'disabled' | 'locked' | 'password_changed' | 'replaced';

export type SessionStatus =
  | {
      readonly valid: true;
      /** Whether to write the new last-seen time (not on every request: a write per request buys nothing). */
      readonly touch: boolean;
    }
  | { readonly valid: false; readonly reason: 'idle' | 'absolute' };

/** Whether a session is still valid at `now`, given its site's idle timeout. */
export function sessionStatus(session: SessionTimes, now: Date, idleMs: number, touchEveryMs: number): SessionStatus {
  const t = now.getTime();
  if (t >= Date.parse(session.expiresAt)) return { valid: false, reason: 'absolute' };
  const idleFor = t - Date.parse(session.lastSeenAt);
  if (idleFor >= idleMs) return { valid: false, reason: 'idle' };
  // A quarter of a short idle timeout at most, so a session is never ended much before its time.
  return { valid: true, touch: idleFor >= Math.min(touchEveryMs, idleMs / 4) };
}

/** The idle timeout at a site: its own when configured, else the default. */
export function idleTimeoutAt(site: string, defaultMs: number, bySite: Readonly<Record<string, number>>): number {
  return bySite[site] ?? defaultMs;
}
