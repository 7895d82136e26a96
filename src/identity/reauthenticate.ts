/**
 * Re-authentication of a signed-in person by their password (21 CFR 11.200(a)(1): each signing after the
 * first in a session is at least by the password): for a signature, for the e-signature acknowledgement and
 * for changing one's own password. Failures share the sign-in counter; the one that locks the account also
 * ends all its sessions.
 */
import type { Refusal } from '../domain/shared/refusal.ts';
import { attemptPassword } from './attempts.ts';
import type { ReauthenticationPurpose, SecurityEvent } from './audit.ts';
import type { Identity } from './identity.ts';
import { attemptsLeft, failureDelayMs } from './lockout.ts';
import { lockEnd } from './login.ts';
import { endSessionsOf } from './sessions.ts';

export interface Reauthentication {
  readonly personId: string;
  readonly site: string;
  readonly purpose: ReauthenticationPurpose;
  /** For a signature: its meaning and the hash of what is signed, for the audit trail. */
  readonly meaning?: string;
  readonly recordHash?: string;
}

export type ReauthenticationResult = { readonly ok: true } | { readonly ok: false; readonly refusal: Refusal; readonly sessionsEnded: boolean };

/** Checks the person's password again, counting a failure toward lockout and auditing it. */
export async function reauthenticate(identity: Identity, r: Reauthentication, password: string): Promise<ReauthenticationResult> {
  const credential = await identity.store.credentialOf(r.personId);
  if (credential === undefined || credential.passwordHash === null)
    return { ok: false, refusal: { code: 'password_not_set', message: 'Your account has no password to sign with; ask an admin', details: {} }, sessionsEnded: false };
  const attempt = await attemptPassword(identity, credential, password);
  if (attempt.ok) return { ok: true };

  const reason = attempt.reason === 'wrong_password' ? 'wrong_password' : 'locked';
  const failure: SecurityEvent =
    r.purpose === 'password_change'
      ? { type: 'PasswordChangeFailed', data: { personId: r.personId, site: r.site, reason, failedCount: attempt.failedCount } }
      : {
          type: 'SignatureFailed',
          data: {
            personId: r.personId,
            site: r.site,
            purpose: r.purpose,
            reason,
            failedCount: attempt.failedCount,
            ...(r.meaning !== undefined ? { meaning: r.meaning } : {}),
            ...(r.recordHash !== undefined ? { recordHash: r.recordHash } : {}),
          },
        };
  const locked: SecurityEvent[] = attempt.lockedNow
    ? [{ type: 'AccountLocked', data: { personId: r.personId, username: credential.username, lockedUntil: lockEnd(attempt.lockedUntil), failedCount: attempt.failedCount, by: r.purpose } }]
    : [];
  await identity.audit(r.personId, failure, ...locked);
  if (attempt.lockedNow) await endSessionsOf(identity, r.personId, 'locked');
  await identity.sleep(failureDelayMs(reason === 'wrong_password' ? attempt.failedCount : identity.settings.lockout.maxFailures));
  return { ok: false, refusal: refusalFor(r.purpose, attempt, identity), sessionsEnded: attempt.lockedNow };
}

function refusalFor(purpose: ReauthenticationPurpose, attempt: { reason: string; failedCount: number; lockedNow: boolean; lockedUntil: string | null }, identity: Identity): Refusal {
  const until = lockEnd(attempt.lockedUntil);
  const end = until === null ? 'until an admin unlocks it' : `until ${until.slice(0, 16).replace('T', ' ')} UTC, or until an admin unlocks it`;
  if (attempt.reason !== 'wrong_password')
    return { code: 'account_locked', message: `Your account is locked after repeated failed attempts; it stays locked ${end}`, details: { lockedUntil: until } };
  const code = purpose === 'password_change' ? 'current_password_incorrect' : 'signature_failed';
  const what = purpose === 'password_change' ? 'Your current password is wrong; the password was not changed' : 'Your password was not accepted; nothing was signed';
  if (attempt.lockedNow)
    return { code, message: `${what}. Your account is now locked and your session has ended; it stays locked ${end}`, details: { attemptsLeft: 0, lockedUntil: until } };
  const left = attemptsLeft({ failedCount: attempt.failedCount, lockedUntil: null, lastFailureAt: null }, identity.settings.lockout);
  return { code, message: `${what}. ${left} attempt${left === 1 ? '' : 's'} left before your account is locked`, details: { attemptsLeft: left } };
}
