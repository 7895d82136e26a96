/** Shared fixtures of the resource tests: a clock and actors with one role each at site S1. */
import type { DecisionContext } from '../shared/decider.ts';
import { contextAt } from './spec.ts';

/** The tests' "now": 24 November 2026, 08:00 UTC. */
export const NOW = '2026-11-24T08:00:00.000Z';

/** An actor `u-<role>` with the one role, at site S1 (or `site`), at `now`. */
export function as(role: string, now: string = NOW, site = 'S1'): DecisionContext {
  return contextAt(now, { id: `u-${role}`, roles: [role], site });
}
