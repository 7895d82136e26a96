/**
 * The credential row of a person, created on demand for people registered before (or without) the
 * identity service: it claims their username, so the username stays theirs for good.
 */
import type { PersonState } from '../domain/resources/person-state.ts';
import type { Refusal } from '../domain/shared/refusal.ts';
import type { Identity } from './identity.ts';
import type { CredentialRow } from './store/identity-store.ts';

/** The person's credential row, claiming their username if they had none. */
export async function ensureCredential(identity: Identity, person: PersonState): Promise<{ credential: CredentialRow } | { refusal: Refusal }> {
  const existing = await identity.store.credentialOf(person.id);
  if (existing !== undefined) return { credential: existing };
  const result = await identity.store.reserveUsername({ personId: person.id, username: person.username, accountKind: 'personal', createdAt: identity.now().toISOString() });
  const credential = await identity.store.credentialOf(person.id);
  if (result === 'username_taken' || credential === undefined)
    return {
      refusal: { code: 'username_taken', message: `The username ${person.username} is held by another account; ask an admin to sort out the duplicate`, details: { username: person.username } },
    };
  return { credential };
}
