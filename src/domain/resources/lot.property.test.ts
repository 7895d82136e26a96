/**
 * Lot properties over random command sequences, random actors and random clocks: stock never goes negative
 * and nothing is consumed from a lot that is quarantined, rejected, expired or short.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DecisionContext } from '../shared/decider.ts';
import type { MaterialRequirement } from '../procedure/definition.ts';
import { stillValid } from './dates.ts';
import type { LotCommand } from './lot-commands.ts';
import { lotDecider } from './lot-decider.ts';
import type { Step } from './spec.ts';
import { ROLES } from './roles.ts';
import { replay } from './spec.ts';
import { convertQuantity, roundQuantity } from './units.ts';

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

function commands(requirement: fc.Arbitrary<MaterialRequirement[]>): fc.Arbitrary<LotCommand> {
  return fc.oneof(
    fc.record({ type: fc.constant('ReleaseLot'), data: fc.constant({}) }),
    fc.record({ type: fc.constant('RejectLot'), data: fc.record({ reason: fc.constantFrom('assay', '') }) }),
    {
      arbitrary: fc.record({
        type: fc.constant('ConsumeLot'),
        data: fc.record({
          batchId: fc.constantFrom('B-1', 'B-2'),
          stepId: fc.constant('charge'),
          quantity: fc.oneof(fc.double({ min: -1, max: 30, noNaN: true }), fc.constantFrom(0.1, 0.2, 0.3, 12.5, 25)),
          unit: fc.constantFrom('kg', 'kg', 'g', 'mg', 'L'),
          require: requirement,
        }),
      }),
      weight: 6,
    },
    fc.record({ type: fc.constant('AdjustLot'), data: fc.record({ quantity: fc.double({ min: -1, max: 50, noNaN: true }), reason: fc.constant('count') }) }),
    fc.record({ type: fc.constant('ReceiveLot'), data: fc.record({ lotId: fc.constant('L-1'), site: fc.constant('S1'), material: fc.constant('M'), quantity: fc.constant(1), unit: fc.constant('kg'), expiry: fc.constant('2027-01-01') }) }),
  ) as fc.Arbitrary<LotCommand>;
}

function sequences(requirement: fc.Arbitrary<MaterialRequirement[]>): fc.Arbitrary<Step<LotCommand>[]> {
  const receipt = fc.tuple(anyNow, fc.constantFrom('2026-11-28', '2026-12-03', '2026-12-09T12:00:00.000Z'), fc.double({ min: 0.001, max: 40, noNaN: true })).map(
    ([now, expiry, quantity]): Step<LotCommand> => ({
      command: { type: 'ReceiveLot', data: { lotId: 'L-1', site: 'S1', material: 'M', quantity, unit: 'kg', expiry } },
      context: { now, actor: { id: 'u-op', name: 'Operator', site: 'S1', roles: ['operator'] } },
    }),
  );
  const anyStep = fc.record({ command: commands(requirement), context: anyContext(['u-1', 'u-2']) });
  return fc.tuple(receipt, fc.array(anyStep, { minLength: 10, maxLength: 60 })).map(([first, rest]) => [first, ...rest]);
}

describe('lot properties', () => {
  it('(a) onHand never goes negative, and no ConsumeLot (released, in-date) is accepted on a lot quarantined, rejected, expired or short', () => {
    fc.assert(
      fc.property(sequences(fc.constant<MaterialRequirement[]>(['released', 'in-date'])), (steps) => {
        for (const { before, step, decision, after } of replay(lotDecider, steps).history) {
          expect(after.onHand).toBeGreaterThanOrEqual(0);
          if (step.command.type !== 'ConsumeLot' || !decision.ok) continue;
          const { quantity, unit } = step.command.data;
          expect(before.status).toBe('released');
          expect(after.onHand).toBeLessThan(before.onHand);
          expect(stillValid(before.expiry, step.context.now)).toBe(true);
          expect(before.onHand).toBeGreaterThanOrEqual(roundQuantity(convertQuantity(quantity, unit, before.unit)!));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('whatever the procedure requires: never a rejected or short lot; quarantine and expiry when required', () => {
    fc.assert(
      fc.property(sequences(fc.subarray<MaterialRequirement>(['released', 'in-date'])), (steps) => {
        for (const { before, step, decision, after } of replay(lotDecider, steps).history) {
          expect(after.onHand).toBeGreaterThanOrEqual(0);
          if (step.command.type !== 'ConsumeLot' || !decision.ok) continue;
          const { quantity, unit, require } = step.command.data;
          expect(before.status).not.toBe('rejected');
          if (require.includes('released')) expect(before.status).toBe('released');
          if (require.includes('in-date')) expect(stillValid(before.expiry, step.context.now)).toBe(true);
          expect(before.onHand).toBeGreaterThanOrEqual(roundQuantity(convertQuantity(quantity, unit, before.unit)!));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('(c, d) refusals change nothing, and on hand is what was received, adjusted and consumed', () => {
    fc.assert(
      fc.property(sequences(fc.subarray<MaterialRequirement>(['released', 'in-date'])), (steps) => {
        const { state, events, history } = replay(lotDecider, steps);
        for (const h of history) if (!h.decision.ok) expect(h.after).toBe(h.before);
        // Stock balance from the events alone, from the last count (or receipt) on.
        let expected = 0;
        for (const e of events) {
          if (e.type === 'LotReceived') expected = e.data.quantity;
          if (e.type === 'LotAdjusted') expected = e.data.to;
          if (e.type === 'LotConsumed') expected -= e.data.quantity;
        }
        expect(Math.abs(state.onHand - expected)).toBeLessThan(1e-6);
      }),
      { numRuns: 300 },
    );
  });
});
