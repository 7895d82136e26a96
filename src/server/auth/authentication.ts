/**
 * The authentication middleware: establishes the Principal of every request it guards, or answers 401.
 * A bearer API token, or the session cookie. For the session, a state-changing request must also pass the
 * origin and CSRF checks; a shared (generic) account may only read; a person with a temporary password may
 * only change it. The principal is built from the person's current record on every request.
 */
import type { MiddlewareHandler } from 'hono';
import type { Identity } from '../../identity/identity.ts';
import { sessionPrincipal } from '../../identity/principals.ts';
import { csrfCheck, isSafeMethod, originCheck } from '../../identity/request-rules.ts';
import { resumeSession } from '../../identity/sessions.ts';
import { authenticateToken } from '../../identity/tokens.ts';
import type { Refusal } from '../../domain/shared/refusal.ts';
import type { AppEnv } from '../principal.ts';
import { problem } from './problem.ts';
import { clearSessionCookie, ownOrigin, readSessionCookie } from './session-cookie.ts';

export interface AuthenticationOptions {
  /** Further requests answered without a principal (besides sign-in and the health check). */
  readonly isPublic?: (method: string, path: string) => boolean;
}

/** Requests the middleware lets through without a principal: signing in, and the health check. */
export function isAlwaysPublic(method: string, path: string): boolean {
  return (method === 'POST' && path === '/api/session') || (method === 'GET' && path === '/api/health');
}

/** What a person with a temporary password may still do: see their session, sign out, change the password. */
function allowedWithTemporaryPassword(method: string, path: string, personId: string): boolean {
  if (path === '/api/session') return method === 'GET' || method === 'DELETE';
  return method === 'PUT' && (path === `/api/people/${personId}/password` || path === `/api/people/${encodeURIComponent(personId)}/password`);
}

const refusal = (code: string, message: string): Refusal => ({ code, message, details: {} });

/** Builds the middleware; mount it on every API path: `app.use('/api/*', createAuthentication(identity))`. */
export function createAuthentication(identity: Identity, options: AuthenticationOptions = {}): MiddlewareHandler<AppEnv> {
  const isPublic = (method: string, path: string) => isAlwaysPublic(method, path) || (options.isPublic?.(method, path) ?? false);
  return async (c, next) => {
    const method = c.req.method.toUpperCase();
    const path = c.req.path;
    if (isPublic(method, path)) return next();

    const authorization = c.req.header('authorization');
    if (authorization !== undefined) {
      const bearer = /^Bearer +(\S+)$/i.exec(authorization.trim());
      if (bearer === null) return problem(c, refusal('token_invalid', 'The Authorization header must be "Bearer bes_..." with an API token'));
      const token = await authenticateToken(identity, bearer[1]!);
      if (!token.ok) return problem(c, token.refusal);
      c.set('principal', token.principal);
      return next();
    }

    const sessionId = readSessionCookie(c, identity);
    if (sessionId === undefined) return problem(c, refusal('authentication_required', 'Sign in first (POST /api/session), or send an API token'));
    const resumed = await resumeSession(identity, sessionId);
    if (!resumed.ok) {
      clearSessionCookie(c, identity);
      return problem(c, resumed.refusal);
    }
    const { session, person, credential } = resumed;
    if (!isSafeMethod(method)) {
      const forged =
        originCheck({ origin: c.req.header('origin'), secFetchSite: c.req.header('sec-fetch-site'), ownOrigin: ownOrigin(c, identity), allowedOrigins: identity.settings.allowedOrigins }) ??
        csrfCheck(session.csrfToken, c.req.header('x-csrf-token'));
      if (forged) return problem(c, forged);
      if (credential.accountKind === 'generic' && !(method === 'DELETE' && path === '/api/session'))
        return problem(c, refusal('read_only_account', 'This is a shared account: it can only look, not change anything. Sign in with your own account'));
    }
    if (credential.mustChangePassword && !allowedWithTemporaryPassword(method, path, person.id))
      return problem(c, refusal('password_change_required', `Your password was set by an admin; choose your own first (PUT /api/people/${person.id}/password)`));
    c.set('principal', sessionPrincipal(person, session));
    return next();
  };
}
