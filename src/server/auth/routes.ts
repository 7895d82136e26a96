/**
 * The identity routes, registered on the API's OpenAPIHono app so they appear in its OpenAPI document.
 * Thin: each parses the request, calls one identity operation, and maps its refusal to problem+json.
 * POST /api/session (sign-in) is public; every other route reads the principal the middleware set.
 */
import { createRoute, type OpenAPIHono, type RouteConfig, type z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import { rolesAt } from '../../domain/resources/person-rules.ts';
import type { PersonState } from '../../domain/resources/person-state.ts';
import type { Refusal } from '../../domain/shared/refusal.ts';
import { acknowledgeESignature } from '../../identity/acknowledgement.ts';
import { ESIGNATURE_TEXT_VERSION, esignatureText } from '../../identity/esignature-text.ts';
import type { Identity } from '../../identity/identity.ts';
import { login } from '../../identity/login.ts';
import { changeOwnPassword, setPasswordAsAdmin } from '../../identity/passwords.ts';
import { originCheck } from '../../identity/request-rules.ts';
import { endSession, idleTimeoutOf } from '../../identity/sessions.ts';
import type { CredentialRow, SessionRow } from '../../identity/store/identity-store.ts';
import { issueToken, listTokens, revokeToken } from '../../identity/tokens.ts';
import { unlockAccount } from '../../identity/unlock.ts';
import type { AppEnv, Principal } from '../principal.ts';
import { problem } from './problem.ts';
import * as S from './schemas.ts';
import { clearSessionCookie, ownOrigin, readSessionCookie, setSessionCookie } from './session-cookie.ts';

type C = Context<AppEnv>;
const NO_STORE = { 'cache-control': 'no-store' } as const;

const problems = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((s) => [s, { description: 'A problem (RFC 9457)', content: { 'application/problem+json': { schema: S.Problem } } }]));
const json = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });
const body = <T extends z.ZodType>(schema: T) => ({ required: true, content: { 'application/json': { schema } } });
const secured: Record<string, string[]>[] = [{ session: [] }, { bearer: [] }];

const refusal = (code: string, message: string): Refusal => ({ code, message, details: {} });
const unauthenticated = refusal('authentication_required', 'Sign in first (POST /api/session), or send an API token');

/** The principal the middleware set, if it ran. */
function principalOf(c: C): Principal | undefined {
  return c.get('principal') as Principal | undefined;
}

/** What the route's validators accepted (the handlers are registered untyped, see `route`). */
function valid<T>(c: C, target: 'json' | 'param'): T {
  return (c.req.valid as (target: string) => T)(target);
}

function addressOf(c: C): string | undefined {
  try {
    return getConnInfo(c).remote.address;
  } catch {
    return undefined; // not served by @hono/node-server (app.request in tests)
  }
}

/** Once a re-authentication locked the account, its sessions are gone: the browser should forget the cookie. */
async function forgetEndedSession(c: C, identity: Identity, principal: Principal): Promise<void> {
  if (principal.sessionId !== undefined && (await identity.store.session(principal.sessionId)) === undefined) clearSessionCookie(c, identity);
}

function sessionView(identity: Identity, person: PersonState, session: SessionRow, credential: CredentialRow, roles: readonly string[]): z.infer<typeof S.SessionView> {
  return {
    personId: person.id,
    username: person.username,
    name: person.name,
    site: session.site,
    roles: [...roles],
    via: 'session',
    csrfToken: session.csrfToken,
    accountKind: credential.accountKind,
    mustChangePassword: credential.mustChangePassword,
    idleTimeoutSeconds: Math.round(idleTimeoutOf(identity, session.site) / 1000),
    expiresAt: session.expiresAt,
    esignature: {
      acknowledged: person.esignature !== undefined,
      acknowledgedTextVersion: person.esignature?.textVersion ?? null,
      textVersion: ESIGNATURE_TEXT_VERSION,
      text: esignatureText(person.name),
    },
  };
}

