/**
 * The batch decider, given / when / then, without a database: every refusal code it can give (one named
 * case each, with the sentence checked for what it names), every accepted path with its events and the
 * events for other streams exactly, and the exception paths. Fixture: PX10-COMPRESSION v2 (test-procedure.ts).
 */
import { describe, expect, it } from 'vitest';
import { checkProcedure } from '../procedure/check.ts';
import type { ProcedureDefinition } from '../procedure/definition.ts';
import type { PersonState } from '../resources/person-state.ts';
import type { Refusal } from '../shared/refusal.ts';
import type { BatchDecision, StreamEvents } from './batch-context.ts';
import type { BatchCommand } from './batch-commands.ts';
import { decideBatch } from './batch-decider.ts';
import type { BatchEvent, StoredValue } from './batch-events.ts';
import { evolveBatch, initialBatchState } from './batch-state.ts';
import { samplesOf } from './entered-value.ts';
import { roundsDue } from './missed-rounds.ts';
import { excursionCommandFor, PROCESS_DATA_ACTOR, tagSource } from './decide-process.ts';
import { procedure, PROCEDURE, STEP, VERSION } from './test-procedure.ts';
import { people } from './test-resources.ts';
import { BATCH, cmd, contextFor, emptyScenario, hardness, initialWorld, perform, type ContextOptions, type Scenario } from './test-world.ts';

const { operator, operator2, supervisor, supervisor2, lead, qa, untrained, oldTraining, otherSite, inactive, engineer } = people;

/** 24 November 2026 at hh:mm UTC. */
const at = (hm: string): string => `2026-11-24T${hm}:00.000Z`;

// Given / when / then ----------------------------------------------------------------------------------

interface Then {
  readonly decision: BatchDecision;
  /** Asserts a refusal with this code and nothing to record; returns it for the message and details. */
  thenRefused(code: string): Refusal;
  /** Asserts exactly these events, and exactly these events for other streams. */
  thenEvents(events: readonly BatchEvent[], also?: readonly StreamEvents[]): void;
}

function given(s: Scenario | readonly BatchEvent[]) {
  const scenario: Scenario = Array.isArray(s) ? { ...emptyScenario, state: (s as BatchEvent[]).reduce(evolveBatch, initialBatchState), events: s as BatchEvent[] } : (s as Scenario);
  return {
    when(command: BatchCommand, who: PersonState, now: string, options: ContextOptions = {}): Then {
      const before = JSON.stringify(scenario.state);
      const decision = decideBatch(scenario.state, command, contextFor(who, now, scenario.world, options));
      expect(JSON.stringify(scenario.state), 'decide must not change the state it is given').toBe(before);
      return {
        decision,
        thenRefused(code) {
          if (decision.ok) throw new Error(`expected refusal ${code}, got events ${decision.events.map((e) => e.type).join(', ')}`);
          expect(decision.refusal.code, decision.refusal.message).toBe(code);
          expect(decision).not.toHaveProperty('events');
          expect(decision).not.toHaveProperty('also');
          expect(decision.refusal.message.length).toBeGreaterThan(10);
          return decision.refusal;
        },
        thenEvents(events, also = []) {
          if (!decision.ok) throw new Error(`expected events, got refusal ${decision.refusal.code}: ${decision.refusal.message}`);
          expect(decision).toEqual({ ok: true, events, also });
        },
      };
    },
  };
}

// The happy path, stage by stage ------------------------------------------------------------------------

const created = perform(emptyScenario, cmd.create(), supervisor, at('08:00'));
const lcStarted = perform(created, cmd.start('line-clearance'), operator, at('08:05'));
const lcRecorded = perform(lcStarted, cmd.record('line-clearance', 'area_clear', true), operator, at('08:06'));
const lcCompleted = perform(lcRecorded, cmd.complete('line-clearance'), operator, at('08:10'));
const lcVerified = perform(lcCompleted, cmd.verify('line-clearance'), supervisor, at('08:12'));
const chargeStarted = perform(lcVerified, cmd.start('charge'), operator, at('08:15'));
const charged = perform(chargeStarted, cmd.consume('L-REL', 25), operator, at('08:20'));
const chargeDone = perform(charged, cmd.complete('charge'), operator, at('08:25'));
const compressStarted = perform(chargeDone, cmd.start('compress', { press: 'P-01' }), operator, at('09:30'));
const hardnessRecorded = perform(compressStarted, cmd.record('compress', 'hardness', hardness(10)), operator, at('09:30'));
const compressDone = perform(hardnessRecorded, cmd.complete('compress'), operator, at('10:00'));
const inspectionStarted = perform(compressDone, cmd.start('visual-inspection'), operator, at('11:00'));
const inspected = perform(
  perform(inspectionStarted, cmd.record('visual-inspection', 'appearance', 'conforming'), operator, at('11:01')),
  cmd.record('visual-inspection', 'container_label', 'C-1234'),
  operator,
  at('11:02'),
);
const inspectionDone = perform(inspected, cmd.complete('visual-inspection'), operator, at('11:10'));
const reconcileStarted = perform(inspectionDone, cmd.start('reconcile'), supervisor, at('11:15'));
const reconciled = perform(reconcileStarted, cmd.record('reconcile', 'good_tablets', 98_000), supervisor, at('11:20'));
const producedLot = { lotId: 'PX10-T-001', quantity: 98_000, unit: 'tablets', expiry: '2028-11-30' };
const reconcileDone = perform(reconciled, cmd.complete('reconcile', { meaning: 'reviewed' }, producedLot), supervisor, at('11:25'));
const batchDone = perform(reconcileDone, cmd.completeBatch(), supervisor, at('11:30'));

/** Compression with hardness near the top of spec: extra-test applies. */
const highHardness = perform(compressStarted, cmd.record('compress', 'hardness', hardness(11.5)), operator, at('09:30'));
const highDone = perform(highHardness, cmd.complete('compress'), operator, at('10:00'));

const HARDNESS_LIMITS = { spec: { min: 8, max: 12 }, alert: { min: 9, max: 11 } };
const HARDNESS_REF = { document: 'SOP-PRD-014', clause: '5.3' };

const valueRecorded = (stepId: string, fieldId: string, value: StoredValue, rest: Partial<Extract<BatchEvent, { type: 'ValueRecorded' }>['data']>): BatchEvent => ({
  type: 'ValueRecorded',
  data: { stepId, fieldId, value, evaluation: 'in_spec', round: 1, by: operator.id, ...rest },
});

