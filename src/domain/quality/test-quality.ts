/**
 * Test fixture for the quality deciders: people at site S1 by role, contexts at a time, and a given / when /
 * then that works for every decider of the shape decide(state, command, ctx) → events (and other streams'
 * events) | refusal, checking that decide never changes the state it is given.
 */
import type { Actor, DecisionContext, DomainEvent } from '../shared/decider.ts';
import type { Refusal } from '../shared/refusal.ts';
import type { StreamEvents } from '../execution/batch-context.ts';

export const SITE = 'S1';
/** 24 November 2026, 08:00 UTC. */
export const T0 = '2026-11-24T08:00:00.000Z';
export const HOUR = 3_600_000;

/** ISO time `hours` after T0. */
export function at(hours: number): string {
  return new Date(Date.parse(T0) + hours * HOUR).toISOString();
}

function actor(id: string, name: string, roles: readonly string[], site = SITE): Actor {
  return { id, name, site, roles: [...roles] };
}

export const who = {
  olivia: actor('u-olivia', 'Olivia Operator', ['operator']),
  sam: actor('u-sam', 'Sam Supervisor', ['supervisor']),
  quinn: actor('u-quinn', 'Quinn QA', ['qa']),
  quentin: actor('u-quentin', 'Quentin QA', ['qa']),
  rita: actor('u-rita', 'Rita QA', ['qa']),
  lena: actor('u-lena', 'Lena QA Lead', ['qa-lead']),
  erin: actor('u-erin', 'Erin Engineer', ['engineer']),
  hank: actor('u-hank', 'Hank Site Head', ['leader']),
  /** QA at another site. */
  sven: actor('u-sven', 'Sven QA', ['qa'], 'S2'),
  timers: actor('system:timers', 'OpenBES timers', ['system']),
  quality: actor('system:quality', 'OpenBES quality automation', ['system']),
} as const;

export function contextOf(a: Actor, now: string = T0): DecisionContext {
  return { now, actor: a };
}

type Outcome<E> = { readonly ok: true; readonly events: readonly E[]; readonly also?: readonly StreamEvents[] } | { readonly ok: false; readonly refusal: Refusal };

export interface Then<E> {
  readonly outcome: Outcome<E>;
  thenRefused(code: string): Refusal;
  thenEvents(events: readonly E[], also?: readonly StreamEvents[]): void;
  /** The events, whatever they are (for checks of their shape). */
  events(): readonly E[];
  also(): readonly StreamEvents[];
}

/** given(state).when(decide, command, ctx) for any decider. */
export function spec<S, C, E extends DomainEvent, X extends DecisionContext>(decide: (s: S, c: C, x: X) => Outcome<E>, evolve: (s: S, e: E) => S, initial: S) {
  return {
    given(events: readonly E[]) {
      const state = events.reduce(evolve, initial);
      return {
        state,
        when(command: C, context: X): Then<E> {
          const before = JSON.stringify(state);
          const outcome = decide(state, command, context);
          if (JSON.stringify(state) !== before) throw new Error('decide changed the state it was given');
          return {
            outcome,
            thenRefused(code) {
              if (outcome.ok) throw new Error(`expected refusal ${code}, got ${outcome.events.map((e) => e.type).join(', ')}`);
              if (outcome.refusal.code !== code) throw new Error(`expected refusal ${code}, got ${outcome.refusal.code}: ${outcome.refusal.message}`);
              if (outcome.refusal.message.length < 10) throw new Error('a refusal says why in a sentence');
              return outcome.refusal;
            },
            thenEvents(expected, also = []) {
              if (!outcome.ok) throw new Error(`expected events, got ${outcome.refusal.code}: ${outcome.refusal.message}`);
              const got = sorted({ events: outcome.events, also: outcome.also ?? [] });
              const want = sorted({ events: expected, also });
              if (got !== want) throw new Error(`events differ:\n got  ${got}\n want ${want}`);
            },
            events() {
              if (!outcome.ok) throw new Error(`expected events, got ${outcome.refusal.code}: ${outcome.refusal.message}`);
              return outcome.events;
            },
            also() {
              if (!outcome.ok) throw new Error(`expected events, got ${outcome.refusal.code}: ${outcome.refusal.message}`);
              return outcome.also ?? [];
            },
          };
        },
      };
    },
  };
}

/** JSON with every object's keys in order, so two values compare whatever order they were written in. */
function sorted(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
}
