/**
 * Model-based properties of the batch decider over random command sequences on PX10-COMPRESSION v2:
 * random steps, random actors from the fixture people, values in and out of spec (and of the wrong shape),
 * random lots, equipment and balances, a clock that moves forward by random amounts. Each move is an intent
 * ("start a step", "record a field") resolved against the current state — mostly to something that fits
 * (a ready step, a person with the right role), sometimes to anything at all — so runs get deep into the
 * batch and still try everything out of turn. Accepted events are folded, and other streams' events are
 * applied to the world (equipment, lots) the next context is read from.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FieldDefinition, StepDefinition } from '../procedure/definition.ts';
import { stillValid } from '../resources/dates.ts';
import type { PersonState } from '../resources/person-state.ts';
import { convertQuantity } from '../resources/units.ts';
import type { BatchContext, BatchDecision } from './batch-context.ts';
import type { BatchCommand, EnteredValue } from './batch-commands.ts';
import { decideBatch } from './batch-decider.ts';
import type { BatchEvent } from './batch-events.ts';
import { evolveBatch, initialBatchState, type BatchState } from './batch-state.ts';
import { procedure, STEP_IDS } from './test-procedure.ts';
import { NOW, people } from './test-resources.ts';
import { applyAlso, cmd, contextFor, hardness, initialWorld, type World } from './test-world.ts';

const RUNS = 200;
const MAX_MOVES = 40;

// Moves ------------------------------------------------------------------------------------------------

type Kind = 'progress' | 'create' | 'start' | 'record' | 'correct' | 'consume' | 'complete' | 'verify' | 'hold' | 'release' | 'completeBatch';
type ValueKind = 'in' | 'alert' | 'out' | 'bad';

interface Move {
  readonly kind: Kind;
  /** Mostly true: resolve to something that fits the state; false: anything at all. */
  readonly fitting: boolean;
  /** Lots, equipment, balances and quantities from anything in the world (else ones that should do). */
  readonly anyResource: boolean;
  readonly who: number;
  readonly pick: number;
  readonly option: number;
  readonly value: ValueKind;
  readonly signed: boolean;
  readonly advanceMinutes: number;
}

/** `progress`: whatever moves the batch on from where it is (the next thing an operator would do). */
const kinds: fc.Arbitrary<Kind> = fc.oneof(
  { arbitrary: fc.constant<Kind>('progress'), weight: 24 },
  { arbitrary: fc.constant<Kind>('start'), weight: 4 },
  { arbitrary: fc.constant<Kind>('record'), weight: 5 },
  { arbitrary: fc.constant<Kind>('correct'), weight: 2 },
  { arbitrary: fc.constant<Kind>('consume'), weight: 3 },
  { arbitrary: fc.constant<Kind>('complete'), weight: 3 },
  { arbitrary: fc.constant<Kind>('verify'), weight: 2 },
  { arbitrary: fc.constant<Kind>('hold'), weight: 1 },
  { arbitrary: fc.constant<Kind>('release'), weight: 2 },
  { arbitrary: fc.constant<Kind>('completeBatch'), weight: 1 },
  { arbitrary: fc.constant<Kind>('create'), weight: 1 },
);

const moves: fc.Arbitrary<Move[]> = fc.array(
  fc.record({
    kind: kinds,
    fitting: fc.nat(9).map((n) => n < 8),
    anyResource: fc.nat(2).map((n) => n === 0),
    who: fc.nat(30),
    pick: fc.nat(30),
    option: fc.nat(30),
    value: fc.constantFrom<ValueKind>('in', 'in', 'alert', 'out', 'out', 'bad'),
    signed: fc.nat(9).map((n) => n < 8),
    advanceMinutes: fc.constantFrom(0, 1, 2, 5, 10, 20, 30, 45, 61, 90),
  }),
  { minLength: 1, maxLength: MAX_MOVES, size: 'max' },
);

// Resolving a move against the state --------------------------------------------------------------------