describe('accepted: the batch record, event by event', () => {
  it('a supervisor creates a batch from the effective version: the definition is copied into the record', () => {
    given([])
      .when(cmd.create(), supervisor, at('08:00'))
      .thenEvents([
        {
          type: 'BatchCreated',
          data: { batchId: BATCH, site: 'S1', procedure: PROCEDURE, version: VERSION, definition: procedure, batchSize: 100_000, lot: 'PX10-2611-01', product: 'PX10' },
        },
      ]);
  });

  it('the batch sizes at both ends of the range are accepted', () => {
    for (const size of [50_000, 200_000]) expect(given([]).when(cmd.create(size), supervisor, at('08:00')).decision.ok).toBe(true);
  });

  it('an operator starts the first step: no equipment, nothing for other streams', () => {
    given(created)
      .when(cmd.start('line-clearance'), operator, at('08:05'))
      .thenEvents([{ type: 'StepStarted', data: { stepId: 'line-clearance', equipment: {}, by: operator.id, name: 'Olivia Operator', at: at('08:05') } }]);
  });

  it('a check answered as expected is recorded in spec', () => {
    given(lcStarted)
      .when(cmd.record('line-clearance', 'area_clear', true), operator, at('08:06'))
      .thenEvents([valueRecorded('line-clearance', 'area_clear', true, {})]);
  });

  it('completing a step that needs verification leaves it awaiting verification', () => {
    const then = given(lcRecorded).when(cmd.complete('line-clearance'), operator, at('08:10'));
    then.thenEvents([{ type: 'StepCompleted', data: { stepId: 'line-clearance', by: operator.id, name: 'Olivia Operator', at: at('08:10') } }]);
    expect(lcCompleted.state.steps['line-clearance']?.status).toBe('awaiting_verification');
  });

  it('a second person verifies, with a signature (printed name, time, meaning)', () => {
    const signature = { meaning: 'verified' as const, by: supervisor.id, name: 'Sam Supervisor', at: at('08:12') };
    given(lcCompleted)
      .when(cmd.verify('line-clearance'), supervisor, at('08:12'))
      .thenEvents([{ type: 'StepVerified', data: { stepId: 'line-clearance', by: supervisor.id, name: 'Sam Supervisor', at: at('08:12'), signature } }]);
  });

  it('a lead operator who did not take part may verify', () => {
    expect(given(lcCompleted).when(cmd.verify('line-clearance'), lead, at('08:12')).decision.ok).toBe(true);
  });

  it('charging 25 kg on a calibrated balance consumes the lot in the same decision (lot stream at its version)', () => {
    given(chargeStarted)
      .when(cmd.consume('L-REL', 25), operator, at('08:20'))
      .thenEvents(
        [
          {
            type: 'MaterialConsumed',
            data: {
              stepId: 'charge',
              material: 'granulate',
              materialCode: 'PX10-GRAN',
              lotId: 'L-REL',
              quantity: 25,
              unit: 'kg',
              balanceId: 'BAL-01',
              target: { quantity: 25, unit: 'kg', tolerance: 0.125, consumedInTargetUnit: 25 },
              by: operator.id,
            },
          },
        ],
        [
          {
            streamId: 'lot-L-REL',
            expectedVersion: 2,
            events: [{ type: 'LotConsumed', data: { lotId: 'L-REL', batchId: BATCH, stepId: 'charge', quantity: 25, unit: 'kg', requested: { quantity: 25, unit: 'kg' } } }],
          },
        ],
      );
  });

  it('the target scales with the batch size: 200,000 tablets need 50 kg ± 0.25 kg', () => {
    let s = perform(emptyScenario, cmd.create(200_000), supervisor, at('08:00'));
    s = perform(s, cmd.start('line-clearance'), operator, at('08:05'));
    s = perform(s, cmd.record('line-clearance', 'area_clear', true), operator, at('08:06'));
    s = perform(s, cmd.complete('line-clearance'), operator, at('08:10'));
    s = perform(s, cmd.verify('line-clearance'), supervisor, at('08:12'));
    s = perform(s, cmd.start('charge'), operator, at('08:15'));
    s = perform(s, cmd.consume('L-REL', 40), operator, at('08:20'));
    const then = given(s).when(cmd.consume('L-REL2', 10.25), operator, at('08:21'));
    expect(then.decision.ok && then.decision.events[0]?.type === 'MaterialConsumed' && then.decision.events[0].data.target).toEqual({
      quantity: 50,
      unit: 'kg',
      tolerance: 0.25,
      consumedInTargetUnit: 10.25,
    });
    given(s).when(cmd.consume('L-REL2', 10.26), operator, at('08:21')).thenRefused('quantity_out_of_tolerance');
  });

  it('a charge weighed in grams from a lot counted in grams is converted to the target unit', () => {
    given(chargeStarted)
      .when(cmd.consume('L-GRAMS', 25_000, { unit: 'g' }), operator, at('08:20'))
      .thenEvents(
        [
          {
            type: 'MaterialConsumed',
            data: {
              stepId: 'charge',
              material: 'granulate',
              materialCode: 'PX10-GRAN',
              lotId: 'L-GRAMS',
              quantity: 25_000,
              unit: 'g',
              balanceId: 'BAL-01',
              target: { quantity: 25, unit: 'kg', tolerance: 0.125, consumedInTargetUnit: 25 },
              by: operator.id,
            },
          },
        ],
        [
          {
            streamId: 'lot-L-GRAMS',
            expectedVersion: 2,
            events: [{ type: 'LotConsumed', data: { lotId: 'L-GRAMS', batchId: BATCH, stepId: 'charge', quantity: 25_000, unit: 'g', requested: { quantity: 25_000, unit: 'g' } } }],
          },
        ],
      );
  });

  it('a charge may come from two lots; the step completes at the edge of tolerance (24.875 kg)', () => {
    const split = perform(chargeStarted, cmd.consume('L-REL', 12.5), operator, at('08:20'));
    const then = given(split).when(cmd.consume('L-REL2', 12.375), operator, at('08:21'));
    expect(then.decision.ok).toBe(true);
    const both = perform(split, cmd.consume('L-REL2', 12.375), operator2, at('08:21'));
    expect(both.state.steps.charge?.consumed).toEqual({ granulate: 24.875 });
    expect(both.state.steps.charge?.performers).toEqual([operator.id, operator2.id]);
    given(both)
      .when(cmd.complete('charge'), operator, at('08:25'))
      .thenEvents([{ type: 'StepCompleted', data: { stepId: 'charge', by: operator.id, name: 'Olivia Operator', at: at('08:25') } }]);
  });

  it('a charge at the upper edge of tolerance (25.125 kg) is accepted', () => {
    expect(given(chargeStarted).when(cmd.consume('L-REL', 25.125), operator, at('08:20')).decision.ok).toBe(true);
  });

  it('starting compression allocates the press in the same decision (equipment stream at its version)', () => {
    given(chargeDone)
      .when(cmd.start('compress', { press: 'P-01' }), operator, at('09:00'))
      .thenEvents(
        [{ type: 'StepStarted', data: { stepId: 'compress', equipment: { press: 'P-01' }, by: operator.id, name: 'Olivia Operator', at: at('09:00') } }],
        [
          {
            streamId: 'equipment-P-01',
            expectedVersion: 2,
            events: [{ type: 'EquipmentAllocated', data: { equipmentId: 'P-01', batchId: BATCH, stepId: 'compress', require: ['clean', 'calibrated'], campaign: true } }],
          },
        ],
      );
  });

  it('the expected version of the equipment stream is the one the context read', () => {
    const p01 = chargeDone.world.equipment['P-01']!;
    const world = { ...chargeDone.world, equipment: { ...chargeDone.world.equipment, 'P-01': { ...p01, version: 7 } } };
    const then = given({ ...chargeDone, world }).when(cmd.start('compress', { press: 'P-01' }), operator, at('09:00'));
    expect(then.decision.ok && then.decision.also.map((a) => [a.streamId, a.expectedVersion])).toEqual([['equipment-P-01', 7]]);
  });

  it('the press a batch used is dirty for the next batch: it must be cleaned first', () => {
    expect(batchDone.world.equipment['P-01']?.state).toMatchObject({ status: 'dirty', campaignBatch: BATCH });
    let next: Scenario = { ...emptyScenario, world: batchDone.world };
    const steps: [BatchCommand, PersonState][] = [
      [cmd.create(100_000, 'B-2'), supervisor],
      [cmd.start('line-clearance'), operator],
      [cmd.record('line-clearance', 'area_clear', true), operator],
      [cmd.complete('line-clearance'), operator],
      [cmd.verify('line-clearance'), supervisor],
      [cmd.start('charge'), operator],
      [cmd.consume('L-REL', 25), operator],
      [cmd.complete('charge'), operator],
    ];
    for (const [command, who] of steps) next = perform(next, command, who, at('12:00'));
    const r = given(next).when(cmd.start('compress', { press: 'P-01' }), operator, at('12:30')).thenRefused('equipment_not_ready');
    expect(r.message).toBe('Press P-01 is dirty (used by batch B-1); clean it before use');
    expect(given(next).when(cmd.start('compress', { press: 'P-08' }), operator, at('12:30')).decision.ok).toBe(true);
  });

  it('compression may start exactly 4 h after charging (the hold-time limit is inclusive)', () => {
    expect(given(chargeDone).when(cmd.start('compress', { press: 'P-01' }), operator, at('12:25')).decision.ok).toBe(true);
  });

  it('hardness in spec is recorded with its samples, mean, min and max, unit and limits', () => {
    const values = hardness(10);
    given(compressStarted)
      .when(cmd.record('compress', 'hardness', values), operator, at('09:30'))
      .thenEvents([valueRecorded('compress', 'hardness', { values, mean: 10, min: 9.8, max: 10.2 }, { unit: 'kP', limits: HARDNESS_LIMITS })]);
  });

  it('an optional equipment scan of the right class is recorded', () => {
    given(compressStarted)
      .when(cmd.record('compress', 'press_id', ' P-01 '), operator, at('09:05'))
      .thenEvents([valueRecorded('compress', 'press_id', 'P-01', { evaluation: 'unchecked' })]);
  });

  it('an optional lot scan of a usable lot of the right material is recorded', () => {
    given(chargeStarted)
      .when(cmd.record('charge', 'container_lot', 'L-REL'), operator, at('08:16'))
      .thenEvents([valueRecorded('charge', 'container_lot', 'L-REL', { evaluation: 'unchecked' })]);
  });

  it('completing compression releases the press (equipment stream at its new version) and skips the conditional step whose condition is false', () => {
    given(hardnessRecorded)
      .when(cmd.complete('compress'), operator, at('10:00'))
      .thenEvents(
        [
          { type: 'StepCompleted', data: { stepId: 'compress', by: operator.id, name: 'Olivia Operator', at: at('10:00') } },
          { type: 'StepSkipped', data: { stepId: 'extra-test', condition: 'hardness.mean > 11.0', reason: 'its condition "hardness.mean > 11.0" is false' } },
        ],
        [{ streamId: 'equipment-P-01', expectedVersion: 3, events: [{ type: 'EquipmentReleased', data: { equipmentId: 'P-01', batchId: BATCH, stepId: 'compress' } }] }],
      );
  });

  it('the conditional step is not skipped when its condition is true, and then it is started and done', () => {
    given(highHardness)
      .when(cmd.complete('compress'), operator, at('10:00'))
      .thenEvents(
        [{ type: 'StepCompleted', data: { stepId: 'compress', by: operator.id, name: 'Olivia Operator', at: at('10:00') } }],
        [{ streamId: 'equipment-P-01', expectedVersion: 3, events: [{ type: 'EquipmentReleased', data: { equipmentId: 'P-01', batchId: BATCH, stepId: 'compress' } }] }],
      );
    expect(highDone.state.steps['extra-test']?.status).toBe('pending');
    given(highDone).when(cmd.start('visual-inspection'), operator, at('11:00')).thenRefused('sequence_violation');
    given(highDone)
      .when(cmd.start('extra-test'), operator, at('10:05'))
      .thenEvents([{ type: 'StepStarted', data: { stepId: 'extra-test', equipment: {}, by: operator.id, name: 'Olivia Operator', at: at('10:05') } }]);
  });

  it('the step after the wait may start exactly 1 h after compression', () => {
    given(compressDone)
      .when(cmd.start('visual-inspection'), operator, at('11:00'))
      .thenEvents([{ type: 'StepStarted', data: { stepId: 'visual-inspection', equipment: {}, by: operator.id, name: 'Olivia Operator', at: at('11:00') } }]);
  });

  it('an optional field may be left out: the step completes without it', () => {
    expect(inspectionDone.state.values.remark).toBeUndefined();
    expect(inspectionDone.state.steps['visual-inspection']?.status).toBe('done');
  });

  it('the system computes the yield as soon as good tablets are recorded', () => {
    given(reconcileStarted)
      .when(cmd.record('reconcile', 'good_tablets', 98_000), supervisor, at('11:20'))
      .thenEvents([
        valueRecorded('reconcile', 'good_tablets', 98_000, { unit: 'tablets', evaluation: 'unchecked', by: supervisor.id }),
        valueRecorded('reconcile', 'yield', 98, {
          unit: '%',
          limits: { spec: { min: 95, max: 101 } },
          by: 'system',
          computed: { expression: 'good_tablets / batch_size * 100.0' },
        }),
      ]);
  });

  it('the computed yield is rounded to its decimals', () => {
    const then = given(reconcileStarted).when(cmd.record('reconcile', 'good_tablets', 97_777), supervisor, at('11:20'));
    expect(then.decision.ok && then.decision.events[1]?.type === 'ValueRecorded' && then.decision.events[1].data.value).toBe(97.78);
  });

  it('the signed step that makes the tablets records the signature and registers the lot, in quarantine, in a new stream', () => {
    given(reconciled)
      .when(cmd.complete('reconcile', { meaning: 'reviewed' }, producedLot), supervisor, at('11:25'))
      .thenEvents(
        [
          {
            type: 'StepCompleted',
            data: {
              stepId: 'reconcile',
              by: supervisor.id,
              name: 'Sam Supervisor',
              at: at('11:25'),
              signature: { meaning: 'reviewed', by: supervisor.id, name: 'Sam Supervisor', at: at('11:25') },
              producedLot: { lotId: 'PX10-T-001', quantity: 98_000, unit: 'tablets' },
            },
          },
        ],
        [
          {
            streamId: 'lot-PX10-T-001',
            expectedVersion: 'no_stream',
            events: [
              { type: 'LotProduced', data: { lotId: 'PX10-T-001', site: 'S1', material: 'PX10-TAB', quantity: 98_000, unit: 'tablets', expiry: '2028-11-30', batchId: BATCH } },
            ],
          },
        ],
      );
    expect(batchDone.world.lots['PX10-T-001']?.state.status).toBe('quarantine');
  });

  it('the whole run leaves a complete record, the press dirty and the lot drawn down', () => {
    expect(batchDone.events.map((e) => e.type)).toEqual([
      'BatchCreated',
      'StepStarted',
      'ValueRecorded',
      'StepCompleted',
      'StepVerified',
      'StepStarted',
      'MaterialConsumed',
      'StepCompleted',
      'StepStarted',
      'ValueRecorded',
      'StepCompleted',
      'StepSkipped',
      'StepStarted',
      'ValueRecorded',
      'ValueRecorded',
      'StepCompleted',
      'StepStarted',
      'ValueRecorded',
      'ValueRecorded',
      'StepCompleted',
      'BatchCompleted',
    ]);
    expect(batchDone.state.status).toBe('completed');
    expect(batchDone.world.equipment['P-01']?.state.status).toBe('dirty');
    expect(batchDone.world.lots['L-REL']?.state.onHand).toBe(75);
  });

  it('a supervisor places a hold on the batch, and releases it with a reason', () => {
    given(chargeDone)
      .when(cmd.hold('granulate moisture to be checked'), supervisor, at('08:30'))
      .thenEvents([{ type: 'HoldPlaced', data: { holdId: 'H1', reason: 'granulate moisture to be checked', by: supervisor.id } }]);
    const held = perform(chargeDone, cmd.hold('granulate moisture to be checked'), supervisor, at('08:30'));
    given(held)
      .when(cmd.releaseHold('H1', 'moisture 2.1 %, within limits'), supervisor2, at('08:50'))
      .thenEvents([{ type: 'HoldReleased', data: { holdId: 'H1', reason: 'moisture 2.1 %, within limits', by: supervisor2.id } }]);
    const released = perform(held, cmd.releaseHold('H1', 'moisture 2.1 %, within limits'), supervisor2, at('08:50'));
    expect(given(released).when(cmd.start('compress', { press: 'P-01' }), operator, at('09:00')).decision.ok).toBe(true);
  });

  it('qa places a hold on one step: other steps go on', () => {
    given(chargeDone)
      .when(cmd.hold('press setup under review', 'compress'), qa, at('08:30'))
      .thenEvents([{ type: 'HoldPlaced', data: { holdId: 'H1', stepId: 'compress', reason: 'press setup under review', by: qa.id } }]);
    const held = perform(chargeStarted, cmd.hold('press setup under review', 'compress'), qa, at('08:16'));
    expect(given(held).when(cmd.consume('L-REL', 25), operator, at('08:20')).decision.ok).toBe(true);
  });

  it('a correction keeps the old and the new value, with the reason', () => {
    given(hardnessRecorded)
      .when(cmd.correct('compress', 'hardness', hardness(10.4), ' transcription error: tablet 1 was 10.6 '), operator, at('09:35'))
      .thenEvents([
        {
          type: 'ValueCorrected',
          data: {
            stepId: 'compress',
            fieldId: 'hardness',
            previous: samplesOf(hardness(10)),
            value: samplesOf(hardness(10.4)),
            evaluation: 'in_spec',
            reason: 'transcription error: tablet 1 was 10.6',
            by: operator.id,
          },
        },
      ]);
  });

  it('after the step is done, a supervisor corrects a value; the corrector becomes a performer of the step', () => {
    const corrected = perform(lcCompleted, cmd.correct('line-clearance', 'area_clear', true, 'entered on the wrong line, re-confirmed'), lead, at('08:11'));
    expect(corrected.events.at(-1)).toEqual({
      type: 'ValueCorrected',
      data: { stepId: 'line-clearance', fieldId: 'area_clear', previous: true, value: true, evaluation: 'in_spec', reason: 'entered on the wrong line, re-confirmed', by: lead.id },
    });
    given(corrected).when(cmd.verify('line-clearance'), lead, at('08:12')).thenRefused('self_verification');
  });

  it('correcting the input of a computed field recomputes it', () => {
    given(reconciled)
      .when(cmd.correct('reconcile', 'good_tablets', 97_000, 'recount of the last drum'), supervisor, at('11:22'))
      .thenEvents([
        {
          type: 'ValueCorrected',
          data: { stepId: 'reconcile', fieldId: 'good_tablets', previous: 98_000, value: 97_000, evaluation: 'unchecked', reason: 'recount of the last drum', by: supervisor.id },
        },
        valueRecorded('reconcile', 'yield', 97, { unit: '%', limits: { spec: { min: 95, max: 101 } }, round: 2, by: 'system', computed: { expression: 'good_tablets / batch_size * 100.0' } }),
      ]);
  });
});