/** Registers POST/GET/DELETE /api/session, the e-signature acknowledgement, passwords, unlock and API tokens. */
export function registerAuthRoutes(app: OpenAPIHono<AppEnv>, identity: Identity): void {
  app.openAPIRegistry.registerComponent('securitySchemes', 'session', { type: 'apiKey', in: 'cookie', name: '__Host-bes_session' });
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer', description: 'An API token: bes_...' });

  const invalid = (result: { success: boolean; error?: z.ZodError }, c: C) => {
    if (result.success) return undefined;
    const issues = result.error!.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    const where = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
    return problem(c, { code: 'invalid_request', message: `The request is not valid: ${where}`, details: { issues } });
  };
  /** One typed registration; handlers answer with c.json/c.body or problem(). */
  const route = (config: RouteConfig, handler: (c: C) => Promise<Response>) => {
    app.openapi(createRoute(config), handler as never, invalid as never);
  };

  route(
    {
      method: 'post',
      path: '/api/session',
      tags: ['Session'],
      summary: 'Sign in',
      description:
        'Checks the password and starts a session: sets the session cookie and returns the CSRF token. A wrong username, a wrong password, a locked and a deactivated account all get the same 401 `invalid_credentials`. Five failures in a row lock the account.',
      request: { body: body(S.LoginRequest) },
      responses: { 200: json(S.SessionView, 'Signed in'), ...problems(400, 401, 403) },
    },
    async (c) => {
      const forged = loginOriginCheck(c, identity);
      if (forged) return problem(c, forged);
      const input = valid<z.infer<typeof S.LoginRequest>>(c, 'json');
      const previous = readSessionCookie(c, identity);
      const address = addressOf(c);
      const result = await login(identity, input, { ...(previous !== undefined ? { previousSessionId: previous } : {}), ...(address !== undefined ? { address } : {}) });
      if (!result.ok) return problem(c, result.refusal);
      setSessionCookie(c, identity, result.session.id);
      return c.json(sessionView(identity, result.person, result.session.row, result.credential, rolesAt(result.person, result.session.row.site)), 200, NO_STORE);
    },
  );

  route(
    {
      method: 'get',
      path: '/api/session',
      tags: ['Session'],
      summary: 'Who am I',
      description: 'The signed-in person, their roles at the session’s site now, the CSRF token, and whether they acknowledged their e-signature.',
      security: secured,
      responses: { 200: json(S.SessionView, 'The session'), ...problems(401) },
    },
    async (c) => {
      const principal = principalOf(c);
      if (principal === undefined) return problem(c, unauthenticated);
      if (principal.via === 'token') {
        const { personId, username, name, site, roles } = principal;
        return c.json({ personId, username, name, site, roles: [...roles], via: 'token' as const }, 200, NO_STORE);
      }
      const [session, person, credential] = await Promise.all([
        identity.store.session(principal.sessionId ?? ''),
        identity.person(principal.personId),
        identity.store.credentialOf(principal.personId),
      ]);
      if (session === undefined || person === undefined || credential === undefined) return problem(c, refusal('session_invalid', 'Your session has ended; sign in again'));
      return c.json(sessionView(identity, person, session, credential, principal.roles), 200, NO_STORE);
    },
  );

  route(
    {
      method: 'delete',
      path: '/api/session',
      tags: ['Session'],
      summary: 'Sign out',
      description: 'Ends the session on the server and clears the cookie.',
      security: secured,
      responses: { 204: { description: 'Signed out' }, ...problems(401, 403) },
    },
    async (c) => {
      const principal = principalOf(c);
      if (principal === undefined) return problem(c, unauthenticated);
      if (principal.via !== 'session' || principal.sessionId === undefined) return problem(c, refusal('session_required', 'An API token has no session to end; ask an admin to revoke the token'));
      await endSession(identity, principal.sessionId, 'logout');
      clearSessionCookie(c, identity);
      return c.body(null, 204, NO_STORE);
    },
  );

  route(
    {
      method: 'post',
      path: '/api/session/esignature-acknowledgement',
      tags: ['Session'],
      summary: 'Acknowledge that my electronic signature binds me (21 CFR 11.100(c))',
      description: 'With your password, accept the text GET /api/session shows (esignature.text, esignature.textVersion). No signature of yours is accepted before.',
      security: [{ session: [] }],
      request: { body: body(S.AcknowledgementRequest) },
      responses: { 200: json(S.AcknowledgementView, 'Acknowledged'), ...problems(400, 401, 403, 409) },
    },
    async (c) => {
      const principal = principalOf(c);
      if (principal === undefined) return problem(c, unauthenticated);
      const { textVersion, password } = valid<z.infer<typeof S.AcknowledgementRequest>>(c, 'json');
      const result = await acknowledgeESignature(identity, principal, textVersion, password);
      if (!result.ok) {
        await forgetEndedSession(c, identity, principal);
        return problem(c, result.refusal);
      }
      return c.json({ acknowledged: true as const, textVersion: result.textVersion }, 200, NO_STORE);
    },
  );

  route(
    {
      method: 'put',
      path: '/api/people/{id}/password',
      tags: ['People'],
      summary: 'Set a password',
      description:
        'Your own: give `currentPassword` (a wrong one counts toward lockout); your other sessions end. Someone else’s (admin at their site): a temporary password they must change at their next sign-in; their sessions end.',
      security: [{ session: [] }],
      request: { params: S.PersonIdParam, body: body(S.PasswordRequest) },
      responses: { 200: json(S.PasswordView, 'Password set'), ...problems(400, 401, 403, 404, 409) },
    },
    async (c) => {
      const principal = principalOf(c);
      if (principal === undefined) return problem(c, unauthenticated);
      const { id } = valid<{ id: string }>(c, 'param');
      const { password, currentPassword } = valid<z.infer<typeof S.PasswordRequest>>(c, 'json');
      let result;
      if (id === principal.personId) {
        if (currentPassword === undefined) return problem(c, refusal('current_password_required', 'To change your own password, give your current one'));
        result = await changeOwnPassword(identity, principal, currentPassword, password);
      } else result = await setPasswordAsAdmin(identity, principal, id, password);
      if (!result.ok) {
        await forgetEndedSession(c, identity, principal);
        return problem(c, result.refusal);
      }
      return c.json({ kind: result.kind, mustChangePassword: result.kind !== 'changed' }, 200, NO_STORE);
    },
  );

  route(
    {
      method: 'post',
      path: '/api/people/{id}/unlock',
      tags: ['People'],
      summary: 'Unlock an account (admin)',
      description: 'Ends a lockout and clears the failure count.',
      security: [{ session: [] }],
      request: { params: S.PersonIdParam },
      responses: { 200: json(S.UnlockView, 'Unlocked (or was not locked)'), ...problems(401, 403, 404, 409) },
    },
    async (c) => {
      const principal = principalOf(c);
      if (principal === undefined) return problem(c, unauthenticated);
      const { id } = valid<{ id: string }>(c, 'param');
      const result = await unlockAccount(identity, principal, id);
      if (!result.ok) return problem(c, result.refusal);
      return c.json({ wasLocked: result.wasLocked }, 200, NO_STORE);
    },
  );

  route(
    {
      method: 'post',
      path: '/api/tokens',
      tags: ['API tokens'],
      summary: 'Issue an API token (admin)',
      description: 'For one person, one role they hold at your site (never a GMP role). The token is in this answer only.',
      security: [{ session: [] }],
      request: { body: body(S.TokenRequest) },
      responses: { 201: json(S.IssuedToken, 'Issued'), ...problems(400, 401, 403, 404, 409) },
    },
    async (c) => {
      const principal = principalOf(c);
      if (principal === undefined) return problem(c, unauthenticated);
      const input = valid<z.infer<typeof S.TokenRequest>>(c, 'json');
      const result = await issueToken(identity, principal, input);
      if (!result.ok) return problem(c, result.refusal);
      return c.json({ ...result.view, token: result.token }, 201, NO_STORE);
    },
  );

  route(
    {
      method: 'get',
      path: '/api/tokens',
      tags: ['API tokens'],
      summary: 'List the API tokens of your site (admin)',
      security: [{ session: [] }],
      responses: { 200: json(S.TokenList, 'The tokens, without their secrets'), ...problems(401, 403) },
    },
    async (c) => {
      const principal = principalOf(c);
      if (principal === undefined) return problem(c, unauthenticated);
      const result = await listTokens(identity, principal);
      if (!result.ok) return problem(c, result.refusal);
      return c.json({ tokens: result.tokens }, 200, NO_STORE);
    },
  );

  route(
    {
      method: 'delete',
      path: '/api/tokens/{id}',
      tags: ['API tokens'],
      summary: 'Revoke an API token (admin)',
      security: [{ session: [] }],
      request: { params: S.TokenIdParam },
      responses: { 200: json(S.TokenView, 'Revoked'), ...problems(401, 403, 404, 409) },
    },
    async (c) => {
      const principal = principalOf(c);
      if (principal === undefined) return problem(c, unauthenticated);
      const { id } = valid<{ id: string }>(c, 'param');
      const result = await revokeToken(identity, principal, id);
      if (!result.ok) return problem(c, result.refusal);
      return c.json(result.view, 200, NO_STORE);
    },
  );
}

/**
 * Sign-in has no session to protect yet, but a page of another site must not sign a browser into an account
 * of the attacker's (login CSRF): a browser's cross-site POST always carries Origin, so a request from a
 * browser must come from our origin; a script that sends neither Origin nor Sec-Fetch-Site is no browser.
 */
function loginOriginCheck(c: C, identity: Identity): Refusal | undefined {
  const origin = c.req.header('origin');
  const secFetchSite = c.req.header('sec-fetch-site');
  if (origin === undefined && secFetchSite === undefined) return undefined;
  return originCheck({ origin, secFetchSite, ownOrigin: ownOrigin(c, identity), allowedOrigins: identity.settings.allowedOrigins });
}