const { operator, operator2, lead, supervisor, supervisor2, qa, untrained, oldTraining, otherSite, inactive, engineer } = people;
const EVERYONE: readonly PersonState[] = [operator, operator2, lead, supervisor, supervisor2, qa, untrained, oldTraining, otherSite, inactive, engineer];
const PERFORMERS: Record<string, readonly PersonState[]> = { operator: [operator, operator2, lead], supervisor: [supervisor, supervisor2, lead] };
const ALL_FIELDS: readonly (readonly [StepDefinition, FieldDefinition])[] = procedure.steps.flatMap((s) => s.fields.map((f) => [s, f] as const));
const ALL_EQUIPMENT = [...Object.keys(initialWorld.equipment), 'P-99'];
const ALL_LOTS = [...Object.keys(initialWorld.lots), 'L-99'];

const pickOf = <T,>(items: readonly T[], n: number): T | undefined => (items.length === 0 ? undefined : items[n % items.length]);
const stepOf = (id: string): StepDefinition | undefined => procedure.steps.find((s) => s.id === id);
const finished = (state: BatchState, id: string): boolean => ['done', 'skipped'].includes(state.steps[id]?.status ?? 'pending');
const withStatus = (state: BatchState, ...statuses: string[]): string[] => STEP_IDS.filter((id) => statuses.includes(state.steps[id]?.status ?? ''));

/** A value for a field: in spec, at alert, out of spec, or of the wrong shape. */
export function valueFor(field: FieldDefinition, kind: ValueKind, option: number): EnteredValue {
  switch (field.id) {
    case 'area_clear':
      return kind === 'bad' ? 1 : kind !== 'out';
    case 'hardness':
      return kind === 'bad' ? hardness(10).slice(1) : kind === 'alert' ? hardness(11.5) : kind === 'out' ? hardness(option % 2 ? 12.6 : 7.5) : hardness(10 + (option % 5) / 10);
    case 'friability':
      return kind === 'bad' ? 'low' : kind === 'out' ? 1.5 : 0.5;
    case 'appearance':
      return kind === 'bad' ? 'shiny' : kind === 'out' ? 'chipped' : 'conforming';
    case 'container_label':
      return kind === 'bad' ? 'X-1' : `C-${1000 + (option % 9000)}`;
    case 'remark':
      return kind === 'bad' ? 'far too long a remark' : 'ok';
    case 'good_tablets':
      return kind === 'bad' ? '98000' : kind === 'out' ? 90_000 : 98_000;
    case 'yield':
      return 98;
    case 'container_lot':
      return pickOf(ALL_LOTS, option)!;
    case 'press_id':
      return pickOf(ALL_EQUIPMENT, option)!;
    default:
      return 0;
  }
}

function actorFor(move: Move, fitting: readonly PersonState[]): PersonState {
  return move.fitting ? pickOf(fitting, move.who)! : pickOf(EVERYONE, move.who)!;
}