describe('in-process checks repeated while the step runs', () => {
  it('a second round of hardness is recorded as round 2, a third as round 3', () => {
    const values = hardness(10.5);
    given(hardnessRecorded)
      .when(cmd.record('compress', 'hardness', values), operator, at('10:00'))
      .thenEvents([valueRecorded('compress', 'hardness', samplesOf(values), { unit: 'kP', limits: HARDNESS_LIMITS, round: 2 })]);
    const round2 = perform(hardnessRecorded, cmd.record('compress', 'hardness', values), operator, at('10:00'));
    const round3 = perform(round2, cmd.record('compress', 'hardness', hardness(10.2)), operator2, at('10:30'));
    expect(round3.state.values.hardness?.rounds).toBe(3);
    expect(round3.state.values.hardness?.by).toBe(operator2.id);
  });

  it('a correction does not count as a round', () => {
    const corrected = perform(hardnessRecorded, cmd.correct('compress', 'hardness', hardness(10.1), 'sample 3 misread'), operator, at('09:40'));
    expect(corrected.state.values.hardness?.rounds).toBe(1);
    const round2 = perform(corrected, cmd.record('compress', 'hardness', hardness(10.1)), operator, at('10:00'));
    expect(round2.events.at(-1)?.type === 'ValueRecorded' && round2.events.at(-1)?.data).toMatchObject({ round: 2 });
  });

  it('an out-of-spec second round raises a second deviation with its own id', () => {
    const round2 = perform(hardnessRecorded, cmd.record('compress', 'hardness', hardness(7.5)), operator, at('10:00'));
    expect(round2.state.deviations).toEqual(['B-1-D1']);
    const released = perform(round2, cmd.releaseHold('H1', 'press re-adjusted; tablets of round 2 segregated'), qa, at('10:20'));
    const round3 = perform(released, cmd.record('compress', 'hardness', hardness(12.4)), operator, at('10:30'));
    expect(round3.state.deviations).toEqual(['B-1-D1', 'B-1-D2']);
    expect(Object.keys(round3.world.deviations)).toEqual(['deviation-B-1-D1', 'deviation-B-1-D2']);
    expect(round3.state.holds.map((h) => h.id)).toEqual(['H2']);
  });
});

