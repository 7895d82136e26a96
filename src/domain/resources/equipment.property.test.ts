/**
 * Equipment properties over random command sequences, random actors and random clocks: a step never takes
 * equipment that is not ready, nor equipment another batch holds; refusals change nothing; folding rebuilds.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DecisionContext } from '../shared/decider.ts';
import type { EquipmentRequirement } from '../procedure/definition.ts';
import type { EquipmentCommand } from './equipment-commands.ts';
import { equipmentDecider } from './equipment-decider.ts';
import { equipmentReadiness } from './equipment-readiness.ts';
import type { Step } from './spec.ts';
import { ROLES } from './roles.ts';
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

const dates = fc.constantFrom('2026-11-25', '2026-12-05', '2027-01-01', '2026-11-22T12:00:00.000Z', 'not a date');
// Few batches and steps, so releases often match the holder and campaigns happen.
const batch = fc.constantFrom('B-1', 'B-1', 'B-2', 'B-3');
const step = fc.constantFrom('s1', 's1', 's2');
const require = fc.subarray<EquipmentRequirement>(['clean', 'calibrated']);

const anyCommand: fc.Arbitrary<EquipmentCommand> = fc.oneof(
  fc.record({ type: fc.constant('RegisterEquipment'), data: fc.record({ equipmentId: fc.constant('P-01'), site: fc.constant('S1'), name: fc.constant('Press'), class: fc.constant('press'), calibrationDue: dates }) }),
  fc.record({ type: fc.constant('RecordCleaning'), data: fc.record({ validForMs: fc.constantFrom(0, 3_600_000, 86_400_000, 3 * 86_400_000) }) }),
  fc.record({ type: fc.constant('MarkDirty'), data: fc.record({ reason: fc.constantFrom('spill', '') }) }),
  fc.record({ type: fc.constant('RecordCalibration'), data: fc.record({ dueDate: dates }) }),
  fc.record({ type: fc.constant('StartMaintenance'), data: fc.record({ reason: fc.constant('noise') }) }),
  fc.record({ type: fc.constant('CompleteMaintenance'), data: fc.constant({}) }),
  fc.record({ type: fc.constant('TakeOutOfService'), data: fc.record({ reason: fc.constant('broken') }) }),
  fc.record({ type: fc.constant('ReturnToService'), data: fc.constant({}) }),
  { arbitrary: fc.record({ type: fc.constant('AllocateEquipment'), data: fc.record({ batchId: batch, stepId: step, require }) }), weight: 4 },
  { arbitrary: fc.record({ type: fc.constant('ReleaseEquipment'), data: fc.record({ batchId: batch, stepId: step }) }), weight: 3 },
) as fc.Arbitrary<EquipmentCommand>;

const anyStep: fc.Arbitrary<Step<EquipmentCommand>> = fc.record({ command: anyCommand, context: anyContext(['u-1', 'u-2']) });
const registration = anyNow.map(
  (now): Step<EquipmentCommand> => ({
    command: { type: 'RegisterEquipment', data: { equipmentId: 'P-01', site: 'S1', name: 'Press', class: 'press', calibrationDue: '2026-12-01' } },
    context: { now, actor: { id: 'u-eng', name: 'Engineer', site: 'S1', roles: ['engineer'] } },
  }),
);
const sequences = fc.tuple(registration, fc.array(anyStep, { minLength: 10, maxLength: 60 })).map(([first, rest]) => [first, ...rest]);

describe('equipment properties', () => {
  it('(b) AllocateEquipment is never accepted when equipmentReadiness refuses, nor for a second batch while in use', () => {
    fc.assert(
      fc.property(sequences, (steps) => {
        const { history } = replay(equipmentDecider, steps);
        for (const { before, step, decision } of history) {
          if (step.command.type !== 'AllocateEquipment') continue;
          const { batchId, require } = step.command.data;
          const readiness = equipmentReadiness(before, require, step.context.now, batchId);
          if (readiness) expect(decision.ok).toBe(false);
          if (before.status === 'in-use') expect(decision.ok).toBe(false);
          if (decision.ok) expect(readiness).toBeUndefined();
        }
      }),
      { numRuns: 500 },
    );
  });

  it('a step takes equipment that needs cleaning only when it is clean, or dirty from its own batch campaign', () => {
    fc.assert(
      fc.property(sequences, (steps) => {
        for (const { before, step, decision } of replay(equipmentDecider, steps).history) {
          if (step.command.type !== 'AllocateEquipment' || !decision.ok || !step.command.data.require.includes('clean')) continue;
          const cleanNow = before.status === 'clean' && Date.parse(before.cleanUntil!) > Date.parse(step.context.now);
          const ownCampaign = before.status === 'dirty' && before.lastUsedBy === step.command.data.batchId && before.campaignBatch === step.command.data.batchId;
          expect(cleanNow || ownCampaign).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('(c, d) refusals change nothing, decide never mutates, and folding rebuilds the state (checked by replay)', () => {
    fc.assert(
      fc.property(sequences, (steps) => {
        const { state, history } = replay(equipmentDecider, steps);
        for (const h of history) if (!h.decision.ok) expect(h.after).toBe(h.before);
        // In use exactly when a batch and step hold it.
        expect(state.status === 'in-use').toBe(state.inUseBy !== undefined);
      }),
      { numRuns: 300 },
    );
  });
});
