/**
 * Recording and correcting values. The shape of an entry is checked; its value never is: an out-of-spec
 * measurement is recorded, flagged, and starts its exception path in the same decision.
 */
import type { FieldDefinition, StepDefinition } from '../procedure/definition.ts';
import { evaluateExpression } from '../procedure/expressions.ts';
import { roleCheck } from '../resources/roles.ts';
import { refuse } from '../shared/refusal.ts';
import { accepted, refused, type BatchContext, type BatchDecision, type StreamEvents } from './batch-context.ts';
import type { CorrectValue, RecordValue } from './batch-commands.ts';
import type { BatchEvent, StoredValue } from './batch-events.ts';
import { evolveBatch, type BatchState } from './batch-state.ts';
import { checkEnteredValue } from './entered-value.ts';
import { exceptionEvents } from './exception-path.ts';
import { expressionValues, skipsDue } from './graph.ts';
import { batchGuard, holdGuard, performerGuard, personGuard } from './guards.ts';
import { evaluateField } from './limits.ts';
import { checkScannedId } from './scanned-ids.ts';

interface Outcome {
  events: BatchEvent[];
  also: StreamEvents[];
  state: BatchState;
}

function apply(outcome: Outcome, events: readonly BatchEvent[], also: readonly StreamEvents[] = []): Outcome {
  return { events: [...outcome.events, ...events], also: [...outcome.also, ...also], state: events.reduce(evolveBatch, outcome.state) };
}

/** Records a value and, when out of spec, its exception path. */
function recordWithException(outcome: Outcome, step: StepDefinition, field: FieldDefinition, event: BatchEvent, value: StoredValue, ctx: BatchContext): Outcome {
  let next = apply(outcome, [event]);
  const evaluation = event.type === 'ValueRecorded' || event.type === 'ValueCorrected' ? event.data.evaluation : 'unchecked';
  const path = 'onOutOfSpec' in field ? field.onOutOfSpec : undefined;
  if (evaluation === 'out_of_spec' && path !== undefined) {
    const exception = exceptionEvents(next.state, step, field, value, path, ctx);
    next = apply(next, exception.events, exception.also);
  }
  return next;
}

/**
 * The system calculates computed fields of the step as soon as their inputs are there. A recalculation
 * caused by a correction follows the correction rule: an already out-of-spec result raises nothing new.
 */
function recompute(outcome: Outcome, step: StepDefinition, ctx: BatchContext, correcting = false): Outcome {
  let next = outcome;
  for (const field of step.fields) {
    if (field.type !== 'number' || field.compute === undefined) continue;
    const result = evaluateExpression(field.compute, expressionValues(next.state));
    if (!result.ok || typeof result.value !== 'number' || !Number.isFinite(result.value)) continue;
    const value = field.decimals === undefined ? result.value : Math.round(result.value * 10 ** field.decimals) / 10 ** field.decimals;
    const previous = next.state.values[field.id];
    if (previous?.value === value) continue;
    const event: BatchEvent = {
      type: 'ValueRecorded',
      data: {
        stepId: step.id,
        fieldId: field.id,
        value,
        unit: field.unit,
        evaluation: evaluateField(field, value),
        ...(field.limits ? { limits: field.limits } : {}),
        round: (previous?.rounds ?? 0) + 1,
        by: 'system',
        computed: { expression: field.compute },
      },
    };
    next = correcting && previous?.evaluation === 'out_of_spec' ? apply(next, [event]) : recordWithException(next, step, field, event, value, ctx);
  }
  return next;
}

/** The decision, with the conditional steps the new values make not apply (waiting ones are skipped). */
function withSkips(outcome: Outcome): BatchDecision {
  return accepted([...outcome.events, ...skipsDue(outcome.state)], outcome.also);
}

function fieldOf(step: StepDefinition, fieldId: string) {
  return step.fields.find((f) => f.id === fieldId);
}