describe('exception paths: an out-of-spec value is recorded, never refused', () => {
  it('hardness out of spec is recorded, raises a major exception, holds the batch and raises deviation B-1-D1 in its own stream', () => {
    const values = hardness(12.5);
    const value = samplesOf(values);
    const message = 'Hardness in "Compress tablets" is out of specification: mean 12.5 kP, min 12.3 kP, max 12.7 kP (specification 8–12 kP)';
    given(compressStarted)
      .when(cmd.record('compress', 'hardness', values), operator, at('09:30'))
      .thenEvents(
        [
          valueRecorded('compress', 'hardness', value, { unit: 'kP', limits: HARDNESS_LIMITS, evaluation: 'out_of_spec' }),
          {
            type: 'ExceptionRaised',
            data: { deviationId: 'B-1-D1', stepId: 'compress', fieldId: 'hardness', severity: 'major', group: 'value', hold: 'batch', message, value, limits: HARDNESS_LIMITS, ref: HARDNESS_REF },
          },
          { type: 'HoldPlaced', data: { holdId: 'H1', reason: `major deviation B-1-D1: ${message}`, deviationId: 'B-1-D1', by: 'system:exception-path' } },
        ],
        [
          {
            streamId: 'deviation-B-1-D1',
            expectedVersion: 'no_stream',
            events: [
              {
                type: 'DeviationRaised',
                data: {
                  deviationId: 'B-1-D1',
                  batchId: BATCH,
                  site: 'S1',
                  procedure: PROCEDURE,
                  version: VERSION,
                  stepId: 'compress',
                  fieldId: 'hardness',
                  severity: 'major',
                  group: 'value',
                  hold: 'batch',
                  message,
                  value,
                  limits: HARDNESS_LIMITS,
                  ref: HARDNESS_REF,
                  raisedAt: at('09:30'),
                  detectedBy: operator.id,
                },
              },
            ],
          },
        ],
      );
  });

  it('one sample out of spec is enough, even with the mean in spec', () => {
    const values = [10, 10, 10, 10, 10, 10, 10, 10, 10, 7.9];
    const then = given(compressStarted).when(cmd.record('compress', 'hardness', values), operator, at('09:30'));
    expect(then.decision.ok && then.decision.events.map((e) => e.type)).toEqual(['ValueRecorded', 'ExceptionRaised', 'HoldPlaced']);
  });

  it('values at the spec limits are in spec (closed interval)', () => {
    const values = [8, 12, 8, 12, 8, 12, 8, 12, 8, 12];
    const then = given(compressStarted).when(cmd.record('compress', 'hardness', values), operator, at('09:30'));
    expect(then.decision.ok && then.decision.events.map((e) => e.type)).toEqual(['ValueRecorded']);
  });

  it('the batch hold of the deviation stops the batch until QA releases it', () => {
    const held = perform(compressStarted, cmd.record('compress', 'hardness', hardness(12.5)), operator, at('09:30'));
    const refusal = given(held).when(cmd.complete('compress'), operator, at('09:40')).thenRefused('batch_on_hold');
    expect(refusal.message).toContain('Batch B-1 is on hold');
    expect(refusal.message).toContain('B-1-D1');
    expect(refusal.details).toMatchObject({ holdId: 'H1', deviationId: 'B-1-D1' });
    const released = perform(held, cmd.releaseHold('H1', 'QA decision: press re-adjusted, tablets of round 1 rejected'), qa, at('10:00'));
    expect(given(released).when(cmd.complete('compress'), operator, at('10:05')).decision.ok).toBe(true);
  });

  it('an alert value is flagged alert, without a deviation or a hold', () => {
    const values = hardness(11.5);
    given(compressStarted)
      .when(cmd.record('compress', 'hardness', values), operator, at('09:30'))
      .thenEvents([valueRecorded('compress', 'hardness', samplesOf(values), { unit: 'kP', limits: HARDNESS_LIMITS, evaluation: 'alert' })]);
  });

  it('a check answered against expect raises the minor deviation, holding nothing', () => {
    const message = 'Area free of previous product in "Line clearance" was answered no; yes was expected';
    given(lcStarted)
      .when(cmd.record('line-clearance', 'area_clear', false), operator, at('08:06'))
      .thenEvents(
        [
          valueRecorded('line-clearance', 'area_clear', false, { evaluation: 'out_of_spec' }),
          { type: 'ExceptionRaised', data: { deviationId: 'B-1-D1', stepId: 'line-clearance', fieldId: 'area_clear', severity: 'minor', group: 'value', hold: 'none', message, value: false } },
        ],
        [
          {
            streamId: 'deviation-B-1-D1',
            expectedVersion: 'no_stream',
            events: [
              {
                type: 'DeviationRaised',
                data: {
                  deviationId: 'B-1-D1',
                  batchId: BATCH,
                  site: 'S1',
                  procedure: PROCEDURE,
                  version: VERSION,
                  stepId: 'line-clearance',
                  fieldId: 'area_clear',
                  severity: 'minor',
                  group: 'value',
                  hold: 'none',
                  message,
                  value: false,
                  raisedAt: at('08:06'),
                  detectedBy: operator.id,
                },
              },
            ],
          },
        ],
      );
  });

  it('a choice outside expect holds only its step', () => {
    const held = perform(inspectionStarted, cmd.record('visual-inspection', 'appearance', 'chipped'), operator, at('11:01'));
    expect(held.events.slice(-3).map((e) => e.type)).toEqual(['ValueRecorded', 'ExceptionRaised', 'HoldPlaced']);
    expect(held.state.holds).toEqual([
      { id: 'H1', stepId: 'visual-inspection', reason: 'minor deviation B-1-D1: Tablet appearance in "Visual inspection" is "chipped"; expected conforming', deviationId: 'B-1-D1' },
    ]);
    const refusal = given(held).when(cmd.record('visual-inspection', 'container_label', 'C-1234'), operator, at('11:02')).thenRefused('batch_on_hold');
    expect(refusal.message).toContain('Step "visual-inspection" is on hold');
  });

  it('a correction out of spec raises the deviation; a correction back into spec does not undo it', () => {
    const out = perform(hardnessRecorded, cmd.correct('compress', 'hardness', hardness(12.5), 'sample set of the wrong press was entered'), operator, at('09:35'));
    expect(out.events.slice(-3).map((e) => e.type)).toEqual(['ValueCorrected', 'ExceptionRaised', 'HoldPlaced']);
    expect(out.state.deviations).toEqual(['B-1-D1']);
    const released = perform(out, cmd.releaseHold('H1', 'investigation opened'), qa, at('09:50'));
    const back = perform(released, cmd.correct('compress', 'hardness', hardness(10), 'the first entry was right after all'), operator, at('09:55'));
    expect(back.events.at(-1)).toMatchObject({ type: 'ValueCorrected', data: { evaluation: 'in_spec' } });
    expect(back.state.deviations).toEqual(['B-1-D1']);
  });

  it('a correction of an out-of-spec value to another out-of-spec value raises no second deviation', () => {
    const out = perform(compressStarted, cmd.record('compress', 'hardness', hardness(12.5)), operator, at('09:30'));
    const released = perform(out, cmd.releaseHold('H1', 'investigation opened'), qa, at('09:50'));
    const then = given(released).when(cmd.correct('compress', 'hardness', hardness(12.6), 'sample 4 misread'), operator, at('09:55'));
    expect(then.decision.ok && then.decision.events.map((e) => e.type)).toEqual(['ValueCorrected']);
  });

  it('a computed yield out of spec raises its deviation (minor, no hold)', () => {
    const message = 'Yield in "Reconcile yield" is out of specification: 90 % (specification 95–101 %)';
    const then = given(reconcileStarted).when(cmd.record('reconcile', 'good_tablets', 90_000), supervisor, at('11:20'));
    then.thenEvents(
      [
        valueRecorded('reconcile', 'good_tablets', 90_000, { unit: 'tablets', evaluation: 'unchecked', by: supervisor.id }),
        valueRecorded('reconcile', 'yield', 90, {
          unit: '%',
          evaluation: 'out_of_spec',
          limits: { spec: { min: 95, max: 101 } },
          by: 'system',
          computed: { expression: 'good_tablets / batch_size * 100.0' },
        }),
        { type: 'ExceptionRaised', data: { deviationId: 'B-1-D1', stepId: 'reconcile', fieldId: 'yield', severity: 'minor', group: 'value', hold: 'none', message, value: 90, limits: { spec: { min: 95, max: 101 } } } },
      ],
      [
        {
          streamId: 'deviation-B-1-D1',
          expectedVersion: 'no_stream',
          events: [
            {
              type: 'DeviationRaised',
              data: {
                deviationId: 'B-1-D1',
                batchId: BATCH,
                site: 'S1',
                procedure: PROCEDURE,
                version: VERSION,
                stepId: 'reconcile',
                fieldId: 'yield',
                severity: 'minor',
                group: 'value',
                hold: 'none',
                message,
                value: 90,
                limits: { spec: { min: 95, max: 101 } },
                raisedAt: at('11:20'),
                detectedBy: supervisor.id,
              },
            },
          ],
        },
      ],
    );
  });

  it('correcting the input of an out-of-spec computed value to another out-of-spec result raises no second deviation', () => {
    const low = perform(reconcileStarted, cmd.record('reconcile', 'good_tablets', 90_000), supervisor, at('11:20'));
    const then = given(low).when(cmd.correct('reconcile', 'good_tablets', 91_000, 'recount of the last drum'), supervisor, at('11:22'));
    expect(then.decision.ok && then.decision.events.map((e) => e.type)).toEqual(['ValueCorrected', 'ValueRecorded']);
    expect(then.decision.ok && then.decision.also).toEqual([]);
  });

  it('an exception in a batch that already raised one gets the next deviation and hold numbers', () => {
    let s = perform(lcStarted, cmd.record('line-clearance', 'area_clear', false), operator, at('08:06'));
    s = perform(s, cmd.complete('line-clearance'), operator, at('08:10'));
    s = perform(s, cmd.verify('line-clearance'), supervisor, at('08:12'));
    s = perform(s, cmd.hold('shift change', 'charge'), supervisor, at('08:13'));
    s = perform(s, cmd.releaseHold('H1', 'shift handed over'), supervisor, at('08:14'));
    s = perform(s, cmd.start('charge'), operator, at('08:15'));
    s = perform(s, cmd.consume('L-REL', 25), operator, at('08:20'));
    s = perform(s, cmd.complete('charge'), operator, at('08:25'));
    s = perform(s, cmd.start('compress', { press: 'P-01' }), operator, at('09:00'));
    const then = given(s).when(cmd.record('compress', 'hardness', hardness(7)), operator, at('09:30'));
    expect(then.decision.ok && then.decision.events.slice(1).map((e) => [e.type, 'deviationId' in e.data ? e.data.deviationId : undefined, 'holdId' in e.data ? e.data.holdId : undefined])).toEqual([
      ['ExceptionRaised', 'B-1-D2', undefined],
      ['HoldPlaced', 'B-1-D2', 'H2'],
    ]);
    expect(then.decision.ok && then.decision.also.map((a) => a.streamId)).toEqual(['deviation-B-1-D2']);
  });
});

describe('conditional steps', () => {
  it('a value recorded in one branch that makes a waiting conditional step of another branch not apply skips it', () => {
    // Two parallel first steps: "dry" applies only when the moisture measured beside it is high.
    const parallel: ProcedureDefinition = {
      ...procedure,
      steps: [
        { ...STEP, id: 'moisture', title: 'Measure moisture', role: 'operator', fields: [{ id: 'lod', type: 'number', label: 'Loss on drying', required: true, unit: '%', samples: 1 }] },
        { ...STEP, id: 'dry', title: 'Dry granulate', role: 'operator', when: 'lod > 2.0' },
        { ...STEP, id: 'finish', title: 'Finish', role: 'operator', after: ['moisture', 'dry'] },
      ],
    };
    const version = { procedureVersion: { status: 'effective', definition: parallel } };
    let s = perform(emptyScenario, cmd.create(), supervisor, at('08:00'), version);
    expect(s.state.steps.dry?.status).toBe('pending'); // not known yet: the step stays
    s = perform(s, cmd.start('moisture'), operator, at('08:05'));
    given(s)
      .when(cmd.record('moisture', 'lod', 1.4), operator, at('08:10'))
      .thenEvents([
        valueRecorded('moisture', 'lod', 1.4, { unit: '%', evaluation: 'unchecked' }),
        { type: 'StepSkipped', data: { stepId: 'dry', condition: 'lod > 2.0', reason: 'its condition "lod > 2.0" is false' } },
      ]);
    const wet = perform(s, cmd.record('moisture', 'lod', 2.6), operator, at('08:10'));
    expect(wet.state.steps.dry?.status).toBe('pending');
    expect(given(wet).when(cmd.start('dry'), operator, at('08:11')).decision.ok).toBe(true);
  });

  it('a correction after compression that makes the waiting conditional step not apply skips it (the batch can still finish)', () => {
    const then = given(highDone).when(cmd.correct('compress', 'hardness', hardness(10.5), 'samples of the wrong press were entered'), supervisor, at('10:10'));
    expect(then.decision.ok && then.decision.events.map((e) => e.type)).toEqual(['ValueCorrected', 'StepSkipped']);
    const corrected = perform(highDone, cmd.correct('compress', 'hardness', hardness(10.5), 'samples of the wrong press were entered'), supervisor, at('10:10'));
    expect(given(corrected).when(cmd.start('visual-inspection'), operator, at('11:00')).decision.ok).toBe(true);
  });
});

// Refusals ---------------------------------------------------------------------------------------------

