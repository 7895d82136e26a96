/**
 * The shape of every rule set in the domain (after Emmett's decider): pure functions of state and input.
 * Time, ids and the acting person are inputs; nothing here reads a clock, a database or a random source.
 */
import type { Decision } from './refusal.ts';

/** Who acts, as the server established it (authenticated; roles at the site where they act). */
export interface Actor {
  readonly id: string;
  readonly name: string;
  readonly site: string;
  readonly roles: readonly string[];
}

/** The inputs every decision gets besides state and command. */
export interface DecisionContext {
  /** Server time, ISO 8601 UTC with milliseconds. */
  readonly now: string;
  readonly actor: Actor;
}

/** An event as the domain produces it; the store adds position, time, actor and hashes. */
export interface DomainEvent<T extends string = string, D = unknown> {
  readonly type: T;
  readonly data: D;
}

export interface Decider<S, C, E extends DomainEvent> {
  readonly initialState: S;
  decide(state: S, command: C, context: DecisionContext): Decision<E>;
  evolve(state: S, event: E): S;
}

/** Rebuilds state from its events. */
export function fold<S, E extends DomainEvent>(decider: Pick<Decider<S, never, E>, 'initialState' | 'evolve'>, events: readonly E[]): S {
  return events.reduce(decider.evolve, decider.initialState);
}
