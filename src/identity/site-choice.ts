/**
 * Which site a sign-in is for: the one named, or the only one where the person holds a role. All of a
 * session's authority is at that one site (roles are per site).
 */
import { rolesAt } from '../domain/resources/person-rules.ts';
import type { PersonState } from '../domain/resources/person-state.ts';
import type { Refusal } from '../domain/shared/refusal.ts';
import { listWords } from '../domain/resources/roles.ts';

/** The sites where a person holds a role now. */
export function sitesOf(person: PersonState): string[] {
  return Object.keys(person.roles)
    .filter((site) => rolesAt(person, site).length > 0)
    .sort();
}

/** The site of the sign-in, or `site_required` / `no_role_at_site`. */
export function chooseSite(person: PersonState, requested: string | undefined): { site: string } | { refusal: Refusal } {
  const sites = sitesOf(person);
  if (requested !== undefined) {
    if (sites.includes(requested)) return { site: requested };
    const where = sites.length === 0 ? 'no role at any site' : `roles at ${listWords(sites, 'and')}`;
    return { refusal: { code: 'no_role_at_site', message: `You hold no role at site ${requested} (you hold ${where}); ask an admin there`, details: { site: requested, sites } } };
  }
  if (sites.length === 1) return { site: sites[0]! };
  if (sites.length === 0)
    return { refusal: { code: 'no_role_at_site', message: 'You hold no role at any site yet; ask an admin to give you one', details: { sites } } };
  return { refusal: { code: 'site_required', message: `You hold roles at ${listWords(sites, 'and')}; say which site you are signing in at`, details: { sites } } };
}
