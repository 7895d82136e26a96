/**
 * The session cookie: `__Host-bes_session`, HttpOnly, SameSite=Strict, Path=/, Secure, no Domain (the
 * __Host- prefix makes browsers insist on all of that, so no sibling subdomain can plant or read it).
 * Browsers keep Secure cookies on https and on http://localhost / 127.0.0.1 / [::1] (potentially trustworthy
 * origins). Served over plain HTTP on any other host, a Secure cookie would never come back: there the
 * cookie is `bes_session` without Secure, and the server warns once, because anyone on the network can
 * then read it. Only the one name that fits the origin is ever read.
 */
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Identity } from '../../identity/identity.ts';

export const SECURE_COOKIE = '__Host-bes_session';
export const INSECURE_COOKIE = 'bes_session';

export interface CookieSpec {
  readonly name: string;
  readonly secure: boolean;
}

/** Whether browsers treat an origin as secure enough for Secure cookies. */
export function trustworthyOrigin(origin: string): boolean {
  const url = new URL(origin);
  if (url.protocol === 'https:') return true;
  const host = url.hostname;
  return host === 'localhost' || host.endsWith('.localhost') || host === '127.0.0.1' || host === '[::1]';
}

/** The cookie that works at an origin. */
export function cookieSpecFor(origin: string): CookieSpec {
  return trustworthyOrigin(origin) ? { name: SECURE_COOKIE, secure: true } : { name: INSECURE_COOKIE, secure: false };
}

/** The origin people reach the server at: the configured public origin, else the request's own. */
export function ownOrigin(c: Context, identity: Identity): string {
  return identity.settings.publicOrigin ?? new URL(c.req.url).origin;
}

const warned = new WeakSet<Identity>();

function specOf(c: Context, identity: Identity): CookieSpec {
  const origin = ownOrigin(c, identity);
  const spec = cookieSpecFor(origin);
  if (!spec.secure && !warned.has(identity)) {
    warned.add(identity);
    identity.warn(
      `serving sessions over plain HTTP at ${origin}: the session cookie is "${INSECURE_COOKIE}" without Secure, readable by anyone on the network; serve over HTTPS (set BES_PUBLIC_ORIGIN behind a TLS proxy)`,
    );
  }
  return spec;
}

/** The session id the request presents, if any. */
export function readSessionCookie(c: Context, identity: Identity): string | undefined {
  const value = getCookie(c, specOf(c, identity).name);
  return value === undefined || value === '' ? undefined : value;
}

/** Puts a session id in the response's cookie (a browser-session cookie: gone when the browser closes). */
export function setSessionCookie(c: Context, identity: Identity, sessionId: string): void {
  const spec = specOf(c, identity);
  setCookie(c, spec.name, sessionId, { httpOnly: true, sameSite: 'Strict', path: '/', secure: spec.secure });
}

/** Tells the browser to forget the session cookie. */
export function clearSessionCookie(c: Context, identity: Identity): void {
  const spec = specOf(c, identity);
  deleteCookie(c, spec.name, { httpOnly: true, sameSite: 'Strict', path: '/', secure: spec.secure });
}
