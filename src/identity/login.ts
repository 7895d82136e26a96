/**
 * Sign-in (ASVS 5.0 V6.3): one answer, `invalid_credentials`, in about the same time, for an unknown
 * username, a wrong password, a locked account and a deactivated one, so the caller learns nothing about
 * which accounts exist or are locked; the audit trail records the truth. A failure is answered after the
 * progressive delay; the fifth failure in a row locks the account.
 */
import type { PersonState } from '../domain/resources/person-state.ts';
import type { Refusal } from '../domain/shared/refusal.ts';
import { attemptPassword } from './attempts.ts';
import { IDENTITY_ACTOR, sessionRef, type LoginFailureReason, type SecurityEvent } from './audit.ts';
import type { Identity } from './identity.ts';
import { admitAttempt, CLEAR_COUNTERS, failureDelayMs, LOCKED_UNTIL_UNLOCKED, type AttemptCounters } from './lockout.ts';
import { verifyDummy } from './password-hash.ts';
import { hashSecret } from './secrets.ts';
import { endSession, startSession, sweepSessions, type StartedSession } from './sessions.ts';
import { chooseSite } from './site-choice.ts';
import { usernameKey, type CredentialRow } from './store/identity-store.ts';

export interface LoginInput {
  readonly username: string;
  readonly password: string;
  /** Needed when the person holds roles at more than one site. */
  readonly site?: string;
}

export interface LoginContext {
  /** The session the browser still presented: it is ended, never reused (no session fixation). */
  readonly previousSessionId?: string;
  /** The client's address, for the audit trail. */
  readonly address?: string;
}

export type LoginResult =
  | { readonly ok: true; readonly session: StartedSession; readonly person: PersonState; readonly credential: CredentialRow }
  | { readonly ok: false; readonly refusal: Refusal };

export const INVALID_CREDENTIALS: Refusal = Object.freeze({
  code: 'invalid_credentials',
  message: 'The username or password is wrong, or this account cannot sign in now; ask an admin if it keeps happening',
  details: Object.freeze({}),
});

/** The longest username kept in the audit trail as typed. */
const AUDITED_USERNAME_LENGTH = 200;
/** Unknown usernames whose failures are remembered (the oldest are forgotten first). */
const SHADOW_LIMIT = 10_000;
const shadows = new WeakMap<Identity, Map<string, AttemptCounters>>();

/**
 * Counts failures for a username nobody holds exactly as for a real account, so the delay (and its growth)
 * does not tell the two apart.
 */
function shadowFailure(identity: Identity, username: string): number {
  let map = shadows.get(identity);
  if (map === undefined) shadows.set(identity, (map = new Map()));
  const key = usernameKey(username);
  const admission = admitAttempt(map.get(key) ?? CLEAR_COUNTERS, identity.now(), identity.settings.lockout);
  const counters = admission.admitted ? admission.counters : (map.get(key) ?? CLEAR_COUNTERS);
  map.delete(key);
  map.set(key, counters);
  if (map.size > SHADOW_LIMIT) map.delete(map.keys().next().value!);
  return admission.admitted ? counters.failedCount : identity.settings.lockout.maxFailures;
}

/** Signs a person in: checks the password under the lockout rules and starts a session at their site. */
export async function login(identity: Identity, input: LoginInput, context: LoginContext = {}): Promise<LoginResult> {
  const typed = input.username.slice(0, AUDITED_USERNAME_LENGTH);
  const where = { ...(input.site !== undefined ? { site: input.site } : {}), ...(context.address !== undefined ? { address: context.address } : {}) };
  const failed = async (reason: LoginFailureReason, delayAfter: number, extra: Partial<{ personId: string; failedCount: number }>, more: SecurityEvent[] = []) => {
    await identity.audit(IDENTITY_ACTOR, { type: 'LoginFailed', data: { username: typed, reason, ...extra, ...where } }, ...more);
    await identity.sleep(failureDelayMs(delayAfter));
    return { ok: false as const, refusal: INVALID_CREDENTIALS };
  };

  const credential = await identity.store.credentialByUsername(input.username);
  if (credential === undefined || credential.passwordHash === null) {
    await verifyDummy(input.password);
    const count = shadowFailure(identity, input.username);
    return failed(credential === undefined ? 'unknown_user' : 'no_password', count, credential === undefined ? {} : { personId: credential.personId });
  }
  const { personId } = credential;
  const attempt = await attemptPassword(identity, credential, input.password);
  if (!attempt.ok) {
    const locked: SecurityEvent[] = attempt.lockedNow
      ? [{ type: 'AccountLocked', data: { personId, username: credential.username, lockedUntil: lockEnd(attempt.lockedUntil), failedCount: attempt.failedCount, by: 'login' } }]
      : [];
    const delayAfter = attempt.reason === 'wrong_password' ? attempt.failedCount : identity.settings.lockout.maxFailures;
    return failed(attempt.reason === 'wrong_password' ? 'wrong_password' : 'locked', delayAfter, { personId, failedCount: attempt.failedCount }, locked);
  }

  const person = await identity.person(personId);
  if (person === undefined || !person.active) return failed('deactivated', 1, { personId });
  const choice = chooseSite(person, input.site);
  if ('refusal' in choice) {
    // The password was right: the caller may learn where they can sign in.
    await identity.audit(IDENTITY_ACTOR, { type: 'LoginFailed', data: { username: typed, reason: choice.refusal.code as LoginFailureReason, personId, ...where } });
    return { ok: false, refusal: choice.refusal };
  }
  if (context.previousSessionId !== undefined) await endSession(identity, hashSecret(context.previousSessionId), 'replaced', personId);
  await sweepSessions(identity, personId);
  const session = await startSession(identity, personId, choice.site);
  await identity.audit(personId, {
    type: 'LoginSucceeded',
    data: { personId, username: credential.username, site: choice.site, session: sessionRef(session.row.idHash), ...(context.address !== undefined ? { address: context.address } : {}) },
  });
  return { ok: true, session, person, credential };
}

/** A lock's end as audited: null when only an admin ends it. */
export function lockEnd(lockedUntil: string | null): string | null {
  return lockedUntil === LOCKED_UNTIL_UNLOCKED ? null : lockedUntil;
}
