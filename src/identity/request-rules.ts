/**
 * Cross-site request forgery defences for requests that carry the session cookie (ASVS 5.0 V3.5): a
 * state-changing request must come from our own origin (Origin, Sec-Fetch-Site) and carry the session's
 * CSRF token in a header, which another site can neither read nor set. Bearer-token requests carry no
 * ambient credential and need none of this.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Refusal } from '../domain/shared/refusal.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Whether a method only reads (and so needs no CSRF defence). */
export function isSafeMethod(method: string): boolean {
  return SAFE_METHODS.has(method.toUpperCase());
}

export interface OriginFacts {
  /** The request's Origin header. */
  readonly origin: string | undefined;
  /** The request's Sec-Fetch-Site header. */
  readonly secFetchSite: string | undefined;
  /** The origin people reach this server at. */
  readonly ownOrigin: string;
  /** Other origins allowed to send state-changing requests (a separate web client), normalised. */
  readonly allowedOrigins: readonly string[];
}

/** Refuses (`origin_not_allowed`) a state-changing request from another site, or from nowhere said. */
export function originCheck(facts: OriginFacts): Refusal | undefined {
  const { origin, secFetchSite, ownOrigin, allowedOrigins } = facts;
  if (secFetchSite !== undefined && secFetchSite !== 'same-origin' && secFetchSite !== 'none')
    return refusal(`This request came from another site (Sec-Fetch-Site: ${secFetchSite}); it was refused`, { secFetchSite });
  if (origin === undefined || origin === '')
    return refusal('This request has no Origin header; browsers send one, and scripts should use an API token instead of a session', {});
  const normalised = normaliseOrigin(origin);
  if (normalised === undefined || (normalised !== ownOrigin && !allowedOrigins.includes(normalised)))
    return refusal(`Requests from ${origin} are not allowed to change anything here`, { origin, expected: ownOrigin });
  return undefined;
}

/** Refuses (`csrf_failed`) a state-changing request without the session's CSRF token. */
export function csrfCheck(expected: string, given: string | undefined): Refusal | undefined {
  if (given !== undefined && sameSecret(given, expected)) return undefined;
  return {
    code: 'csrf_failed',
    message: 'This request lacks the X-CSRF-Token of your session (given at sign-in and by GET /api/session); nothing was changed',
    details: { present: given !== undefined },
  };
}

/** Compares two secrets in time that does not depend on where they differ. */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** `scheme://host[:port]` as browsers send it (lower case, no default port), or undefined when it is no origin. */
export function normaliseOrigin(text: string): string | undefined {
  try {
    const url = new URL(text);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    return url.origin;
  } catch {
    return undefined;
  }
}

function refusal(message: string, details: Record<string, unknown>): Refusal {
  return { code: 'origin_not_allowed', message, details };
}
