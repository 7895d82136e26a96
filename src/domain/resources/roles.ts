/**
 * Roles in OpenBES and the authority check every role-gated command makes (Part 11 §11.10(g)).
 * Roles are held per site; `DecisionContext.actor.roles` are the actor's roles at the site where they act.
 */
import type { Refusal } from '../shared/refusal.ts';

export const ROLES = ['operator', 'supervisor', 'qa', 'qa-lead', 'engineer', 'maintenance', 'leader', 'admin'] as const;
/** One of {@link ROLES}. */
export type Role = (typeof ROLES)[number];

/** Roles that perform, verify, review or sign GMP work; an IT admin may not hold them at the same site. */
export const GMP_ROLES: readonly Role[] = ['operator', 'supervisor', 'qa', 'qa-lead'];

/** Whether a text names a role of OpenBES. */
export function isRole(text: string): text is Role {
  return (ROLES as readonly string[]).includes(text);
}

/** "a", "a or b", "a, b or c" (and "and" when asked). */
export function listWords(words: readonly string[], last = 'or'): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} ${last} ${words[words.length - 1]}`;
}

/**
 * Refuses (`role_not_permitted`) unless the actor holds one of the allowed roles.
 * `action` is a phrase that starts a sentence: "Recording a calibration".
 */
export function roleCheck(actorRoles: readonly string[], allowed: readonly string[], action: string): Refusal | undefined {
  if (actorRoles.some((role) => allowed.includes(role))) return undefined;
  const held = actorRoles.length === 0 ? 'no role here' : listWords(actorRoles, 'and');
  return {
    code: 'role_not_permitted',
    message: `${action} needs the ${listWords(allowed)} role; you hold ${held}`,
    details: { action, allowed: [...allowed], held: [...actorRoles] },
  };
}

/**
 * Refuses (`site_mismatch`) when the actor acts at another site than the resource's: their roles were
 * established at their own site and give no authority elsewhere.
 */
export function siteCheck(actorSite: string, resourceSite: string, what: string): Refusal | undefined {
  if (actorSite === resourceSite) return undefined;
  return {
    code: 'site_mismatch',
    message: `${what} belongs to site ${resourceSite}; you are signed in at site ${actorSite}`,
    details: { actorSite, resourceSite },
  };
}