describe('refused: every code, with a sentence that names what is concerned', () => {
  describe('batch_exists, batch_not_found, batch_not_active', () => {
    it('batch_exists: creating a batch twice', () => {
      const r = given(created).when(cmd.create(), supervisor, at('08:01')).thenRefused('batch_exists');
      expect(r.message).toBe('Batch B-1 already exists.');
    });
    it('batch_not_found: starting a step of a batch that was never created', () => {
      // Commands on a batch do not carry its id (the engine routes them by stream), so the sentence cannot name it.
      const r = given([]).when(cmd.start('line-clearance'), operator, at('08:05')).thenRefused('batch_not_found');
      expect(r.message).toBe('There is no such batch.');
    });
    it('batch_not_found: every other command on a missing batch', () => {
      for (const c of [
        cmd.record('line-clearance', 'area_clear', true),
        cmd.correct('line-clearance', 'area_clear', true, 'typo'),
        cmd.consume('L-REL', 25),
        cmd.complete('line-clearance'),
        cmd.verify('line-clearance'),
        cmd.hold('check'),
        cmd.releaseHold('H1', 'check'),
        cmd.completeBatch(),
      ]) {
        given([]).when(c, supervisor, at('08:05')).thenRefused('batch_not_found');
      }
    });
    it('batch_not_active: anything on a completed batch', () => {
      const r = given(batchDone).when(cmd.hold('late review'), qa, at('12:00')).thenRefused('batch_not_active');
      expect(r.message).toContain('Batch B-1 is already complete');
      given(batchDone).when(cmd.correct('reconcile', 'good_tablets', 97_000, 'late recount'), qa, at('12:00')).thenRefused('batch_not_active');
      given(batchDone).when(cmd.completeBatch(), supervisor, at('12:00')).thenRefused('batch_not_active');
    });
  });

  describe('version_not_found, version_not_effective, invalid_value (batch size)', () => {
    it('version_not_found: the requested version does not exist', () => {
      const r = given([]).when(cmd.create(), supervisor, at('08:00'), { procedureVersion: null }).thenRefused('version_not_found');
      expect(r.message).toBe('PX10-COMPRESSION has no version 2.');
    });
    it('version_not_effective: a superseded version', () => {
      const r = given([]).when(cmd.create(), supervisor, at('08:00'), { procedureVersion: { status: 'superseded', definition: procedure } }).thenRefused('version_not_effective');
      expect(r.message).toContain('PX10-COMPRESSION version 2 is superseded');
    });
    it('version_not_effective: a version still in review', () => {
      const r = given([]).when(cmd.create(), supervisor, at('08:00'), { procedureVersion: { status: 'in_review', definition: procedure } }).thenRefused('version_not_effective');
      expect(r.message).toContain('is in review');
    });
    it('invalid_value: batch size below the range', () => {
      const r = given([]).when(cmd.create(49_999), supervisor, at('08:00')).thenRefused('invalid_value');
      expect(r.message).toBe('A batch of PX10-COMPRESSION must be between 50000 and 200000 tablets; 49999 was asked.');
    });
    it('invalid_value: batch size above the range', () => {
      const r = given([]).when(cmd.create(200_001), supervisor, at('08:00')).thenRefused('invalid_value');
      expect(r.message).toContain('200001 was asked');
    });
    it('invalid_value: batch size missing', () => {
      const r = given([]).when(cmd.create(null), supervisor, at('08:00')).thenRefused('invalid_value');
      expect(r.message).toContain('tablets');
    });
  });

  describe('role_not_permitted', () => {
    it('an operator cannot create a batch', () => {
      const r = given([]).when(cmd.create(), operator, at('08:00')).thenRefused('role_not_permitted');
      expect(r.message).toBe('Creating a batch needs the supervisor role; you hold operator');
    });
    it('a supervisor cannot create a batch for another site', () => {
      const r = given([]).when(cmd.create(100_000, BATCH, 'S2'), supervisor, at('08:00')).thenRefused('role_not_permitted');
      expect(r.message).toContain('site S2');
    });
    it('wrong role: qa cannot start an operator step', () => {
      const r = given(created).when(cmd.start('line-clearance'), qa, at('08:05')).thenRefused('role_not_permitted');
      expect(r.message).toBe('Start "Line clearance" needs the operator role; you hold qa');
    });
    it('wrong role: an operator cannot do the supervisor step', () => {
      const r = given(inspectionDone).when(cmd.start('reconcile'), operator, at('11:15')).thenRefused('role_not_permitted');
      expect(r.message).toContain('"Reconcile yield"');
    });
    it('wrong role: an operator cannot verify', () => {
      const r = given(lcCompleted).when(cmd.verify('line-clearance'), operator2, at('08:12')).thenRefused('role_not_permitted');
      expect(r.message).toContain('Verifying "Line clearance" needs the supervisor role');
    });
    it('wrong role: an engineer cannot record values', () => {
      const r = given(lcStarted).when(cmd.record('line-clearance', 'area_clear', true), engineer, at('08:06')).thenRefused('role_not_permitted');
      expect(r.message).toBe('Record values in "Line clearance" needs the operator role; you hold engineer');
    });
    it('wrong site: an operator signed in at S2 acts on a batch of S1', () => {
      const r = given(created).when(cmd.start('line-clearance'), otherSite, at('08:05'), { site: 'S2' }).thenRefused('role_not_permitted');
      expect(r.message).toBe('Batch B-1 runs at site S1; you are signed in at S2.');
    });
    it('an operator cannot place or release a hold', () => {
      expect(given(created).when(cmd.hold('looks odd'), operator, at('08:05')).thenRefused('role_not_permitted').message).toBe(
        'Placing a hold needs the supervisor or qa role; you hold operator',
      );
      const held = perform(created, cmd.hold('looks odd'), supervisor, at('08:05'));
      expect(given(held).when(cmd.releaseHold('H1', 'fine now'), operator, at('08:06')).thenRefused('role_not_permitted').message).toBe(
        'Releasing a hold needs the supervisor or qa role; you hold operator',
      );
    });
    it("a supervisor cannot release a deviation's hold: QA decides", () => {
      const held = perform(compressStarted, cmd.record('compress', 'hardness', hardness(12.5)), operator, at('09:30'));
      const r = given(held).when(cmd.releaseHold('H1', 'looks fine to me'), supervisor, at('09:40')).thenRefused('role_not_permitted');
      expect(r.message).toBe('Releasing the hold of deviation B-1-D1 needs the qa role; you hold supervisor');
    });
    it('an operator cannot complete the batch', () => {
      const r = given(reconcileDone).when(cmd.completeBatch(), operator, at('11:30')).thenRefused('role_not_permitted');
      expect(r.message).toBe('Completing a batch needs the supervisor or qa role; you hold operator');
    });
    it('after a step is done, only a supervisor or QA may correct its values', () => {
      const r = given(lcCompleted).when(cmd.correct('line-clearance', 'area_clear', true, 'typo'), operator, at('08:11')).thenRefused('role_not_permitted');
      expect(r.message).toContain('Correcting a value of the completed step "Line clearance"');
    });
  });

  describe('not_trained, person_inactive', () => {
    it('not_trained: an untrained operator starts a step', () => {
      const r = given(created).when(cmd.start('line-clearance'), untrained, at('08:05')).thenRefused('not_trained');
      expect(r.message).toBe('You are not trained on PX10-COMPRESSION version 2; ask your supervisor to record your training');
    });
    it('not_trained: an operator trained only on the older version', () => {
      const r = given(created).when(cmd.start('line-clearance'), oldTraining, at('08:05')).thenRefused('not_trained');
      expect(r.message).toContain('version 2 (your training is on version 1)');
    });
    it('not_trained: the person record cannot be found', () => {
      const r = given(created).when(cmd.start('line-clearance'), operator, at('08:05'), { person: null }).thenRefused('not_trained');
      expect(r.message).toBe('Your training record could not be found; ask your supervisor.');
      expect(r.details).toEqual({ personId: operator.id });
    });
    it('not_trained: an untrained operator records, charges or completes', () => {
      for (const r of [
        given(lcStarted).when(cmd.record('line-clearance', 'area_clear', true), untrained, at('08:06')).thenRefused('not_trained'),
        given(chargeStarted).when(cmd.consume('L-REL', 25), oldTraining, at('08:20')).thenRefused('not_trained'),
        given(lcRecorded).when(cmd.complete('line-clearance'), untrained, at('08:10')).thenRefused('not_trained'),
      ]) {
        expect(r.message).toContain('PX10-COMPRESSION version 2');
      }
    });
    it('person_inactive: a deactivated operator', () => {
      const r = given(created).when(cmd.start('line-clearance'), inactive, at('08:05')).thenRefused('person_inactive');
      expect(r.message).toContain('Ivan Inactive');
    });
  });

  describe('sequence_violation, step_not_found, step_not_active', () => {
    it('sequence_violation: charging before line clearance is done', () => {
      const r = given(created).when(cmd.start('charge'), operator, at('08:05')).thenRefused('sequence_violation');
      expect(r.message).toBe('"Charge granulate" cannot start yet: "Line clearance" must be done first.');
      expect(r.details).toMatchObject({ waitingFor: ['line-clearance'] });
    });
    it('sequence_violation: a step awaiting verification is not done', () => {
      const r = given(lcCompleted).when(cmd.start('charge'), operator, at('08:11')).thenRefused('sequence_violation');
      expect(r.message).toContain('"Line clearance" must be done first');
    });
    it('sequence_violation: completing a step whose predecessor is open', () => {
      const r = given(created).when(cmd.complete('reconcile'), supervisor, at('08:05')).thenRefused('sequence_violation');
      expect(r.message).toBe('"Reconcile yield" cannot start yet: "Visual inspection" must be done first.');
    });
    it('sequence_violation: completing the batch with steps open', () => {
      const r = given(inspectionDone).when(cmd.completeBatch(), supervisor, at('11:15')).thenRefused('sequence_violation');
      expect(r.message).toBe('Batch B-1 cannot be completed: "Reconcile yield" not done.');
    });
    it('step_not_found: a step the procedure does not have', () => {
      const r = given(created).when(cmd.start('granulate'), operator, at('08:05')).thenRefused('step_not_found');
      expect(r.message).toBe('Procedure PX10-COMPRESSION has no step "granulate".');
      given(created).when(cmd.hold('check', 'granulate'), supervisor, at('08:05')).thenRefused('step_not_found');
      given(created).when(cmd.verify('granulate'), supervisor, at('08:05')).thenRefused('step_not_found');
    });
    it('step_not_active: recording in a step that has not started', () => {
      const r = given(lcVerified).when(cmd.record('charge', 'container_lot', 'L-REL'), operator, at('08:13')).thenRefused('step_not_active');
      expect(r.message).toBe('You cannot record values in "Charge granulate": the step has not started.');
    });
    it('step_not_active: starting a step twice', () => {
      const r = given(lcStarted).when(cmd.start('line-clearance'), operator, at('08:06')).thenRefused('step_not_active');
      expect(r.message).toContain('is in progress');
    });
    it('step_not_active: completing a step already done', () => {
      const r = given(chargeDone).when(cmd.complete('charge'), operator, at('08:26')).thenRefused('step_not_active');
      expect(r.message).toBe('You cannot complete "Charge granulate": the step is already done.');
    });
    it('step_not_active: verifying a step that needs no verification', () => {
      const r = given(chargeDone).when(cmd.verify('charge'), supervisor, at('08:26')).thenRefused('step_not_active');
      expect(r.message).toBe('"Charge granulate" cannot be verified now: it needs no verification.');
    });
    it('step_not_active: verifying a step still in progress', () => {
      const r = given(lcRecorded).when(cmd.verify('line-clearance'), supervisor, at('08:07')).thenRefused('step_not_active');
      expect(r.message).toContain('it is in progress');
    });
    it('step_not_active: starting a skipped step', () => {
      const r = given(compressDone).when(cmd.start('extra-test'), operator, at('10:05')).thenRefused('step_not_active');
      expect(r.message).toContain('was skipped');
    });
    it('step_not_active: correcting a value of a step that never started', () => {
      const r = given(created).when(cmd.correct('charge', 'container_lot', 'L-REL', 'typo'), supervisor, at('08:05')).thenRefused('step_not_active');
      expect(r.message).toBe('"Charge granulate" has no recorded values to correct.');
    });
  });

  describe('condition_not_met', () => {
    it('condition_not_met: a conditional step whose condition became false while it waited (record from before skipping)', () => {
      // A record written before corrections skipped such steps: the step waits, its condition is now false.
      const events: BatchEvent[] = [
        ...highDone.events,
        {
          type: 'ValueCorrected',
          data: { stepId: 'compress', fieldId: 'hardness', previous: samplesOf(hardness(11.5)), value: samplesOf(hardness(10.5)), evaluation: 'in_spec', reason: 'wrong press', by: supervisor.id },
        },
      ];
      const r = given(events).when(cmd.start('extra-test'), operator, at('10:15')).thenRefused('condition_not_met');
      expect(r.message).toBe('"Extra friability test" does not apply to this batch: its condition "hardness.mean > 11.0" is false.');
    });
  });

  describe('equipment_not_ready', () => {
    const refusalFor = (pressId: string) => given(chargeDone).when(cmd.start('compress', { press: pressId }), operator, at('09:00')).thenRefused('equipment_not_ready');

    it('a dirty press', () => {
      const r = refusalFor('P-02');
      expect(r.message).toBe('Press P-02 is dirty (powder spill); clean it before use');
      expect(r.details).toMatchObject({ equipmentId: 'P-02', reason: 'dirty' });
    });
    it('a press whose clean hold time expired', () => {
      const r = refusalFor('P-04');
      expect(r.message).toBe('Press P-04 was cleaned until 2026-11-21 08:00; clean it again');
      expect(r.details).toMatchObject({ reason: 'clean_expired' });
    });
    it('a press whose calibration is due', () => {
      const r = refusalFor('P-03');
      expect(r.message).toBe('Press P-03 calibration expired on 2026-11-01');
      expect(r.details).toMatchObject({ reason: 'calibration_due' });
    });
    it('a press in use by another batch', () => {
      const r = refusalFor('P-06');
      expect(r.message).toBe('Press P-06 is in use by batch B-OTHER (step compress)');
      expect(r.details).toMatchObject({ reason: 'in_use' });
    });
    it('a press out of service', () => {
      const r = refusalFor('P-05');
      expect(r.message).toBe('Press P-05 is out of service (cracked die); it must not be used');
    });
    it('a press under maintenance', () => {
      const r = refusalFor('P-07');
      expect(r.message).toContain('Press P-07 is under maintenance (bearing noise)');
    });
    it('equipment of the wrong class', () => {
      const r = refusalFor('MIX-01');
      expect(r.message).toBe('Mixer MIX-01 is a mixer; "Compress tablets" needs a tablet-press.');
      expect(r.details).toMatchObject({ reason: 'wrong_class', expected: 'tablet-press' });
    });
    it('equipment that is not registered', () => {
      const r = refusalFor('P-99');
      expect(r.message).toBe('There is no equipment P-99.');
      expect(r.details).toMatchObject({ reason: 'not_registered' });
    });
    it('a press of another site', () => {
      const r = refusalFor('P-S2');
      expect(r.message).toBe('Press P-S2 is at site S2; batch B-1 runs at site S1.');
      expect(r.details).toMatchObject({ reason: 'other_site' });
    });
    it('a press whose clean hold time runs out before the step starts (time is an input)', () => {
      // P-01 is clean until 26 Nov 06:00: a batch charged at 05:25 that day finds it no longer clean at 06:30.
      const day = (hm: string) => `2026-11-26T${hm}:00.000Z`;
      let s = emptyScenario;
      for (const [command, who] of [
        [cmd.create(), supervisor],
        [cmd.start('line-clearance'), operator],
        [cmd.record('line-clearance', 'area_clear', true), operator],
        [cmd.complete('line-clearance'), operator],
        [cmd.verify('line-clearance'), supervisor],
        [cmd.start('charge'), operator],
        [cmd.consume('L-REL', 25), operator],
        [cmd.complete('charge'), operator],
      ] as [BatchCommand, PersonState][]) {
        s = perform(s, command, who, day('05:25'));
      }
      expect(given(s).when(cmd.start('compress', { press: 'P-01' }), operator, day('05:59')).decision.ok).toBe(true);
      const r = given(s).when(cmd.start('compress', { press: 'P-01' }), operator, day('06:30')).thenRefused('equipment_not_ready');
      expect(r.message).toBe('Press P-01 was cleaned until 2026-11-26 06:00; clean it again');
    });
    it('a balance whose calibration is due', () => {
      const r = given(chargeStarted).when(cmd.consume('L-REL', 25, { balanceId: 'BAL-02' }), operator, at('08:20')).thenRefused('equipment_not_ready');
      expect(r.message).toBe('Balance BAL-02 calibration expired on 2026-10-31');
    });
    it('weighing on something that is not a balance', () => {
      const r = given(chargeStarted).when(cmd.consume('L-REL', 25, { balanceId: 'P-01' }), operator, at('08:20')).thenRefused('equipment_not_ready');
      expect(r.message).toBe('Press P-01 is a tablet-press; PX10-GRAN must be weighed on a balance.');
    });
    it('weighing on a balance that is not registered', () => {
      const r = given(chargeStarted).when(cmd.consume('L-REL', 25, { balanceId: 'BAL-99' }), operator, at('08:20')).thenRefused('equipment_not_ready');
      expect(r.message).toContain('BAL-99');
    });
    it('a scanned equipment id of the wrong class', () => {
      const r = given(compressStarted).when(cmd.record('compress', 'press_id', 'BAL-01'), operator, at('09:05')).thenRefused('equipment_not_ready');
      expect(r.message).toBe('Balance BAL-01 is a balance; "Press used" needs a tablet-press.');
    });
    it('a scanned equipment id that is not registered', () => {
      const r = given(compressStarted).when(cmd.record('compress', 'press_id', 'P-99'), operator, at('09:05')).thenRefused('equipment_not_ready');
      expect(r.message).toBe('There is no equipment P-99.');
    });
  });

  describe('material_not_usable', () => {
    const refusalFor = (lotId: string, quantity = 25) => given(chargeStarted).when(cmd.consume(lotId, quantity), operator, at('08:20')).thenRefused('material_not_usable');

    it('a quarantined lot', () => {
      const r = refusalFor('L-QUA');
      expect(r.message).toBe('Lot L-QUA is in quarantine; QA has not released it');
      expect(r.details).toMatchObject({ lotId: 'L-QUA', reason: 'quarantined' });
    });
    it('a rejected lot', () => {
      const r = refusalFor('L-REJ');
      expect(r.message).toBe('Lot L-REJ was rejected by QA (assay out of spec); it must not be used');
    });
    it('an expired lot', () => {
      const r = refusalFor('L-EXP');
      expect(r.message).toBe('Lot L-EXP expired on 2026-11-01');
    });
    it('a lot with too little left', () => {
      const r = refusalFor('L-LOW');
      expect(r.message).toBe('Only 5 kg of lot L-LOW is left; 25 kg are needed');
      expect(r.details).toMatchObject({ reason: 'insufficient', onHand: 5 });
    });
    it('a lot of the wrong material', () => {
      const r = refusalFor('L-WRONG');
      expect(r.message).toBe('Lot L-WRONG is PX20-GRAN; "Charge granulate" needs PX10-GRAN.');
    });
    it('a lot of another site', () => {
      const r = refusalFor('L-S2');
      expect(r.message).toBe('Lot L-S2 is at site S2; batch B-1 runs at site S1.');
      expect(r.details).toMatchObject({ reason: 'other_site' });
    });
    it('a lot that is not registered', () => {
      const r = refusalFor('L-99');
      expect(r.message).toBe('There is no lot L-99.');
    });
    it('a scanned lot of the wrong material', () => {
      const r = given(chargeStarted).when(cmd.record('charge', 'container_lot', 'L-WRONG'), operator, at('08:16')).thenRefused('material_not_usable');
      expect(r.message).toBe('Lot L-WRONG is PX20-GRAN; "Granulate container lot" needs PX10-GRAN.');
    });
    it('a scanned lot in quarantine', () => {
      const r = given(chargeStarted).when(cmd.record('charge', 'container_lot', 'L-QUA'), operator, at('08:16')).thenRefused('material_not_usable');
      expect(r.message).toContain('L-QUA is in quarantine');
    });
    it('a lot that expires before the charge: usable on its expiry day, not after', () => {
      const r = given(chargeStarted).when(cmd.consume('L-EXP', 25), operator, at('08:20')).thenRefused('material_not_usable');
      expect(r.details).toMatchObject({ reason: 'expired', expiry: '2026-11-01' });
    });
  });

  describe('quantity_out_of_tolerance', () => {
    it('over-charge in one weighing', () => {
      const r = given(chargeStarted).when(cmd.consume('L-REL', 25.2), operator, at('08:20')).thenRefused('quantity_out_of_tolerance');
      expect(r.message).toBe('25.2 kg is too much: the target is 25 kg ± 0.125 kg and 0 kg is already charged.');
    });
    it('over-charge across two weighings', () => {
      const part = perform(chargeStarted, cmd.consume('L-REL', 20), operator, at('08:20'));
      const r = given(part).when(cmd.consume('L-REL2', 5.2), operator, at('08:21')).thenRefused('quantity_out_of_tolerance');
      expect(r.message).toBe('5.2 kg is too much: the target is 25 kg ± 0.125 kg and 20 kg is already charged.');
    });
    it('under-charge at completion', () => {
      const part = perform(chargeStarted, cmd.consume('L-REL', 24.8), operator, at('08:20'));
      const r = given(part).when(cmd.complete('charge'), operator, at('08:25')).thenRefused('quantity_out_of_tolerance');
      expect(r.message).toBe('Only 24.8 kg of PX10-GRAN is charged; 25 kg ± 0.125 kg is needed.');
    });
    it('nothing charged at completion', () => {
      const r = given(chargeStarted).when(cmd.complete('charge'), operator, at('08:25')).thenRefused('quantity_out_of_tolerance');
      expect(r.message).toContain('Only 0 kg of PX10-GRAN is charged');
    });
  });

  describe('hold_time_exceeded, wait_not_elapsed', () => {
    it('hold_time_exceeded: compression starts more than 4 h after charging', () => {
      const r = given(chargeDone).when(cmd.start('compress', { press: 'P-01' }), operator, '2026-11-24T12:25:00.001Z').thenRefused('hold_time_exceeded');
      expect(r.message).toBe(
        '"Compress tablets" had to start within 4 h of "Charge granulate" (done 2026-11-24 08:25); that time has passed. A decision is needed before the batch goes on.',
      );
      expect(r.details).toMatchObject({ since: at('08:25'), maxMs: 4 * 3_600_000, ref: { document: 'SOP-PRD-014', clause: '5.2' } });
    });
    it('wait_not_elapsed: inspection before 1 h after compression', () => {
      const r = given(compressDone).when(cmd.start('visual-inspection'), operator, '2026-11-24T10:59:59.999Z').thenRefused('wait_not_elapsed');
      expect(r.message).toBe('"Visual inspection" may start only 1 h after "Compress tablets": wait until 2026-11-24 11:00 UTC.');
      expect(r.details).toMatchObject({ until: at('11:00') });
    });
  });

  describe('self_verification', () => {
    it('the lead operator who did the step cannot verify it', () => {
      let s = perform(created, cmd.start('line-clearance'), lead, at('08:05'));
      s = perform(s, cmd.record('line-clearance', 'area_clear', true), operator, at('08:06'));
      s = perform(s, cmd.complete('line-clearance'), operator, at('08:10'));
      const r = given(s).when(cmd.verify('line-clearance'), lead, at('08:12')).thenRefused('self_verification');
      expect(r.message).toBe('You did part of "Line clearance"; a second person must verify it.');
      expect(r.details).toMatchObject({ performers: [lead.id, operator.id] });
    });
    it('a lead who only recorded a value cannot verify either', () => {
      let s = perform(created, cmd.start('line-clearance'), operator, at('08:05'));
      s = perform(s, cmd.record('line-clearance', 'area_clear', true), lead, at('08:06'));
      s = perform(s, cmd.complete('line-clearance'), operator, at('08:10'));
      const r = given(s).when(cmd.verify('line-clearance'), lead, at('08:12')).thenRefused('self_verification');
      expect(r.message).toContain('"Line clearance"');
    });
    it('a lead who only completed the step cannot verify it', () => {
      const s = perform(lcRecorded, cmd.complete('line-clearance'), lead, at('08:10'));
      const r = given(s).when(cmd.verify('line-clearance'), lead, at('08:12')).thenRefused('self_verification');
      expect(r.message).toContain('"Line clearance"');
    });
  });

  describe('batch_on_hold', () => {
    it('a batch hold stops every step', () => {
      const held = perform(chargeDone, cmd.hold('granulate moisture to be checked'), supervisor, at('08:30'));
      const r = given(held).when(cmd.start('compress', { press: 'P-01' }), operator, at('09:00')).thenRefused('batch_on_hold');
      expect(r.message).toBe('Batch B-1 is on hold: granulate moisture to be checked. Nothing can be done until the hold is released.');
    });
    it('a step hold stops that step', () => {
      const held = perform(compressStarted, cmd.hold('press vibration', 'compress'), supervisor, at('09:10'));
      const r = given(held).when(cmd.record('compress', 'hardness', hardness(10)), operator, at('09:30')).thenRefused('batch_on_hold');
      expect(r.message).toBe('Step "compress" is on hold: press vibration. Nothing can be done until the hold is released.');
    });
    it('a batch on hold cannot be completed', () => {
      const held = perform(reconcileDone, cmd.hold('record review pending'), qa, at('11:26'));
      const r = given(held).when(cmd.completeBatch(), supervisor, at('11:30')).thenRefused('batch_on_hold');
      expect(r.message).toContain('Batch B-1 is on hold: record review pending');
    });
    it('a step on hold cannot be verified', () => {
      const held = perform(lcCompleted, cmd.hold('area photo missing', 'line-clearance'), qa, at('08:11'));
      const r = given(held).when(cmd.verify('line-clearance'), supervisor, at('08:12')).thenRefused('batch_on_hold');
      expect(r.message).toContain('Step "line-clearance" is on hold: area photo missing');
    });
  });

  describe('invalid_value', () => {
    it('wrong type: a number for a check', () => {
      const r = given(lcStarted).when(cmd.record('line-clearance', 'area_clear', 1), operator, at('08:06')).thenRefused('invalid_value');
      expect(r.message).toBe('"Area free of previous product" is answered yes or no');
    });
    it('wrong type: text for a number', () => {
      const r = given(reconcileStarted).when(cmd.record('reconcile', 'good_tablets', '98000'), supervisor, at('11:20')).thenRefused('invalid_value');
      expect(r.message).toBe('"Good tablets" must be a number in tablets');
    });
    it('not a finite number', () => {
      const r = given(reconcileStarted).when(cmd.record('reconcile', 'good_tablets', Number.NaN), supervisor, at('11:20')).thenRefused('invalid_value');
      expect(r.message).toContain('"Good tablets"');
    });
    it('samples count: 9 hardness values where 10 are needed', () => {
      const r = given(compressStarted).when(cmd.record('compress', 'hardness', hardness(10).slice(1)), operator, at('09:30')).thenRefused('invalid_value');
      expect(r.message).toBe('"Hardness" needs 10 sample values');
    });
    it('samples: one value where 10 samples are needed', () => {
      const r = given(compressStarted).when(cmd.record('compress', 'hardness', 10), operator, at('09:30')).thenRefused('invalid_value');
      expect(r.message).toBe('"Hardness" needs 10 sample values');
    });
    it('text pattern: a container label in the wrong format', () => {
      const r = given(inspectionStarted).when(cmd.record('visual-inspection', 'container_label', 'C-12A4'), operator, at('11:02')).thenRefused('invalid_value');
      expect(r.message).toBe('"C-12A4" does not have the format "Container label" needs');
    });
    it('text too long', () => {
      const r = given(inspectionStarted).when(cmd.record('visual-inspection', 'remark', 'much too long a remark'), operator, at('11:02')).thenRefused('invalid_value');
      expect(r.message).toContain('at most 10 characters');
    });
    it('choice option: an option the field does not offer', () => {
      const r = given(inspectionStarted).when(cmd.record('visual-inspection', 'appearance', 'shiny'), operator, at('11:01')).thenRefused('invalid_value');
      expect(r.message).toBe('"Tablet appearance" must be one of: conforming, chipped, capped');
    });
    it('computed field typed by hand', () => {
      const r = given(reconcileStarted).when(cmd.record('reconcile', 'yield', 98), supervisor, at('11:20')).thenRefused('invalid_value');
      expect(r.message).toBe('"Yield" is calculated by the system from the recorded values.');
    });
    it('computed field corrected by hand', () => {
      const r = given(reconciled).when(cmd.correct('reconcile', 'yield', 99, 'rounding'), supervisor, at('11:21')).thenRefused('invalid_value');
      expect(r.message).toBe('"Yield" is calculated by the system; correct the values it is calculated from.');
    });
    it('correction without a reason', () => {
      const r = given(hardnessRecorded).when(cmd.correct('compress', 'hardness', hardness(10.1), '  '), operator, at('09:35')).thenRefused('invalid_value');
      expect(r.message).toContain('A correction needs a reason');
    });
    it('correcting a value that was never recorded', () => {
      const r = given(compressStarted).when(cmd.correct('compress', 'hardness', hardness(10.1), 'typo'), operator, at('09:35')).thenRefused('invalid_value');
      expect(r.message).toContain('"Hardness" has not been recorded yet');
    });
    it('a field the step does not have', () => {
      const r = given(compressStarted).when(cmd.record('compress', 'weight', 250), operator, at('09:35')).thenRefused('invalid_value');
      expect(r.message).toBe('"Compress tablets" has no field "weight".');
    });
    it('starting a step without scanning its equipment', () => {
      const r = given(chargeDone).when(cmd.start('compress'), operator, at('09:00')).thenRefused('invalid_value');
      expect(r.message).toBe('Scan the tablet-press to use for "Compress tablets" (press).');
    });
    it('one press scanned for two places of the step', () => {
      const twoPresses: ProcedureDefinition = {
        ...procedure,
        equipment: { ...procedure.equipment, press2: { class: 'tablet-press', require: ['clean', 'calibrated'] } },
        steps: procedure.steps.map((step) => (step.id === 'compress' ? { ...step, uses: ['press', 'press2'] } : step)),
      };
      let s = perform(emptyScenario, cmd.create(), supervisor, at('08:00'), { procedureVersion: { status: 'effective', definition: twoPresses } });
      for (const e of chargeDone.events.slice(1)) s = { ...s, state: evolveBatch(s.state, e), events: [...s.events, e] };
      const r = given({ ...s, world: chargeDone.world }).when(cmd.start('compress', { press: 'P-01', press2: 'P-01' }), operator, at('09:00')).thenRefused('invalid_value');
      expect(r.message).toBe('Press P-01 is scanned twice for "Compress tablets"; each place needs its own tablet-press.');
      const both = given({ ...s, world: chargeDone.world }).when(cmd.start('compress', { press: 'P-01', press2: 'P-08' }), operator, at('09:00'));
      expect(both.decision.ok && both.decision.also.map((a) => [a.streamId, a.expectedVersion])).toEqual([
        ['equipment-P-01', 2],
        ['equipment-P-08', 2],
      ]);
    });
    it('charging without scanning the balance', () => {
      const r = given(chargeStarted).when(cmd.consume('L-REL', 25, { balanceId: null }), operator, at('08:20')).thenRefused('invalid_value');
      expect(r.message).toBe('Weigh PX10-GRAN on a balance and scan it.');
    });
    it('a material the step does not use', () => {
      const r = given(chargeStarted).when(cmd.consume('L-REL', 25, { material: 'binder' }), operator, at('08:20')).thenRefused('invalid_value');
      expect(r.message).toContain('"Charge granulate" does not use material "binder"');
    });
    it('a quantity of zero', () => {
      const r = given(chargeStarted).when(cmd.consume('L-REL', 0), operator, at('08:20')).thenRefused('invalid_value');
      expect(r.message).toBe('The quantity must be a positive number.');
    });
    it('a unit that cannot be converted to the target unit', () => {
      const r = given(chargeStarted).when(cmd.consume('L-REL', 25, { unit: 'L' }), operator, at('08:20')).thenRefused('invalid_value');
      expect(r.message).toBe('L cannot be converted to kg.');
    });
    it('a hold without a reason', () => {
      const r = given(created).when(cmd.hold(' '), supervisor, at('08:05')).thenRefused('invalid_value');
      expect(r.message).toBe('A hold needs a reason.');
    });
    it('releasing a hold without a reason', () => {
      const held = perform(created, cmd.hold('looks odd'), supervisor, at('08:05'));
      const r = given(held).when(cmd.releaseHold('H1', ''), supervisor, at('08:06')).thenRefused('invalid_value');
      expect(r.message).toBe('Releasing a hold needs a reason.');
    });
    it('completing the producing step without the lot it made', () => {
      const r = given(reconciled).when(cmd.complete('reconcile', { meaning: 'reviewed' }), supervisor, at('11:25')).thenRefused('invalid_value');
      expect(r.message).toContain('PX10-TAB');
    });
    it('completing a step that makes nothing, with a produced lot', () => {
      const r = given(inspected).when(cmd.complete('visual-inspection', undefined, producedLot), operator, at('11:10')).thenRefused('invalid_value');
      expect(r.message).toContain('makes no lot');
    });
    it('completing the producing step with a lot number already in use', () => {
      const r = given(reconciled).when(cmd.complete('reconcile', { meaning: 'reviewed' }, { ...producedLot, lotId: 'L-REL' }), supervisor, at('11:25')).thenRefused('invalid_value');
      expect(r.message).toBe('Lot L-REL already exists; give a new lot number.');
    });
    it('completing the producing step with a produced quantity that is not a number above zero', () => {
      const r = given(reconciled).when(cmd.complete('reconcile', { meaning: 'reviewed' }, { ...producedLot, quantity: 0 }), supervisor, at('11:25')).thenRefused('invalid_value');
      expect(r.message).toContain('quantity');
    });
  });

  describe('already_recorded, required_value_missing, signature_required, hold_not_found', () => {
    it('already_recorded: a value recorded twice (not a repeated check)', () => {
      const r = given(lcRecorded).when(cmd.record('line-clearance', 'area_clear', true), operator, at('08:07')).thenRefused('already_recorded');
      expect(r.message).toBe('"Area free of previous product" is already recorded; correct it with a reason if it is wrong.');
    });
    it('required_value_missing: completing without the required values', () => {
      const r = given(inspectionStarted).when(cmd.complete('visual-inspection'), operator, at('11:05')).thenRefused('required_value_missing');
      expect(r.message).toBe('Record "Tablet appearance", "Container label" before completing "Visual inspection".');
      expect(r.details).toMatchObject({ missing: ['appearance', 'container_label'] });
    });
    it('required_value_missing: hardness not recorded', () => {
      const r = given(compressStarted).when(cmd.complete('compress'), operator, at('09:30')).thenRefused('required_value_missing');
      expect(r.message).toContain('"Hardness"');
    });
    it('signature_required: completing a signed step without a signature', () => {
      const r = given(reconciled).when(cmd.complete('reconcile'), supervisor, at('11:25')).thenRefused('signature_required');
      expect(r.message).toBe('Completing "Reconcile yield" needs your electronic signature with the meaning "reviewed".');
    });
    it('signature_required: a signature with another meaning', () => {
      const r = given(reconciled).when(cmd.complete('reconcile', { meaning: 'approved' }), supervisor, at('11:25')).thenRefused('signature_required');
      expect(r.message).toContain('"reviewed"');
    });
    it('signature_required: verifying without a signature', () => {
      const r = given(lcCompleted).when(cmd.verify('line-clearance', null), supervisor, at('08:12')).thenRefused('signature_required');
      expect(r.message).toContain('"verified"');
    });
    it('hold_not_found: releasing a hold that is not active', () => {
      const r = given(created).when(cmd.releaseHold('H7', 'done'), supervisor, at('08:05')).thenRefused('hold_not_found');
      expect(r.message).toBe('Batch B-1 has no active hold H7.');
      const held = perform(created, cmd.hold('looks odd'), supervisor, at('08:05'));
      const released = perform(held, cmd.releaseHold('H1', 'fine now'), supervisor, at('08:06'));
      given(released).when(cmd.releaseHold('H1', 'fine now'), supervisor, at('08:07')).thenRefused('hold_not_found');
    });
  });
});

