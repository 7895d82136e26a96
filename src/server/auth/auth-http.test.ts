/**
 * Authentication over real HTTP: sign-in and its one answer for every failure, lockout and unlock, idle
 * and absolute session ends, rotation at sign-in, deactivation and revoked roles taking effect at once,
 * CSRF and origin checks, API tokens, shared accounts, temporary passwords. On SQLite and PostgreSQL.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../domain/shared/decider.ts';
import { executeCommand } from '../../engine/resource-commands.ts';
import { registerPerson } from '../../identity/register-person.ts';
import { hashSecret } from '../../identity/secrets.ts';
import { postgresAvailable, requirePostgresInCi } from '../../store/postgres/test-database.ts';
import { PASSWORD, SITE, startTestServer, type TestServer } from './test-server.ts';
import { registerAuthRoutes } from './routes.ts';
import type { AppEnv } from '../principal.ts';

const pg = await postgresAvailable();
requirePostgresInCi(pg);

const MIN = 60_000;
const ADMIN: Actor = { id: 'system:test-admin', name: 'Test admin', site: SITE, roles: ['admin'] };

for (const engineName of ['sqlite', 'postgres'] as const) {
  const skip = engineName === 'postgres' && !pg.ok;
  describe.skipIf(skip)(`authentication over HTTP on ${engineName}${skip && !pg.ok ? ` (skipped: ${pg.reason})` : ''}`, () => {
    let s: TestServer;
    beforeAll(async () => {
      s = await startTestServer(engineName, { idleTimeoutBySite: { 'LINE-3': 5 * MIN }, allowedOrigins: ['https://ui.plant.example'] });
      await s.addPerson('ada', [[SITE, 'admin']]);
      await s.addPerson('adam', [['S2', 'admin']]);
    }, 60_000);
    afterAll(async () => {
      await s?.close();
    });
    const reasons = async (type: string, personOrUsername: string) =>
      (await s.securityEvents())
        .filter((e) => e.type === type && [(e.data as { personId?: string }).personId, (e.data as { username?: string }).username].includes(personOrUsername))
        .map((e) => (e.data as { reason?: string }).reason);

    it('signs in with a __Host- cookie (HttpOnly, SameSite=Strict, Path=/, Secure) and a CSRF token; records LoginSucceeded, no secret', async () => {
      await s.addPerson('olivia', [[SITE, 'operator']]);
      const answer = await s.request('POST', '/api/session', { body: { username: 'Olivia', password: PASSWORD } });
      expect(answer.status).toBe(200);
      const [set] = answer.headers.getSetCookie();
      expect(set).toMatch(/^__Host-bes_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; Secure; SameSite=Strict$/);
      expect(answer.headers.get('cache-control')).toBe('no-store');
      expect(answer.body).toMatchObject({ personId: 'olivia', site: SITE, roles: ['operator'], via: 'session', accountKind: 'personal', mustChangePassword: false, idleTimeoutSeconds: 900 });
      expect(answer.body.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(answer.body.esignature).toMatchObject({ acknowledged: false, textVersion: '1' });
      const cookie = answer.cookie!;
      const session = await s.request('GET', '/api/session', { cookie });
      expect(session.body.csrfToken).toBe(answer.body.csrfToken);
      const who = await s.request('GET', '/api/whoami', { cookie });
      expect(who.body).toMatchObject({ personId: 'olivia', roles: ['operator'], via: 'session', sessionId: hashSecret(cookie.split('=')[1]!) });
      const events = await s.securityEvents();
      const success = events.find((e) => e.type === 'LoginSucceeded' && (e.data as { personId: string }).personId === 'olivia');
      expect(success?.data).toMatchObject({ site: SITE, session: hashSecret(cookie.split('=')[1]!).slice(0, 16) });
      const everything = JSON.stringify(events);
      for (const secret of [PASSWORD, cookie.split('=')[1]!, answer.body.csrfToken as string]) expect(everything).not.toContain(secret);
    });

    it('answers an unknown user, a wrong password, a locked and a deactivated account alike; the audit trail says which', async () => {
      await s.addPerson('sam', [[SITE, 'supervisor']]);
      await s.addPerson('lena', [[SITE, 'operator']]);
      await s.addPerson('ivan', [[SITE, 'operator']]);
      expect((await executeCommand(s.engine, 'person', 'ivan', { type: 'DeactivatePerson', data: { reason: 'left' } }, ADMIN)).ok).toBe(true);
      for (let i = 0; i < 5; i++) await s.request('POST', '/api/session', { body: { username: 'lena', password: 'wrong guess number x' } });
      s.delays.length = 0;
      const answers = [
        await s.request('POST', '/api/session', { body: { username: 'nobody-here', password: PASSWORD } }),
        await s.request('POST', '/api/session', { body: { username: 'sam', password: 'not the password' } }),
        await s.request('POST', '/api/session', { body: { username: 'lena', password: PASSWORD } }),
        await s.request('POST', '/api/session', { body: { username: 'ivan', password: PASSWORD } }),
      ];
      for (const a of answers) {
        expect(a.status).toBe(401);
        expect(a.cookie).toBeUndefined();
        expect(a.headers.get('content-type')).toBe('application/problem+json');
        expect(a.body).toEqual(answers[0]!.body);
      }
      expect(answers[0]!.body).toMatchObject({ status: 401, code: 'invalid_credentials', title: 'Unauthorized' });
      // A first failure waits as long for an unknown user as for a real one; a locked account waits the longest.
      expect(s.delays).toEqual([250, 250, 4000, 250]);
      expect(await reasons('LoginFailed', 'nobody-here')).toEqual(['unknown_user']);
      expect(await reasons('LoginFailed', 'sam')).toEqual(['wrong_password']);
      expect((await reasons('LoginFailed', 'lena')).at(-1)).toBe('locked');
      expect(await reasons('LoginFailed', 'ivan')).toEqual(['deactivated']);
    });

    it('locks after 5 failures in a row, with growing delays; refuses the right password until the lock runs out or an admin unlocks', async () => {
      await s.addPerson('oscar', [[SITE, 'operator']]);
      const attempt = (password: string) => s.request('POST', '/api/session', { body: { username: 'oscar', password } });
      // A success clears the count: 3 failures, a success, 4 failures leave the account open.
      for (let i = 0; i < 3; i++) await attempt('nope nope nope');
      await s.login('oscar');
      s.delays.length = 0;
      for (let i = 0; i < 4; i++) expect((await attempt('nope nope nope')).status).toBe(401);
      expect(s.delays).toEqual([250, 500, 1000, 2000]);
      expect((await s.identity.store.credentialOf('oscar'))?.lockedUntil).toBeNull();
      await attempt('nope nope nope');
      expect(s.delays.at(-1)).toBe(4000);
      const locked = (await s.securityEvents()).filter((e) => e.type === 'AccountLocked' && (e.data as { personId: string }).personId === 'oscar');
      expect(locked.map((e) => e.data)).toEqual([
        { personId: 'oscar', username: 'oscar', lockedUntil: new Date(s.now().getTime() + 30 * MIN).toISOString(), failedCount: 5, by: 'login' },
      ]);
      expect((await attempt(PASSWORD)).status).toBe(401);
      s.advance(29 * MIN);
      expect((await attempt(PASSWORD)).status).toBe(401);
      s.advance(MIN);
      expect((await attempt(PASSWORD)).status).toBe(200);

      for (let i = 0; i < 5; i++) await attempt('nope nope nope');
      expect((await attempt(PASSWORD)).status).toBe(401);
      const ada = await s.login('ada');
      const olivia = await s.login('olivia');
      expect((await s.request('POST', '/api/people/oscar/unlock', { cookie: olivia.cookie, csrf: olivia.csrf })).body.code).toBe('role_not_permitted');
      const adam = await s.login('adam');
      expect((await s.request('POST', '/api/people/oscar/unlock', { cookie: adam.cookie, csrf: adam.csrf })).body.code).toBe('site_mismatch');
      expect((await s.request('POST', '/api/people/ada/unlock', { cookie: ada.cookie, csrf: ada.csrf })).body.code).toBe('self_unlock');
      const unlocked = await s.request('POST', '/api/people/oscar/unlock', { cookie: ada.cookie, csrf: ada.csrf });
      expect(unlocked).toMatchObject({ status: 200, body: { wasLocked: true } });
      expect((await s.securityEvents()).at(-1)).toMatchObject({ type: 'AccountUnlocked', actor: 'ada', data: { personId: 'oscar', by: 'ada', site: SITE } });
      expect((await attempt(PASSWORD)).status).toBe(200);
    });

    it('lets at most the allowed number of parallel guesses check a password', async () => {
      await s.addPerson('pia', [[SITE, 'operator']]);
      const answers = await Promise.all(Array.from({ length: 12 }, () => s.request('POST', '/api/session', { body: { username: 'pia', password: 'guess guess guess' } })));
      expect(answers.every((a) => a.status === 401)).toBe(true);
      const checked = (await reasons('LoginFailed', 'pia')).filter((r) => r === 'wrong_password');
      expect(checked.length).toBeLessThanOrEqual(5);
      expect((await s.identity.store.credentialOf('pia'))?.failedCount).toBe(5);
      expect((await s.request('POST', '/api/session', { body: { username: 'pia', password: PASSWORD } })).status).toBe(401);
    });

    it('ends a session after its idle timeout (per site), and at its absolute lifetime however active', async () => {
      await s.addPerson('ida', [[SITE, 'operator'], ['LINE-3', 'operator']]);
      const { cookie } = await s.login('ida', PASSWORD, SITE);
      s.advance(14 * MIN);
      expect((await s.request('GET', '/api/whoami', { cookie })).status).toBe(200);
      s.advance(14 * MIN);
      expect((await s.request('GET', '/api/whoami', { cookie })).status).toBe(200);
      s.advance(15 * MIN);
      const idle = await s.request('GET', '/api/whoami', { cookie });
      expect(idle).toMatchObject({ status: 401, body: { code: 'session_expired' }, cookie: '' });
      expect(await reasons('SessionEnded', 'ida')).toEqual(['idle']);

      const line = await s.login('ida', PASSWORD, 'LINE-3');
      expect(line.body.idleTimeoutSeconds).toBe(300);
      s.advance(5 * MIN);
      expect((await s.request('GET', '/api/whoami', { cookie: line.cookie })).body.code).toBe('session_expired');

      const busy = await s.login('ida', PASSWORD, SITE);
      for (let elapsed = 0; elapsed < 12 * 60 - 10; elapsed += 10) {
        s.advance(10 * MIN);
        expect((await s.request('GET', '/api/whoami', { cookie: busy.cookie })).status, `after ${elapsed + 10} min`).toBe(200);
      }
      s.advance(10 * MIN);
      expect((await s.request('GET', '/api/whoami', { cookie: busy.cookie })).body.code).toBe('session_expired');
      expect(await reasons('SessionEnded', 'ida')).toEqual(['idle', 'idle', 'absolute']);
    });

    it('gives a new session id at every sign-in and ends the one presented; sign-out ends the session', async () => {
      await s.addPerson('ruth', [[SITE, 'qa']]);
      const first = await s.login('ruth');
      const again = await s.request('POST', '/api/session', { cookie: first.cookie, body: { username: 'ruth', password: PASSWORD } });
      expect(again.status).toBe(200);
      expect(again.cookie).not.toBe(first.cookie);
      expect(again.body.csrfToken).not.toBe(first.csrf);
      expect((await s.request('GET', '/api/whoami', { cookie: first.cookie })).body.code).toBe('session_invalid');
      const out = await s.request('DELETE', '/api/session', { cookie: again.cookie!, csrf: again.body.csrfToken as string });
      expect(out).toMatchObject({ status: 204, cookie: '' });
      expect((await s.request('GET', '/api/whoami', { cookie: again.cookie! })).status).toBe(401);
      expect(await reasons('SessionEnded', 'ruth')).toEqual(['replaced', 'logout']);
      expect((await s.request('GET', '/api/whoami')).body.code).toBe('authentication_required');
    });

    it('ends the sessions of a deactivated person at their next request; a revoked role is gone at the next request', async () => {
      await s.addPerson('dora', [[SITE, 'operator'], [SITE, 'supervisor']]);
      const a = await s.login('dora');
      expect((await s.request('GET', '/api/whoami', { cookie: a.cookie })).body.roles).toEqual(['operator', 'supervisor']);
      expect((await executeCommand(s.engine, 'person', 'dora', { type: 'RevokeRole', data: { site: SITE, role: 'supervisor' } }, ADMIN)).ok).toBe(true);
      expect((await s.request('GET', '/api/whoami', { cookie: a.cookie })).body.roles).toEqual(['operator']);
      const b = await s.login('dora');
      expect((await executeCommand(s.engine, 'person', 'dora', { type: 'DeactivatePerson', data: { reason: 'left' } }, ADMIN)).ok).toBe(true);
      expect((await s.request('GET', '/api/whoami', { cookie: a.cookie })).status).toBe(401);
      expect((await s.request('GET', '/api/whoami', { cookie: b.cookie })).status).toBe(401);
      expect(await reasons('SessionEnded', 'dora')).toEqual(['disabled', 'disabled']);
    });

    it('refuses a state-changing request without the CSRF token, or with another, and changes nothing', async () => {
      await s.addPerson('carl', [[SITE, 'operator']]);
      const { cookie, csrf } = await s.login('carl');
      const before = s.changes();
      const missing = await s.request('POST', '/api/things', { cookie });
      expect(missing).toMatchObject({ status: 403, body: { code: 'csrf_failed', status: 403 } });
      expect((await s.request('POST', '/api/things', { cookie, csrf: `${csrf.slice(0, -1)}x` })).body.code).toBe('csrf_failed');
      const other = await s.login('olivia');
      expect((await s.request('POST', '/api/things', { cookie, csrf: other.csrf })).body.code).toBe('csrf_failed');
      expect(s.changes()).toBe(before);
      expect((await s.request('POST', '/api/things', { cookie, csrf })).status).toBe(200);
      expect(s.changes()).toBe(before + 1);
    });

    it('refuses another origin, a missing Origin and a cross-site fetch; accepts an allowed origin', async () => {
      await s.addPerson('otto', [[SITE, 'operator']]);
      const { cookie, csrf } = await s.login('otto');
      const before = s.changes();
      for (const [origin, site] of [
        ['https://evil.example', undefined],
        [null, undefined],
        [undefined, 'cross-site'],
        [undefined, 'same-site'],
      ] as const) {
        const answer = await s.request('POST', '/api/things', { cookie, csrf, ...(origin !== undefined ? { origin } : {}), headers: site ? { 'sec-fetch-site': site } : {} });
        expect(answer.body.code, `${origin} ${site}`).toBe('origin_not_allowed');
        expect(answer.status).toBe(403);
      }
      expect(s.changes()).toBe(before);
      expect((await s.request('POST', '/api/things', { cookie, csrf, headers: { 'sec-fetch-site': 'same-origin' } })).status).toBe(200);
      expect((await s.request('POST', '/api/things', { cookie, csrf, origin: 'https://ui.plant.example' })).status).toBe(200);
      // Sign-in from another site's page is refused too (login CSRF); a script without Origin may sign in.
      expect((await s.request('POST', '/api/session', { origin: 'https://evil.example', body: { username: 'otto', password: PASSWORD } })).body.code).toBe('origin_not_allowed');
      expect((await s.request('POST', '/api/session', { origin: null, body: { username: 'otto', password: PASSWORD } })).status).toBe(200);
    });

    it('issues API tokens for a role the person holds, shown once and stored hashed; bearer requests need no CSRF; revoked, expired or role gone → 401', async () => {
      await s.addPerson('erin', [[SITE, 'engineer']]);
      await s.addPerson('alba', [[SITE, 'admin']]);
      const ada = await s.login('ada');
      const issue = (body: Record<string, unknown>, who = ada) => s.request('POST', '/api/tokens', { cookie: who.cookie, csrf: who.csrf, body });
      const issued = await issue({ personId: 'erin', role: 'engineer', label: 'ERP connector' });
      expect(issued.status).toBe(201);
      const token = issued.body.token as string;
      expect(token).toMatch(/^bes_[A-Za-z0-9_-]{43}$/);
      expect(issued.body).toMatchObject({ personId: 'erin', site: SITE, role: 'engineer', label: 'ERP connector', createdBy: 'ada', revokedAt: null });
      const row = await s.identity.store.token(issued.body.id as string);
      expect(row?.tokenHash).toBe(hashSecret(token));
      expect(JSON.stringify(row)).not.toContain(token);
      const bearer = { authorization: `Bearer ${token}` };
      const used = await s.request('POST', '/api/things', { origin: null, headers: bearer });
      expect(used).toMatchObject({ status: 200, body: { by: { id: 'erin', site: SITE, roles: ['engineer'] } } });
      expect((await s.request('GET', '/api/whoami', { headers: bearer })).body).toMatchObject({ via: 'token', roles: ['engineer'] });
      const listed = await s.request('GET', '/api/tokens', { cookie: ada.cookie });
      expect(JSON.stringify(listed.body)).not.toContain(token);
      expect((listed.body.tokens as { id: string }[]).map((t) => t.id)).toContain(issued.body.id);

      expect((await issue({ personId: 'olivia', role: 'operator', label: 'x' })).body.code).toBe('token_role_not_allowed');
      expect((await issue({ personId: 'erin', role: 'leader', label: 'x' })).body.code).toBe('role_not_held');
      expect((await issue({ personId: 'erin', role: 'engineer', label: 'x', expiresAt: 'tomorrow' })).body.code).toBe('invalid_request');
      const adam = await s.login('adam');
      expect((await issue({ personId: 'erin', role: 'engineer', label: 'x' }, adam)).body.code).toBe('role_not_held');
      expect((await s.request('DELETE', `/api/tokens/${issued.body.id as string}`, { cookie: adam.cookie, csrf: adam.csrf })).status).toBe(404);
      const olivia = await s.login('olivia');
      expect((await issue({ personId: 'erin', role: 'engineer', label: 'x' }, olivia)).body.code).toBe('role_not_permitted');
      // An admin's token cannot administer identities: that needs a password-backed session.
      const adminToken = (await issue({ personId: 'alba', role: 'admin', label: 'automation' })).body.token as string;
      expect((await s.request('POST', '/api/tokens', { origin: null, headers: { authorization: `Bearer ${adminToken}` }, body: { personId: 'erin', role: 'engineer', label: 'x' } })).body.code).toBe('session_required');

      const revoked = await s.request('DELETE', `/api/tokens/${issued.body.id as string}`, { cookie: ada.cookie, csrf: ada.csrf });
      expect(revoked).toMatchObject({ status: 200, body: { revokedBy: 'ada' } });
      expect((await s.request('DELETE', `/api/tokens/${issued.body.id as string}`, { cookie: ada.cookie, csrf: ada.csrf })).body.code).toBe('token_already_revoked');
      expect((await s.request('POST', '/api/things', { origin: null, headers: bearer })).body.code).toBe('token_invalid');

      const expiring = (await issue({ personId: 'erin', role: 'engineer', label: 'short', expiresAt: new Date(s.now().getTime() + 60 * MIN).toISOString() })).body.token as string;
      expect((await s.request('GET', '/api/whoami', { headers: { authorization: `Bearer ${expiring}` } })).status).toBe(200);
      const lasting = (await issue({ personId: 'erin', role: 'engineer', label: 'long' })).body.token as string;
      s.advance(61 * MIN);
      expect((await s.request('GET', '/api/whoami', { headers: { authorization: `Bearer ${expiring}` } })).status).toBe(401);
      expect((await executeCommand(s.engine, 'person', 'erin', { type: 'RevokeRole', data: { site: SITE, role: 'engineer' } }, ADMIN)).ok).toBe(true);
      expect((await s.request('GET', '/api/whoami', { headers: { authorization: `Bearer ${lasting}` } })).body.code).toBe('token_invalid');
      expect((await s.request('GET', '/api/whoami', { headers: { authorization: 'Bearer bes_nonsense' } })).status).toBe(401);
      expect((await s.request('GET', '/api/whoami', { headers: { authorization: 'Basic abc' } })).status).toBe(401);

      const events = (await s.securityEvents()).filter((e) => e.type.startsWith('ApiToken'));
      expect(events.map((e) => e.type)).toContain('ApiTokenRevoked');
      expect(JSON.stringify(events)).not.toContain(token);
    });

    it('lets a shared account read and sign out, never change anything', async () => {
      await s.addPerson('line3-display', [[SITE, 'leader']], { generic: true });
      const { cookie, csrf, body } = await s.login('line3-display');
      expect(body.accountKind).toBe('generic');
      expect((await s.request('GET', '/api/whoami', { cookie })).status).toBe(200);
      const before = s.changes();
      expect(await s.request('POST', '/api/things', { cookie, csrf })).toMatchObject({ status: 403, body: { code: 'read_only_account' } });
      expect(s.changes()).toBe(before);
      expect((await s.request('DELETE', '/api/session', { cookie, csrf })).status).toBe(204);
    });

    it('has an admin set a temporary password that must be changed first; a reset ends the sessions; the policy applies', async () => {
      const SETUP: Actor = { ...ADMIN, id: 'system:test-setup' };
      expect((await registerPerson(s.identity, { personId: 'paula', username: 'paula', name: 'Paula New' }, SETUP)).ok).toBe(true);
      expect((await executeCommand(s.engine, 'person', 'paula', { type: 'GrantRole', data: { site: SITE, role: 'operator' } }, SETUP)).ok).toBe(true);
      const ada = await s.login('ada');
      const put = (who: { cookie: string; csrf: string }, id: string, body: Record<string, unknown>) => s.request('PUT', `/api/people/${id}/password`, { cookie: who.cookie, csrf: who.csrf, body });
      expect((await put(ada, 'paula', { password: 'password' })).body).toMatchObject({ status: 400, code: 'password_common' });
      expect((await put(ada, 'paula', { password: 'paula-secret-123' })).body.code).toBe('password_contains_username');
      expect((await put(ada, 'paula', { password: 'short' })).body.code).toBe('password_too_short');
      expect((await put(ada, 'paula', { password: 'temporary walnut table' })).body).toEqual({ kind: 'initial', mustChangePassword: true });
      const olivia = await s.login('olivia');
      expect((await put(olivia, 'paula', { password: 'another walnut table' })).body.code).toBe('role_not_permitted');

      const paula = await s.login('paula', 'temporary walnut table');
      expect(paula.body.mustChangePassword).toBe(true);
      expect((await s.request('POST', '/api/things', { cookie: paula.cookie, csrf: paula.csrf })).body.code).toBe('password_change_required');
      expect((await s.request('GET', '/api/whoami', { cookie: paula.cookie })).body.code).toBe('password_change_required');
      expect((await s.request('GET', '/api/session', { cookie: paula.cookie })).status).toBe(200);
      expect((await put(paula, 'paula', { password: 'my own quiet harbour' })).body.code).toBe('current_password_required');
      expect((await put(paula, 'paula', { password: 'my own quiet harbour', currentPassword: 'wrong' })).body).toMatchObject({ code: 'current_password_incorrect', details: { attemptsLeft: 4 } });
      expect((await s.identity.store.credentialOf('paula'))?.failedCount).toBe(1);
      expect((await put(paula, 'paula', { password: 'my own quiet harbour', currentPassword: 'temporary walnut table' })).body).toEqual({ kind: 'changed', mustChangePassword: false });
      expect((await s.request('POST', '/api/things', { cookie: paula.cookie, csrf: paula.csrf })).status).toBe(200);

      expect((await put(ada, 'paula', { password: 'reset walnut table' })).body.kind).toBe('reset');
      expect((await s.request('GET', '/api/whoami', { cookie: paula.cookie })).status).toBe(401);
      const sets = (await s.securityEvents()).filter((e) => e.type === 'PasswordSet' && (e.data as { personId: string }).personId === 'paula').map((e) => e.data);
      expect(sets).toEqual([
        { personId: 'paula', username: 'paula', kind: 'initial', by: 'ada', mustChange: true },
        { personId: 'paula', username: 'paula', kind: 'changed', by: 'paula', mustChange: false },
        { personId: 'paula', username: 'paula', kind: 'reset', by: 'ada', mustChange: true },
      ]);
      expect(await reasons('SessionEnded', 'paula')).toEqual(['password_changed']);
    });

    it('answers bad requests with problem+json and changes nothing', async () => {
      const missing = await s.request('POST', '/api/session', { body: { username: 'ada' } });
      expect(missing).toMatchObject({ status: 400, body: { code: 'invalid_request', type: 'about:blank' } });
      expect(missing.headers.get('content-type')).toBe('application/problem+json');
      const form = await fetch(`${s.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'username=ada&password=x' });
      expect(form.status).toBe(415);
      expect(((await form.json()) as { code: string }).code).toBe('unsupported_media_type');
      const ada = await s.login('ada');
      expect((await s.request('POST', '/api/tokens', { cookie: ada.cookie, csrf: ada.csrf, body: { personId: 'erin', role: 'superuser', label: 'x' } })).body.code).toBe('invalid_request');
    });

    it('publishes its routes in the OpenAPI document of the app', async () => {
      const app = new OpenAPIHono<AppEnv>();
      registerAuthRoutes(app, s.identity);
      const doc = app.getOpenAPI31Document({ openapi: '3.1.0', info: { title: 'OpenBES', version: 'test' } });
      expect(Object.keys(doc.paths ?? {}).sort()).toEqual([
        '/api/people/{id}/password',
        '/api/people/{id}/unlock',
        '/api/session',
        '/api/session/esignature-acknowledgement',
        '/api/tokens',
        '/api/tokens/{id}',
      ]);
      expect(Object.keys(doc.paths!['/api/session']!).sort()).toEqual(['delete', 'get', 'post']);
    });
  });
}
