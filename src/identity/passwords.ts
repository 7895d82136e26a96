/**
 * Setting passwords: an admin sets a person's first password or resets a forgotten one (a temporary
 * password: the person must choose their own before doing anything else, ASVS 5.0 V6.4.1), or a person
 * changes their own with the current one. A reset ends the person's sessions; a change ends their others.
 */
import type { Refusal } from '../domain/shared/refusal.ts';
import type { Principal } from '../server/principal.ts';
import { activePersonCheck, managesCheck, sessionAdminCheck, sessionCheck } from './authority.ts';
import { ensureCredential } from './credentials.ts';
import type { Identity } from './identity.ts';
import { hashPassword } from './password-hash.ts';
import { checkPassword } from './password-policy.ts';
import { reauthenticate } from './reauthenticate.ts';
import { endSessionsOf } from './sessions.ts';

export type PasswordResult = { readonly ok: true; readonly kind: 'initial' | 'reset' | 'changed' } | { readonly ok: false; readonly refusal: Refusal };

/** An admin sets another person's password (temporary: to be changed at their next sign-in). */
export async function setPasswordAsAdmin(identity: Identity, principal: Principal, personId: string, password: string): Promise<PasswordResult> {
  const denied = sessionAdminCheck(principal, "Setting someone's password");
  if (denied) return { ok: false, refusal: denied };
  if (personId === principal.personId)
    return { ok: false, refusal: { code: 'current_password_required', message: 'To change your own password, give your current one', details: {} } };
  const person = await identity.person(personId);
  const bad = activePersonCheck(person, personId) ?? managesCheck(principal, person!);
  if (bad) return { ok: false, refusal: bad };
  const found = await ensureCredential(identity, person!);
  if ('refusal' in found) return { ok: false, refusal: found.refusal };
  const policy = checkPassword(password, found.credential.username);
  if (policy) return { ok: false, refusal: policy };
  const kind = found.credential.passwordHash === null ? 'initial' : 'reset';
  await identity.store.setPassword(personId, await hashPassword(password), identity.now().toISOString(), true);
  await identity.audit(principal.personId, { type: 'PasswordSet', data: { personId, username: found.credential.username, kind, by: principal.personId, mustChange: true } });
  if (kind === 'reset') await endSessionsOf(identity, personId, 'password_changed', { actor: principal.personId });
  return { ok: true, kind };
}

/** A person changes their own password, proving the current one (a failure counts toward lockout). */
export async function changeOwnPassword(identity: Identity, principal: Principal, currentPassword: string, password: string): Promise<PasswordResult> {
  const denied = sessionCheck(principal, 'Changing your password');
  if (denied) return { ok: false, refusal: denied };
  const credential = await identity.store.credentialOf(principal.personId);
  if (credential === undefined) return { ok: false, refusal: { code: 'person_not_found', message: 'Your account has no credentials; ask an admin', details: {} } };
  const policy = checkPassword(password, credential.username);
  if (policy) return { ok: false, refusal: policy };
  const proven = await reauthenticate(identity, { personId: principal.personId, site: principal.site, purpose: 'password_change' }, currentPassword);
  if (!proven.ok) return proven;
  await identity.store.setPassword(principal.personId, await hashPassword(password), identity.now().toISOString(), false);
  await identity.audit(principal.personId, { type: 'PasswordSet', data: { personId: principal.personId, username: credential.username, kind: 'changed', by: principal.personId, mustChange: false } });
  await endSessionsOf(identity, principal.personId, 'password_changed', { actor: principal.personId, ...(principal.sessionId !== undefined ? { keepIdHash: principal.sessionId } : {}) });
  return { ok: true, kind: 'changed' };
}