/** The command and who sends it; `null` when the move has nothing to act on (it is then skipped). */
function resolve(state: BatchState, move: Move): { command: BatchCommand; who: PersonState } | null {
  const anyStep = pickOf([...STEP_IDS, 'no-such-step'], move.pick)!;
  const performersOf = (id: string) => PERFORMERS[stepOf(id)?.role ?? 'operator'] ?? EVERYONE;
  switch (move.kind) {
    case 'progress':
      return progress(state, move);
    case 'create':
      return { command: cmd.create(move.fitting ? 100_000 : pickOf([40_000, 100_000, 250_000], move.option)!), who: actorFor(move, [supervisor]) };
    case 'start': {
      const ready = STEP_IDS.filter((id) => state.steps[id]?.status === 'pending' && stepOf(id)!.after.every((p) => finished(state, p)));
      const stepId = move.fitting ? (pickOf(ready, move.pick) ?? anyStep) : anyStep;
      const press = move.anyResource ? pickOf(ALL_EQUIPMENT, move.option)! : pickOf(['P-01', 'P-08'], move.option)!;
      return { command: cmd.start(stepId, { press }), who: actorFor(move, performersOf(stepId)) };
    }
    case 'record': {
      const running = ALL_FIELDS.filter(([s, f]) => state.steps[s.id]?.status === 'in_progress' && !(f.type === 'number' && f.compute));
      const [step, field] = (move.fitting ? pickOf(running, move.pick) : undefined) ?? pickOf(ALL_FIELDS, move.pick)!;
      return { command: cmd.record(step.id, field.id, valueFor(field, move.value, move.option)), who: actorFor(move, performersOf(step.id)) };
    }
    case 'correct': {
      const recorded = ALL_FIELDS.filter(([, f]) => state.values[f.id] !== undefined && !(f.type === 'number' && f.compute));
      const [step, field] = (move.fitting ? pickOf(recorded, move.pick) : undefined) ?? pickOf(ALL_FIELDS, move.pick)!;
      const running = state.steps[step.id]?.status === 'in_progress';
      const reason = move.fitting || move.option % 2 ? 'entry error, re-measured' : ' ';
      return { command: cmd.correct(step.id, field.id, valueFor(field, move.value, move.option), reason), who: actorFor(move, running ? performersOf(step.id) : [supervisor, qa, lead]) };
    }
    case 'consume': {
      const charged = state.steps.charge?.consumed.granulate ?? 0;
      const lotId = move.anyResource ? pickOf(ALL_LOTS, move.option)! : pickOf(['L-REL', 'L-REL2', 'L-GRAMS', 'L-LOW'], move.option)!;
      const kg = move.anyResource ? pickOf([0.1, 5, 12.5, 24.8, 25, 25.2, 30, -1], move.pick)! : pickOf([25 - charged, 12.5, 25 - charged + 0.1, 5], move.pick)!;
      const grams = lotId === 'L-GRAMS';
      const balanceId = move.anyResource ? pickOf(['BAL-01', 'BAL-02', 'P-01', 'BAL-99', null], move.who) : 'BAL-01';
      return {
        command: cmd.consume(lotId, Math.round((grams ? kg * 1000 : kg) * 1e6) / 1e6, { unit: grams ? 'g' : 'kg', balanceId: balanceId ?? null, stepId: move.fitting ? 'charge' : anyStep }),
        who: actorFor(move, performersOf('charge')),
      };
    }
    case 'complete': {
      const stepId = move.fitting ? (pickOf(withStatus(state, 'in_progress'), move.pick) ?? anyStep) : anyStep;
      const sign = stepOf(stepId)?.sign;
      const lotId = move.fitting || move.option % 3 ? `PX10-T-${move.option}` : 'L-REL';
      const made = stepOf(stepId)?.produce && move.signed ? { lotId, quantity: 98_000, unit: 'tablets', expiry: '2028-11-30' } : undefined;
      return { command: cmd.complete(stepId, move.signed && sign ? { meaning: sign } : undefined, made), who: actorFor(move, performersOf(stepId)) };
    }
    case 'verify': {
      const stepId = move.fitting ? (pickOf(withStatus(state, 'awaiting_verification'), move.pick) ?? anyStep) : anyStep;
      return { command: cmd.verify(stepId, move.signed ? { meaning: 'verified' } : null), who: actorFor(move, [supervisor, supervisor2, lead]) };
    }
    case 'hold':
      return { command: cmd.hold(move.signed ? 'supervisor check' : '', move.option % 2 ? anyStep : undefined), who: actorFor(move, [supervisor, supervisor2, qa]) };
    case 'release': {
      const holdId = move.fitting ? pickOf(state.holds.map((h) => h.id), move.pick) : `H${move.pick % 5}`;
      if (holdId === undefined) return null;
      return { command: cmd.releaseHold(holdId, move.signed ? 'decided, batch may go on' : ''), who: actorFor(move, [qa]) };
    }
    case 'completeBatch':
      return { command: cmd.completeBatch(), who: actorFor(move, [supervisor, qa]) };
  }
}