export function decideRecord(state: BatchState, command: RecordValue, ctx: BatchContext): BatchDecision {
  const { stepId, fieldId } = command.data;
  const guarded = performerGuard(state, stepId, ctx, ['in_progress'], 'record values in');
  if (!guarded.ok) return refused(guarded.refusal);
  const { step } = guarded;
  const field = fieldOf(step, fieldId);
  if (field === undefined) return refused(refuse('invalid_value', `"${step.title}" has no field "${fieldId}".`, { stepId, fieldId }).refusal);
  if (field.type === 'number' && field.compute !== undefined) {
    return refused(refuse('invalid_value', `"${field.label}" is calculated by the system from the recorded values.`, { stepId, fieldId }).refusal);
  }
  const previous = state.values[fieldId];
  const repeated = step.repeat?.fields.includes(fieldId) ?? false;
  if (previous !== undefined && !repeated) {
    return refused(refuse('already_recorded', `"${field.label}" is already recorded; correct it with a reason if it is wrong.`, { stepId, fieldId }).refusal);
  }
  const checked = checkEnteredValue(field, command.data.value);
  if (!checked.ok) return refused(checked.refusal);
  const scanned = checkScannedId(state, field, checked.value, ctx);
  if (scanned) return refused(scanned);
  const event: BatchEvent = {
    type: 'ValueRecorded',
    data: {
      stepId,
      fieldId,
      value: checked.value,
      ...(field.type === 'number' ? { unit: field.unit } : {}),
      evaluation: evaluateField(field, checked.value),
      ...(field.type === 'number' && field.limits ? { limits: field.limits } : {}),
      round: (previous?.rounds ?? 0) + 1,
      by: ctx.actor.id,
    },
  };
  const outcome = recompute(recordWithException({ events: [], also: [], state }, step, field, event, checked.value, ctx), step, ctx);
  return withSkips(outcome);
}

export function decideCorrect(state: BatchState, command: CorrectValue, ctx: BatchContext): BatchDecision {
  const { stepId, fieldId, reason } = command.data;
  const run = state.steps[stepId];
  // While the step runs its performers correct it; afterwards only a supervisor or QA may.
  const guarded =
    run?.status === 'in_progress' || run === undefined
      ? performerGuard(state, stepId, ctx, ['in_progress'], 'correct values in')
      : correctionAfterCompletion(state, stepId, ctx);
  if (!guarded.ok) return refused(guarded.refusal);
  const { step } = guarded;
  const field = fieldOf(step, fieldId);
  if (field === undefined) return refused(refuse('invalid_value', `"${step.title}" has no field "${fieldId}".`, { stepId, fieldId }).refusal);
  if (field.type === 'number' && field.compute !== undefined) {
    return refused(refuse('invalid_value', `"${field.label}" is calculated by the system; correct the values it is calculated from.`, { stepId, fieldId }).refusal);
  }
  const previous = state.values[fieldId];
  if (previous === undefined) return refused(refuse('invalid_value', `"${field.label}" has not been recorded yet; record it instead.`, { stepId, fieldId }).refusal);
  if (typeof reason !== 'string' || reason.trim().length < 3) {
    return refused(refuse('invalid_value', 'A correction needs a reason (Part 11: the record keeps why it changed).', { field: 'reason' }).refusal);
  }
  const checked = checkEnteredValue(field, command.data.value);
  if (!checked.ok) return refused(checked.refusal);
  const scanned = checkScannedId(state, field, checked.value, ctx);
  if (scanned) return refused(scanned);
  const evaluation = evaluateField(field, checked.value);
  const event: BatchEvent = {
    type: 'ValueCorrected',
    data: { stepId, fieldId, previous: previous.value, value: checked.value, evaluation, reason: reason.trim(), by: ctx.actor.id },
  };
  // A correction into spec does not undo a deviation already raised; a correction out of spec raises one.
  const start = { events: [], also: [], state };
  const outcome = previous.evaluation === 'out_of_spec' ? apply(start, [event]) : recordWithException(start, step, field, event, checked.value, ctx);
  const done = recompute(outcome, step, ctx, true);
  return withSkips(done);
}

function correctionAfterCompletion(state: BatchState, stepId: string, ctx: BatchContext) {
  const problem = batchGuard(state, ctx) ?? holdGuard(state, stepId);
  if (problem) return { ok: false as const, refusal: problem };
  const step = state.definition?.steps.find((s) => s.id === stepId);
  if (step === undefined) return refuse('step_not_found', `Procedure ${state.procedure} has no step "${stepId}".`, { stepId });
  if (state.steps[stepId]?.status === 'pending' || state.steps[stepId]?.status === 'skipped') {
    return refuse('step_not_active', `"${step.title}" has no recorded values to correct.`, { stepId });
  }
  const role = roleCheck(ctx.actor.roles, ['supervisor', 'qa'], `Correcting a value of the completed step "${step.title}"`) ?? personGuard(state, ctx);
  if (role) return { ok: false as const, refusal: role };
  return { ok: true as const, step, run: state.steps[stepId]! };
}