describe('the fixture world', () => {
  it('the fixture procedure passes the static checker without errors', () => {
    expect(checkProcedure(procedure).filter((d) => d.severity === 'error')).toEqual([]);
  });
  it('the initial world is untouched by the scenarios', () => {
    expect(initialWorld.equipment['P-01']?.state.status).toBe('clean');
    expect(initialWorld.lots['L-REL']?.state.onHand).toBe(100);
  });
});

describe('in-process checks repeated while a step runs', () => {
  it.each([
    [0, 1],
    [34, 1],
    [35, 2],
    [64, 2],
    [65, 3],
    [240, 8],
  ])('a run of %i min at every 30 min calls for %i rounds (5 min grace per round)', (minutes, due) => {
    expect(roundsDue(minutes * 60_000, 30 * 60_000)).toBe(due);
  });

  it('completing after a missed round is accepted and raises a minor deviation naming the rounds, holding nothing', () => {
    const started = perform(chargeDone, cmd.start('compress', { press: 'P-01' }), operator, at('09:00'));
    const recorded = perform(started, cmd.record('compress', 'hardness', hardness(10)), operator, at('09:05'));
    const then = given(recorded).when(cmd.complete('compress'), operator, at('10:00'));
    const decision = then.decision;
    if (!decision.ok) throw new Error(decision.refusal.message);
    const [exception, completed] = decision.events;
    expect(exception).toMatchObject({ type: 'ExceptionRaised', data: { deviationId: 'B-1-D1', stepId: 'compress', severity: 'minor', group: 'process', hold: 'none' } });
    expect((exception!.data as { message: string }).message).toBe('In-process checks in "Compress tablets" were missed (every 30 min): Hardness 1 of 2 rounds');
    expect(completed).toMatchObject({ type: 'StepCompleted' });
    expect(decision.also.map((a) => a.streamId)).toContain('deviation-B-1-D1');
    expect(decision.events.some((e) => e.type === 'HoldPlaced')).toBe(false);
  });

  it('completing with every round recorded raises nothing', () => {
    const started = perform(chargeDone, cmd.start('compress', { press: 'P-01' }), operator, at('09:00'));
    const first = perform(started, cmd.record('compress', 'hardness', hardness(10)), operator, at('09:05'));
    const second = perform(first, cmd.record('compress', 'hardness', hardness(10.1)), operator, at('09:33'));
    const decision = given(second).when(cmd.complete('compress'), operator, at('10:00')).decision;
    expect(decision.ok && decision.events.map((e) => e.type)).toEqual(['StepCompleted', 'StepSkipped']);
  });
});

