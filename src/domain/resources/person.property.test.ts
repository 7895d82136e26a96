/**
 * People properties over random command sequences and random actors (the person among them): nobody ever
 * changes their own roles or records their own training, nobody acknowledges another's e-signature, and an
 * admin never holds a GMP role at one site.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DecisionContext } from '../shared/decider.ts';
import type { PersonCommand } from './person-commands.ts';
import { personDecider } from './person-decider.ts';
import { GMP_ROLES, ROLES } from './roles.ts';
import type { Step } from './spec.ts';
import { replay } from './spec.ts';

/** Epoch ms of 2026-11-20T00:00Z, the start of the generated clocks. */
const BASE = Date.parse('2026-11-20T00:00:00.000Z');
/** A time within 20 days of BASE, in any order from one command to the next (a clock is only an input). */
const anyNow = fc.integer({ min: 0, max: 20 * 86_400_000 }).map((ms) => new Date(BASE + ms).toISOString());
/** Any set of roles. */
const anyRoles: fc.Arbitrary<string[]> = fc.subarray([...ROLES]);
/** An actor from a few ids, with random roles, mostly at site S1. (fast-check stays out of non-test domain files.) */
function anyContext(ids: readonly string[], roles: fc.Arbitrary<string[]> = anyRoles): fc.Arbitrary<DecisionContext> {
  return fc.record({
    now: anyNow,
    actor: fc.record({ id: fc.constantFrom(...ids), name: fc.constant('Someone'), site: fc.constantFrom('S1', 'S1', 'S1', 'S2'), roles }),
  });
}

const personId = 'u-jane';
const site = fc.constantFrom('S1', 'S2');
// Few roles, so grants and revokes meet each other often; 'root' is no role.
const role = fc.constantFrom('operator', 'qa', 'admin', 'engineer', 'root');
const anyCommand = fc.oneof(
  { arbitrary: fc.record({ type: fc.constant('GrantRole'), data: fc.record({ site, role }) }), weight: 5 },
  { arbitrary: fc.record({ type: fc.constant('RevokeRole'), data: fc.record({ site, role }) }), weight: 3 },
  fc.record({ type: fc.constant('RecordTraining'), data: fc.record({ procedure: fc.constant('P'), version: fc.integer({ min: 0, max: 3 }), trainedBy: fc.option(fc.constantFrom(personId, 'u-1'), { nil: undefined }) }) }),
  fc.record({ type: fc.constant('DeactivatePerson'), data: fc.record({ reason: fc.constant('left') }) }),
  fc.record({ type: fc.constant('AcknowledgeESignature'), data: fc.record({ textVersion: fc.constantFrom('1', '2') }) }),
) as fc.Arbitrary<PersonCommand>;
const registration = anyNow.map(
  (now): Step<PersonCommand> => ({
    command: { type: 'RegisterPerson', data: { personId, username: 'jane', name: 'Jane' } },
    context: { now, actor: { id: 'u-admin', name: 'Admin', site: 'S1', roles: ['admin'] } },
  }),
);
const sequences = fc
  .tuple(registration, fc.array(fc.record({ command: anyCommand, context: anyContext([personId, 'u-1', 'u-2'], fc.oneof(fc.constant<string[]>(['admin']), fc.constant<string[]>(['supervisor']), anyRoles)) }), { minLength: 10, maxLength: 60 }))
  .map(([first, rest]) => [first, ...rest]);

describe('people properties', () => {
  it('(e) nobody can ever grant or revoke their own role, nor record their own training, nor acknowledge for another', () => {
    fc.assert(
      fc.property(sequences, (steps) => {
        for (const { step, decision } of replay(personDecider, steps).history) {
          if (!decision.ok) continue;
          if (step.command.type === 'GrantRole' || step.command.type === 'RevokeRole') expect(step.context.actor.id).not.toBe(personId);
          // Nobody acknowledges that another person's e-signature binds them (21 CFR 11.100(c)).
          if (step.command.type === 'AcknowledgeESignature') expect(step.context.actor.id).toBe(personId);
          if (step.command.type === 'RecordTraining') {
            expect(step.context.actor.id).not.toBe(personId);
            expect(step.command.data.trainedBy).not.toBe(personId);
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it('an admin never holds a GMP role at the same site; refusals change nothing; folding rebuilds (replay)', () => {
    fc.assert(
      fc.property(sequences, (steps) => {
        const { history } = replay(personDecider, steps);
        for (const { before, decision, after } of history) {
          if (!decision.ok) expect(after).toBe(before);
          for (const held of Object.values(after.roles)) {
            if (held.includes('admin')) expect(held.filter((r) => GMP_ROLES.includes(r))).toEqual([]);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
