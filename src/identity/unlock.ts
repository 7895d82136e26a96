/** An admin ends a lockout before its time (and clears the failure count). */
import type { Refusal } from '../domain/shared/refusal.ts';
import type { Principal } from '../server/principal.ts';
import { clearCounters } from './attempts.ts';
import { activePersonCheck, managesCheck, sessionAdminCheck } from './authority.ts';
import type { Identity } from './identity.ts';
import { isLocked } from './lockout.ts';

export type UnlockResult = { readonly ok: true; readonly wasLocked: boolean } | { readonly ok: false; readonly refusal: Refusal };

/** Unlocks a person's account; audited as AccountUnlocked when it was locked. */
export async function unlockAccount(identity: Identity, principal: Principal, personId: string): Promise<UnlockResult> {
  const denied = sessionAdminCheck(principal, 'Unlocking an account');
  if (denied) return { ok: false, refusal: denied };
  if (personId === principal.personId) return { ok: false, refusal: { code: 'self_unlock', message: 'You cannot unlock your own account; ask another admin', details: {} } };
  const person = await identity.person(personId);
  const bad = activePersonCheck(person, personId) ?? managesCheck(principal, person!);
  if (bad) return { ok: false, refusal: bad };
  const credential = await identity.store.credentialOf(personId);
  if (credential === undefined) return { ok: true, wasLocked: false };
  const wasLocked = isLocked(credential, identity.now());
  await clearCounters(identity, personId);
  if (wasLocked) await identity.audit(principal.personId, { type: 'AccountUnlocked', data: { personId, username: credential.username, site: principal.site, by: principal.personId } });
  return { ok: true, wasLocked };
}