describe('process data: excursions of a watched tag while its step runs', () => {
  const system = { ...operator, id: PROCESS_DATA_ACTOR, name: 'Process data interface' };
  const TAG = 'press/compression-force';
  const report = (value: number, tag = TAG, stepId = 'compress'): BatchCommand => ({ type: 'ReportProcessExcursion', data: { stepId, tag, value } });
  const end = (value: number): BatchCommand => ({ type: 'EndProcessExcursion', data: { stepId: 'compress', tag: TAG, value } });

  it('a value out of spec starts an excursion, read from the press the step uses, with the deviation its path asks for', () => {
    const decision = given(compressStarted).when(report(23.5), system, at('09:40')).decision;
    if (!decision.ok) throw new Error(decision.refusal.message);
    expect(decision.events[0]).toEqual({
      type: 'ProcessExcursionStarted',
      data: { stepId: 'compress', tag: TAG, source: 'P-01/compression-force', value: 23.5, unit: 'kN', limits: { spec: { min: 10, max: 20 } }, at: at('09:40') },
    });
    expect(decision.events[1]).toMatchObject({ type: 'ExceptionRaised', data: { deviationId: 'B-1-D1', severity: 'minor', group: 'process', hold: 'none', value: 23.5 } });
    expect(decision.also.map((a) => a.streamId)).toEqual(['deviation-B-1-D1']);
  });

  it('the tag back within spec ends it; a second excursion can start after', () => {
    const started = perform(compressStarted, report(23.5), system, at('09:40'));
    expect(started.state.excursions).toEqual(['compress|press/compression-force']);
    given(started).when(end(15), system, at('09:45')).thenEvents([{ type: 'ProcessExcursionEnded', data: { stepId: 'compress', tag: TAG, value: 15, at: at('09:45') } }]);
    const ended = perform(started, end(15), system, at('09:45'));
    expect(ended.state.excursions).toEqual([]);
    expect(given(ended).when(report(8), system, at('09:50')).decision.ok).toBe(true);
  });

  it.each([
    ['excursion_open', 'a second report while one is open', () => perform(compressStarted, report(23.5), system, at('09:40')), report(25), system],
    ['not_an_excursion', 'a value within spec', () => compressStarted, report(15), system],
    ['tag_not_watched', 'a tag the step does not watch', () => compressStarted, report(99, 'press/punch-temperature'), system],
    ['step_not_active', 'a step that is not running', () => chargeDone, report(25), system],
    ['role_not_permitted', 'a person reporting an excursion', () => compressStarted, report(25), operator],
    ['excursion_not_open', 'ending an excursion that is not open', () => compressStarted, end(15), system],
  ] as const)('refused %s: %s', (code, _what, scenario, command, who) => {
    given(scenario()).when(command, who, at('09:41')).thenRefused(code);
  });

  it.each([
    [23.5, [], 'ReportProcessExcursion'],
    [15, [], undefined],
    [15, ['compress|press/compression-force'], 'EndProcessExcursion'],
    [25, ['compress|press/compression-force'], undefined],
  ] as const)('a sample of %s with open %j calls for %s', (value, open, expected) => {
    const state = { ...compressStarted.state, excursions: open };
    const tag = procedure.steps.find((s) => s.id === 'compress')!.process[0]!;
    expect(excursionCommandFor(state, 'compress', tag, value)?.type).toBe(expected);
  });

  it('a literal tag (no equipment alias) is read as written', () => {
    const step = procedure.steps.find((s) => s.id === 'compress')!;
    expect(tagSource(step, compressStarted.state.steps.compress, 'utility/room-humidity')).toBe('utility/room-humidity');
    expect(tagSource(step, compressStarted.state.steps.compress, 'press/compression-force')).toBe('P-01/compression-force');
  });
});
