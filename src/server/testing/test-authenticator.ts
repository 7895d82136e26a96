/**
 * FOR TESTS ONLY — never wired into `bes serve`. Maps `Authorization: Bearer test:<personId>@<site>` to the
 * principal that person is at that site, built from their real current record (active, roles held there),
 * so tests exercise the same authority the identity module will establish, without passwords.
 */
import type { MiddlewareHandler } from 'hono';
import type { PersonState } from '../../domain/resources/person-state.ts';
import type { Engine } from '../../engine/engine.ts';
import { actorAt } from '../../engine/resource-commands.ts';
import type { AppEnv } from '../principal.ts';
import { problem, problemResponse } from '../problem.ts';

const BEARER = /^Bearer test:([^@\s]+)@(\S+)$/;

/** The Authorization header that signs a test request in as `personId` at `site`. */
export function testAuthorization(personId: string, site: string): string {
  return `Bearer test:${personId}@${site}`;
}

export function createTestAuthenticator(engine: Engine): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const match = BEARER.exec(c.req.header('authorization') ?? '');
    const refuse = (detail: string) => problemResponse(c, problem(401, 'unauthenticated', detail), { 'www-authenticate': 'Bearer' });
    if (match === null) return refuse('Sign in to use this route.');
    const [, personId, site] = match as unknown as [string, string, string];
    const person = await engine.load<PersonState>('person', personId);
    if (!person.state.registered || !person.state.active) return refuse('This account cannot sign in.');
    const actor = actorAt(person.state, site);
    c.set('principal', { personId, username: person.state.username, name: person.state.name, site, roles: actor.roles as AppEnv['Variables']['principal']['roles'], via: 'token' });
    await next();
  };
}
