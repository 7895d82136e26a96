/** The Principal of a request, built from the person's CURRENT record: a role revoked a second ago is gone. */
import { rolesAt } from '../domain/resources/person-rules.ts';
import type { PersonState } from '../domain/resources/person-state.ts';
import type { Principal } from '../server/principal.ts';
import type { SessionRow } from './store/identity-store.ts';

/** The principal of a session: the person at the session's site, with their roles there now. */
export function sessionPrincipal(person: PersonState, session: SessionRow): Principal {
  return { personId: person.id, username: person.username, name: person.name, site: session.site, roles: rolesAt(person, session.site), via: 'session', sessionId: session.idHash };
}
