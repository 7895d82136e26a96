/**
 * One password attempt against an account under the lockout rules, shared by sign-in and every
 * re-authentication (signatures, the e-signature acknowledgement, a password change): the attempt is
 * counted (compare-and-set on the row's version) before the hash is checked, and cleared when it was right.
 */
import { admitAttempt, CLEAR_COUNTERS } from './lockout.ts';
import { verifyDummy, verifyPassword } from './password-hash.ts';
import type { Identity } from './identity.ts';
import type { CredentialRow } from './store/identity-store.ts';

export type AttemptOutcome =
  | { readonly ok: true }
  | {
      readonly ok: false;
      /** `contended`: other attempts kept changing the counters (a flood); nothing was checked. */
      readonly reason: 'locked' | 'wrong_password' | 'contended';
      readonly failedCount: number;
      /** This attempt locked the account. */
      readonly lockedNow: boolean;
      readonly lockedUntil: string | null;
    };

const MAX_TRIES = 5;

/** Checks `password` against the account, counting the attempt. */
export async function attemptPassword(identity: Identity, credential: CredentialRow, password: string): Promise<AttemptOutcome> {
  const { store, settings } = identity;
  let current: CredentialRow | undefined = credential;
  for (let tries = 0; tries < MAX_TRIES && current !== undefined; tries++) {
    const admission = admitAttempt(current, identity.now(), settings.lockout);
    if (!admission.admitted) {
      await verifyDummy(password);
      return { ok: false, reason: 'locked', failedCount: current.failedCount, lockedNow: false, lockedUntil: current.lockedUntil };
    }
    if (!(await store.updateCounters(current.personId, current.version, admission.counters))) {
      current = await store.credentialOf(current.personId);
      continue;
    }
    const right = current.passwordHash !== null && (await verifyPassword(current.passwordHash, password));
    if (right) {
      await clearCounters(identity, current.personId);
      return { ok: true };
    }
    return { ok: false, reason: 'wrong_password', failedCount: admission.counters.failedCount, lockedNow: admission.locksIfWrong, lockedUntil: admission.counters.lockedUntil };
  }
  await verifyDummy(password);
  return { ok: false, reason: 'contended', failedCount: current?.failedCount ?? 0, lockedNow: false, lockedUntil: current?.lockedUntil ?? null };
}

/** Clears the failure counters (a right password, an admin's unlock), whatever attempts ran meanwhile. */
export async function clearCounters(identity: Identity, personId: string): Promise<boolean> {
  for (let tries = 0; tries < MAX_TRIES; tries++) {
    const c = await identity.store.credentialOf(personId);
    if (c === undefined) return false;
    if (c.failedCount === 0 && c.lockedUntil === null) return true;
    if (await identity.store.updateCounters(personId, c.version, CLEAR_COUNTERS)) return true;
  }
  return false;
}
