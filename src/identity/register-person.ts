/**
 * Registering a person with a username that is never given to anyone else (ASVS 5.0 V6.4: no reuse of
 * identifiers, even after deactivation). The username is claimed in the identity table (UNIQUE, ignoring
 * case) before the RegisterPerson command runs; people registered straight through the engine are checked
 * too. A taken username is refused by the command itself, so the refusal is recorded like any other.
 */
import type { Actor } from '../domain/shared/decider.ts';
import { personDecider } from '../domain/resources/person-decider.ts';
import type { RegisterPerson } from '../domain/resources/person-commands.ts';
import type { PersonState } from '../domain/resources/person-state.ts';
import { refuse } from '../domain/shared/refusal.ts';
import type { CommandOptions, Outcome } from '../engine/engine.ts';
import type { Snapshot } from '../engine/snapshots.ts';
import type { Identity } from './identity.ts';
import { usernameKey, type AccountKind } from './store/identity-store.ts';

export interface NewPerson {
  readonly personId: string;
  readonly username: string;
  readonly name: string;
  /** Default 'personal'. A generic (shared) account can only read. */
  readonly accountKind?: AccountKind;
}

/** Registers a person through the engine, claiming their username first. */
export async function registerPerson(identity: Identity, input: NewPerson, actor: Actor, options: CommandOptions = {}): Promise<Outcome> {
  const { personId, username, name } = input;
  const command: RegisterPerson = { type: 'RegisterPerson', data: { personId, username, name } };
  const claim = await identity.store.reserveUsername({ personId, username, accountKind: input.accountKind ?? 'personal', createdAt: identity.now().toISOString() });
  const claimedNow = claim === 'reserved';
  const holder = claim === 'username_taken' || claim === 'person_has_username' ? claim : await heldInLedger(identity, personId, username);
  const outcome = await identity.engine.execute<PersonState>('person', personId, command, actor, (snapshot, ctx) => {
    if (holder === 'username_taken')
      return refuse('username_taken', `The username ${username} is taken; usernames are never reused, even after an account is deactivated`, { username });
    if (holder === 'person_has_username' && !snapshot.state.registered)
      return refuse('already_registered', `Person ${personId} already has another username`, { personId });
    return personDecider.decide(snapshot.state, command, ctx);
  }, options);
  if (!outcome.ok && claimedNow) await identity.store.releaseUsername(personId);
  return outcome;
}

/** Whether another person of the ledger already registered this username (people registered without us). */
async function heldInLedger(identity: Identity, personId: string, username: string): Promise<'username_taken' | undefined> {
  const key = usernameKey(username);
  const people = await identity.engine.store.listDocuments<Snapshot<PersonState>>('person');
  return people.some((p) => p.state.registered && p.state.id !== personId && usernameKey(p.state.username) === key) ? 'username_taken' : undefined;
}
