/**
 * Properties of decision tasks over random runs of signatures (random people, some whose work it judges,
 * some without the role, some signing twice; random outcomes and signature meanings; random quorums):
 * a quorum never counts the same person twice, nobody ever signs their own work, and a decision is made
 * exactly when the quorum of distinct people agrees or one vetoes — never otherwise, and only once.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Actor } from '../shared/decider.ts';
import type { DecisionCommand } from './decision-commands.ts';
import { decideDecision } from './decision-decider.ts';
import type { DecisionEvent } from './decision-events.ts';
import { evolveDecision, initialDecisionState, type DecisionState } from './decision-state.ts';
import type { Conflict } from './segregation.ts';
import { at, HOUR, T0 } from '../quality/test-quality.ts';

const PEOPLE: readonly Actor[] = [
  { id: 'u-a', name: 'A', site: 'S1', roles: ['qa'] },
  { id: 'u-b', name: 'B', site: 'S1', roles: ['qa'] },
  { id: 'u-c', name: 'C', site: 'S1', roles: ['qa', 'qa-lead'] },
  { id: 'u-d', name: 'D', site: 'S1', roles: ['qa'] },
  { id: 'u-e', name: 'E', site: 'S1', roles: ['qa'] },
  { id: 'u-op', name: 'Op', site: 'S1', roles: ['operator'] },
];

interface Attempt {
  readonly who: number;
  readonly veto: boolean;
  readonly rightMeaning: boolean;
}

const attempt: fc.Arbitrary<Attempt> = fc.record({
  who: fc.integer({ min: 0, max: PEOPLE.length - 1 }),
  veto: fc.oneof({ arbitrary: fc.constant(false), weight: 4 }, { arbitrary: fc.constant(true), weight: 1 }),
  rightMeaning: fc.oneof({ arbitrary: fc.constant(true), weight: 5 }, { arbitrary: fc.constant(false), weight: 1 }),
});

function routed(quorum: number, conflicted: readonly string[]): DecisionState {
  const conflicts: Conflict[] = conflicted.map((personId) => ({ personId, code: 'self_approval', reason: 'did the work' }));
  const command: DecisionCommand = {
    type: 'RouteDecision',
    data: { decisionId: 'D', site: 'S1', subject: { kind: 'capa_approval', id: 'CAPA-1', title: 'CAPA-1' }, route: { rule: 'r', role: 'qa', dueInMs: HOUR, escalate: [], quorum, notify: [] }, conflicts },
  };
  const decision = decideDecision(initialDecisionState, command, { now: T0, actor: { id: 'system:quality', name: 'q', site: 'S1', roles: ['system'] } });
  if (!decision.ok) throw new Error(decision.refusal.message);
  return decision.events.reduce(evolveDecision, initialDecisionState);
}

describe('decision task properties', () => {
  it('a quorum counts distinct people, never their own work, and decides exactly once', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.subarray(PEOPLE.map((p) => p.id), { maxLength: 2 }),
        fc.array(attempt, { minLength: 1, maxLength: 14 }),
        (quorum, conflicted, attempts) => {
          let state = routed(quorum, conflicted);
          const events: DecisionEvent[] = [];
          const approvers = new Set<string>();
          let expectedMade: 'approve' | 'reject' | undefined;
          attempts.forEach((a, i) => {
            const actor = PEOPLE[a.who]!;
            const outcome = a.veto ? 'reject' : 'approve';
            const meaning = a.veto ? 'reviewed' : 'approved';
            const command: DecisionCommand = {
              type: 'SignDecision',
              data: { outcome, signature: { meaning: a.rightMeaning ? meaning : 'performed' }, ...(a.veto ? { comment: 'not convincing' } : {}) },
            };
            const decision = decideDecision(state, command, { now: at(i / 10), actor });
            // The model: who may sign now, and what signing does.
            const allowed =
              expectedMade === undefined && actor.roles.includes('qa') && !conflicted.includes(actor.id) && !approvers.has(actor.id) && a.rightMeaning;
            expect(decision.ok, `${actor.id} ${outcome}`).toBe(allowed);
            if (!decision.ok) return;
            events.push(...decision.events);
            state = decision.events.reduce(evolveDecision, state);
            if (a.veto) expectedMade = 'reject';
            else {
              approvers.add(actor.id);
              if (approvers.size >= quorum) expectedMade = 'approve';
            }
          });
          const signers = events.filter((e) => e.type === 'DecisionSigned').map((e) => (e.type === 'DecisionSigned' ? e.data.signature.by : ''));
          expect(new Set(signers).size, 'each person signs once').toBe(signers.length);
          expect(signers.filter((s) => conflicted.includes(s)), 'nobody signs their own work').toEqual([]);
          const made = events.filter((e) => e.type === 'DecisionMade');
          expect(made.length).toBe(expectedMade === undefined ? 0 : 1);
          const first = made[0];
          if (first?.type === 'DecisionMade') {
            expect(first.data.outcome).toBe(expectedMade);
            const by = first.data.signatures.map((s) => s.by);
            expect(new Set(by).size).toBe(by.length);
            expect(by.length).toBe(expectedMade === 'approve' ? quorum : 1);
            expect(state.status).toBe('decided');
          } else expect(state.status).toBe('open');
        },
      ),
      { numRuns: 400 },
    );
  });
});
