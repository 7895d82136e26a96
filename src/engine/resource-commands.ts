/**
 * Running commands on things whose decisions need only their own state: equipment, lots, people and
 * procedure versions.
 */
import type { Actor, Decider, DomainEvent } from '../domain/shared/decider.ts';
import { equipmentDecider } from '../domain/resources/equipment-decider.ts';
import { lotDecider } from '../domain/resources/lot-decider.ts';
import { personDecider } from '../domain/resources/person-decider.ts';
import { rolesAt } from '../domain/resources/person-rules.ts';
import type { PersonState } from '../domain/resources/person-state.ts';
import { procedureDecider } from '../domain/procedure/lifecycle.ts';
import type { KindName } from './aggregates.ts';
import type { CommandOptions, Engine, Outcome } from './engine.ts';

const DECIDERS = {
  equipment: equipmentDecider,
  lot: lotDecider,
  person: personDecider,
  procedure: procedureDecider,
} as const;

type SimpleKind = keyof typeof DECIDERS & KindName;
export type CommandOf<K extends SimpleKind> = Parameters<(typeof DECIDERS)[K]['decide']>[1];

/** Runs one command on an entity whose decider needs only its own state. */
export async function executeCommand<K extends SimpleKind>(
  engine: Engine,
  kind: K,
  id: string,
  command: CommandOf<K>,
  actor: Actor,
  options?: CommandOptions,
): Promise<Outcome> {
  const decider = DECIDERS[kind] as unknown as Decider<unknown, DomainEvent, DomainEvent>;
  return engine.execute(kind, id, command as DomainEvent, actor, (snapshot, ctx) => decider.decide(snapshot.state, command as DomainEvent, ctx), options);
}

/** The actor a person is at a site: their roles there, as the server establishes after login. */
export function actorAt(person: PersonState, site: string): Actor {
  return { id: person.id, name: person.name, site, roles: rolesAt(person, site) };
}