/** The next thing that moves the batch on, for a random one of the steps under way (or ready). */
function progress(state: BatchState, move: Move): { command: BatchCommand; who: PersonState } | null {
  const hold = state.holds[0];
  if (hold) return { command: cmd.releaseHold(hold.id, 'decided, batch may go on'), who: qa };
  const value: ValueKind = move.value === 'bad' ? 'in' : move.value;
  const options: { command: BatchCommand; who: PersonState }[] = [];
  for (const step of procedure.steps) {
    const run = state.steps[step.id];
    const doer = pickOf(PERFORMERS[step.role] ?? EVERYONE, move.who)!;
    if (run?.status === 'pending' && step.after.every((p) => finished(state, p))) {
      options.push({ command: cmd.start(step.id, { press: pickOf(move.anyResource ? ALL_EQUIPMENT : ['P-01', 'P-08'], move.option)! }), who: doer });
    } else if (run?.status === 'awaiting_verification') {
      options.push({ command: cmd.verify(step.id), who: pickOf([supervisor, supervisor2, lead], move.who)! });
    } else if (run?.status === 'in_progress') {
      const missing = step.fields.find((f) => f.required && state.values[f.id] === undefined && !(f.type === 'number' && f.compute));
      const charged = run.consumed.granulate ?? 0;
      if (missing) options.push({ command: cmd.record(step.id, missing.id, valueFor(missing, value, move.option)), who: doer });
      else if (step.consume.length > 0 && charged < 24.9) {
        const lots = move.anyResource ? ALL_LOTS.filter((l) => l !== 'L-GRAMS') : ['L-REL', 'L-REL2'];
        options.push({ command: cmd.consume(pickOf(lots, move.option)!, 25 - charged), who: doer });
      } else {
        const made = step.produce ? { lotId: `PX10-T-${move.option}`, quantity: 98_000, unit: 'tablets', expiry: '2028-11-30' } : undefined;
        options.push({ command: cmd.complete(step.id, step.sign ? { meaning: step.sign } : undefined, made), who: doer });
      }
    }
  }
  if (options.length === 0 && state.status === 'in_progress') {
    return { command: cmd.completeBatch(), who: supervisor };
  }
  return pickOf(options, move.pick) ?? null;
}

// Simulation ---------------------------------------------------------------------------------------------

interface Entry {
  readonly move: Move | null;
  readonly before: BatchState;
  readonly ctx: BatchContext;
  readonly command: BatchCommand;
  readonly decision: BatchDecision;
  readonly after: BatchState;
}

interface Trace {
  readonly entries: readonly Entry[];
  readonly state: BatchState;
  readonly events: readonly BatchEvent[];
  readonly world: World;
}

/** Plays the moves from a freshly created batch (created by the supervisor at NOW). */
function simulate(ms: readonly Move[]): Trace {
  let state = initialBatchState;
  let world = initialWorld;
  let now = Date.parse(NOW);
  const entries: Entry[] = [];
  const events: BatchEvent[] = [];
  const play = (move: Move | null, command: BatchCommand, who: PersonState) => {
    const ctx = contextFor(who, new Date(now).toISOString(), world, { site: who === otherSite ? 'S2' : 'S1' });
    const snapshot = JSON.stringify(state);
    const decision = decideBatch(state, command, ctx);
    expect(JSON.stringify(state), 'decide changed the state it was given').toBe(snapshot);
    const after = decision.ok ? decision.events.reduce(evolveBatch, state) : state;
    if (decision.ok) {
      events.push(...decision.events);
      world = applyAlso(world, decision.also);
    }
    entries.push({ move, before: state, ctx, command, decision, after });
    state = after;
  };
  play(null, cmd.create(), supervisor);
  for (const move of ms) {
    now += move.advanceMinutes * 60_000;
    const resolved = resolve(state, move);
    if (resolved) play(move, resolved.command, resolved.who);
  }
  return { entries, state, events, world };
}

