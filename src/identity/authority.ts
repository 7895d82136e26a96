/**
 * Who may administer identities: an admin of the site, signed in with a session (not an API token: a
 * token that could mint tokens or reset passwords would outlive every session control). An admin manages
 * the people of their own site, and people who hold no role anywhere yet.
 */
import type { PersonState } from '../domain/resources/person-state.ts';
import { roleCheck } from '../domain/resources/roles.ts';
import type { Refusal } from '../domain/shared/refusal.ts';
import type { Principal } from '../server/principal.ts';
import { sitesOf } from './site-choice.ts';

/** Refuses (`session_required`, `role_not_permitted`) unless the principal is a signed-in admin. */
export function sessionAdminCheck(principal: Principal, action: string): Refusal | undefined {
  return sessionCheck(principal, action) ?? roleCheck(principal.roles, ['admin'], action);
}

/** Refuses (`session_required`) a principal that came with an API token. */
export function sessionCheck(principal: Principal, action: string): Refusal | undefined {
  if (principal.via === 'session') return undefined;
  return { code: 'session_required', message: `${action} needs a person signed in with a password, not an API token`, details: { action } };
}

/** Refuses (`site_mismatch`) an admin acting on a person who works only at other sites. */
export function managesCheck(principal: Principal, person: PersonState): Refusal | undefined {
  const sites = sitesOf(person);
  if (sites.length === 0 || sites.includes(principal.site)) return undefined;
  return {
    code: 'site_mismatch',
    message: `${person.name} works at ${sites.join(', ')}; their account is managed by an admin signed in there (you are signed in at ${principal.site})`,
    details: { personId: person.id, sites, actorSite: principal.site },
  };
}

/** Refuses (`person_not_found`, `person_inactive`) when there is no such active person. */
export function activePersonCheck(person: PersonState | undefined, personId: string): Refusal | undefined {
  if (person === undefined) return { code: 'person_not_found', message: `There is no person ${personId}`, details: { personId } };
  if (!person.active) return { code: 'person_inactive', message: `${person.name} is deactivated; their account can no longer change`, details: { personId } };
  return undefined;
}
