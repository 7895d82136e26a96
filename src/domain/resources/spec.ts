/**
 * Given / when / then for any decider (after Emmett's DeciderSpecification):
 * `specFor(decider)(givenEvents).when(command, context).then(expectedEvents | refusalCode)`.
 * Framework-free (the domain imports no test library): a mismatch throws an Error carrying `actual` and
 * `expected`, which vitest shows as a diff.
 */
import type { Actor, Decider, DecisionContext, DomainEvent } from '../shared/decider.ts';
import { fold } from '../shared/decider.ts';
import type { Decision, Refusal } from '../shared/refusal.ts';

/** The last part of a specification: what must come out. */
export interface Then<S, E> {
  /** Expects exactly these events (deep equality, properties that are undefined ignored); returns them. */
  then(expected: readonly E[]): readonly E[];
  /** Expects a refusal with this code; returns the refusal so its message and details can be checked. */
  then(refusalCode: string): Refusal;
  /** Either, for tables of cases. */
  then(expected: readonly E[] | string): readonly E[] | Refusal;
  /** The state the given events built, for assertions on it. */
  readonly state: S;
}

/** The middle part: the command under test. */
export interface When<S, C, E> {
  when(command: C, context: DecisionContext): Then<S, E>;
}

/** Builds the `given` of a decider. */
export function specFor<S, C, E extends DomainEvent>(decider: Decider<S, C, E>): (events: readonly E[]) => When<S, C, E> {
  return (events) => {
    const state = fold(decider, events);
    return {
      when(command, context) {
        const decision = decider.decide(state, command, context);
        function then(expected: readonly E[]): readonly E[];
        function then(expected: string): Refusal;
        function then(expected: readonly E[] | string): readonly E[] | Refusal;
        function then(expected: readonly E[] | string): readonly E[] | Refusal {
          if (typeof expected === 'string') {
            if (decision.ok) throw mismatch(`expected refusal ${expected}, but events were accepted`, decision.events, expected);
            if (decision.refusal.code !== expected)
              throw mismatch(`expected refusal ${expected}, got ${decision.refusal.code}: ${decision.refusal.message}`, decision.refusal.code, expected);
            return decision.refusal;
          }
          if (!decision.ok)
            throw mismatch(`expected events, got refusal ${decision.refusal.code}: ${decision.refusal.message}`, decision.refusal, expected);
          if (canonical(decision.events) !== canonical(expected)) throw mismatch('the events differ', decision.events, expected);
          return decision.events;
        }
        return { then, state };
      },
    };
  };
}

/** One command of a replayed sequence, with who sends it and when. */
export interface Step<C> {
  readonly command: C;
  readonly context: DecisionContext;
}

/** What one step of a replay saw and did. */
export interface Replayed<S, C, E> {
  readonly before: S;
  readonly step: Step<C>;
  readonly decision: Decision<E>;
  readonly after: S;
}

/**
 * Runs commands one after another, applying the accepted events, and checks the laws every decider obeys
 * (throwing when one is broken): decide never changes the state it is given, a refusal leaves the state as
 * it was, and folding all accepted events rebuilds the state reached step by step.
 */
export function replay<S, C, E extends DomainEvent>(
  decider: Decider<S, C, E>,
  steps: readonly Step<C>[],
): { readonly state: S; readonly events: readonly E[]; readonly history: readonly Replayed<S, C, E>[] } {
  let state = decider.initialState;
  const events: E[] = [];
  const history: Replayed<S, C, E>[] = [];
  for (const step of steps) {
    const snapshot = canonical(state);
    const decision = decider.decide(state, step.command, step.context);
    if (canonical(state) !== snapshot) throw mismatch('decide changed the state it was given', canonical(state), snapshot);
    if (!decision.ok && 'events' in decision) throw mismatch('a refusal carried events', decision, { ok: false });
    const after = decision.ok ? decision.events.reduce(decider.evolve, state) : state;
    history.push({ before: state, step, decision, after });
    if (decision.ok) events.push(...decision.events);
    state = after;
  }
  const folded = fold(decider, events);
  if (canonical(folded) !== canonical(state)) throw mismatch('folding the accepted events does not rebuild the state', folded, state);
  return { state, events, history };
}

/** A decision context for tests: the actor acts at `site` (default "S1") with these roles. */
export function contextAt(now: string, actor: Partial<Actor> & { readonly id: string }): DecisionContext {
  return { now, actor: { name: actor.name ?? actor.id, site: actor.site ?? 'S1', roles: actor.roles ?? [], id: actor.id } };
}

/** JSON with sorted keys and undefined properties left out: equal values give equal text. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

function mismatch(message: string, actual: unknown, expected: unknown): Error {
  return Object.assign(new Error(message), { actual, expected, showDiff: true });
}