const accepted = (trace: Trace) => trace.entries.filter((e): e is Entry & { decision: Extract<BatchDecision, { ok: true }> } => e.decision.ok);

function check(property: (trace: Trace) => void): void {
  fc.assert(
    fc.property(moves, (ms) => {
      property(simulate(ms));
    }),
    { numRuns: RUNS },
  );
}

// Properties ---------------------------------------------------------------------------------------------

describe('batch properties over random command sequences', () => {
  it('(a) no step is started or completed before all its predecessors are done or skipped', () => {
    check((trace) => {
      let state = initialBatchState;
      for (const event of trace.events) {
        if (event.type === 'StepStarted' || event.type === 'StepCompleted') {
          const open = stepOf(event.data.stepId)!.after.filter((p) => !finished(state, p));
          expect(open, `${event.type} ${event.data.stepId} with open predecessors`).toEqual([]);
        }
        state = evolveBatch(state, event);
      }
    });
  });

  it('(b) no step is ever verified by a person who started, recorded, corrected, consumed or completed in it', () => {
    check((trace) => {
      const did = new Map<string, Set<string>>();
      const note = (stepId: string, by: string) => did.set(stepId, (did.get(stepId) ?? new Set()).add(by));
      for (const event of trace.events) {
        switch (event.type) {
          case 'StepStarted':
          case 'ValueCorrected':
          case 'MaterialConsumed':
          case 'StepCompleted':
            note(event.data.stepId, event.data.by);
            break;
          case 'ValueRecorded':
            if (!event.data.computed) note(event.data.stepId, event.data.by);
            break;
          case 'StepVerified':
            expect(did.get(event.data.stepId)?.has(event.data.by) ?? false, `${event.data.by} verified their own work in ${event.data.stepId}`).toBe(false);
            break;
        }
      }
    });
  });

  it('(c) no material is consumed from a lot that is quarantined, rejected, expired or short at that moment', () => {
    check((trace) => {
      for (const entry of accepted(trace)) {
        for (const event of entry.decision.events) {
          if (event.type !== 'MaterialConsumed') continue;
          const lot = entry.ctx.lots[event.data.lotId]?.state;
          expect(lot?.registered).toBe(true);
          expect(lot!.status).toBe('released');
          expect(stillValid(lot!.expiry, entry.ctx.now)).toBe(true);
          expect(lot!.material).toBe(procedure.materials[event.data.material]!.material);
          expect(lot!.site).toBe(entry.before.site);
          expect(lot!.onHand).toBeGreaterThanOrEqual(convertQuantity(event.data.quantity, event.data.unit, lot!.unit)!);
        }
      }
    });
  });

  it('(c′) no equipment is allocated to a step unless it is of the right class, at the batch site, free, clean and calibrated then', () => {
    check((trace) => {
      for (const entry of accepted(trace)) {
        for (const event of entry.decision.events) {
          if (event.type !== 'StepStarted') continue;
          for (const [alias, id] of Object.entries(event.data.equipment)) {
            const eq = entry.ctx.equipment[id]!.state;
            const slot = procedure.equipment[alias]!;
            expect([eq.class, eq.site]).toEqual([slot.class, entry.before.site]);
            expect(eq.calibrationDue !== undefined && stillValid(eq.calibrationDue, entry.ctx.now)).toBe(true);
            const clean = (eq.status === 'clean' && stillValid(eq.cleanUntil!, entry.ctx.now)) || (eq.status === 'dirty' && eq.campaignBatch === entry.before.id && eq.lastUsedBy === entry.before.id);
            expect(clean, `${id} is ${eq.status}`).toBe(true);
          }
        }
      }
    });
  });

  it('(d) every refused command returns a refusal with a code and a sentence, and no events and no events for other streams', () => {
    check((trace) => {
      for (const entry of trace.entries) {
        if (entry.decision.ok) continue;
        expect(Object.keys(entry.decision).sort()).toEqual(['ok', 'refusal']);
        expect(entry.decision.refusal.code).toMatch(/^[a-z]+(_[a-z]+)*$/);
        expect(entry.decision.refusal.message.length).toBeGreaterThan(10);
      }
    });
  });

  it('(e) replaying all accepted events from the initial state gives the state reached decision by decision', () => {
    check((trace) => {
      expect(trace.events.reduce(evolveBatch, initialBatchState)).toEqual(trace.state);
      // And each decision's events fold onto the state it was decided on.
      for (const entry of accepted(trace)) expect(entry.decision.events.reduce(evolveBatch, entry.before)).toEqual(entry.after);
    });
  });

  it('(f) an out-of-spec value of a field with an exception path is decided exactly as an in-spec one, plus its exception', () => {
    const SUBJECT = new Set(['area_clear', 'hardness', 'friability', 'appearance', 'good_tablets']);
    check((trace) => {
      for (const entry of trace.entries) {
        const c = entry.command;
        if ((c.type !== 'RecordValue' && c.type !== 'CorrectValue') || !SUBJECT.has(c.data.fieldId) || entry.move?.value !== 'out') continue;
        const field = ALL_FIELDS.find(([, f]) => f.id === c.data.fieldId)![1];
        const inSpec = { ...c, data: { ...c.data, value: valueFor(field, 'in', entry.move.option) } } as BatchCommand;
        const twin = decideBatch(entry.before, inSpec, entry.ctx);
        if (!entry.decision.ok) {
          expect(entry.decision.refusal.code).not.toMatch(/spec|limit|tolerance/);
          expect(twin.ok, `out of spec refused (${entry.decision.refusal.code}) where in spec is accepted`).toBe(false);
          if (!twin.ok) expect(entry.decision.refusal.code).toBe(twin.refusal.code);
          continue;
        }
        expect(twin.ok).toBe(true);
        // good_tablets is out of spec through the yield computed from it.
        const judged = c.data.fieldId === 'good_tablets' ? 'yield' : c.data.fieldId;
        expect(entry.after.values[judged]?.evaluation).toBe('out_of_spec');
        const previous = entry.before.values[judged];
        if (c.type === 'RecordValue' || previous?.evaluation !== 'out_of_spec') {
          expect(entry.decision.events.some((e) => e.type === 'ExceptionRaised')).toBe(true);
          expect(entry.decision.also.some((s) => s.streamId.startsWith('deviation-'))).toBe(true);
        }
      }
    });
  });

  it('the generated runs reach every part of the procedure (the properties are not vacuous)', () => {
    const seen = new Map<string, number>();
    const count = (key: string) => seen.set(key, (seen.get(key) ?? 0) + 1);
    fc.assert(
      fc.property(moves, (ms) => {
        const trace = simulate(ms);
        for (const e of trace.events) count(e.type === 'StepStarted' || e.type === 'StepSkipped' ? `${e.type}:${e.data.stepId}` : e.type);
        for (const e of trace.entries) if (!e.decision.ok) count(`refused:${e.decision.refusal.code}`);
      }),
      { numRuns: RUNS, seed: 20261124 },
    );
    for (const key of [
      'StepVerified',
      'MaterialConsumed',
      'StepStarted:compress',
      'ExceptionRaised',
      'HoldPlaced',
      'HoldReleased',
      'ValueCorrected',
      'StepSkipped:extra-test',
      'StepStarted:extra-test',
      'StepStarted:reconcile',
      'BatchCompleted',
      'refused:sequence_violation',
      'refused:self_verification',
      'refused:material_not_usable',
      'refused:equipment_not_ready',
      'refused:batch_on_hold',
      'refused:quantity_out_of_tolerance',
      'refused:not_trained',
    ]) {
      expect(seen.get(key) ?? 0, key).toBeGreaterThan(0);
    }
  });
});
