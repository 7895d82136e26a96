/**
 * Completing a step (everything required recorded, every charge within tolerance, signed when the
 * procedure says so; its equipment released) and verifying it (a second person, never a performer).
 */
import type { SignatureMeaning } from '../procedure/definition.ts';
import { equipmentDecider } from '../resources/equipment-decider.ts';
import { equipmentStream } from '../resources/streams.ts';
import { formatQuantity } from '../resources/units.ts';
import { roleCheck } from '../resources/roles.ts';
import { refuse, type Refusal } from '../shared/refusal.ts';
import { accepted, refused, type BatchContext, type BatchDecision, type StreamEvents } from './batch-context.ts';
import type { CompleteStep, SignatureInput, VerifyStep } from './batch-commands.ts';
import type { BatchEvent, Signature } from './batch-events.ts';
import { evolveBatch, type BatchState } from './batch-state.ts';
import { skipsDue } from './graph.ts';
import { batchGuard, holdGuard, performerGuard, personGuard } from './guards.ts';
import { EPSILON, targetOf } from './targets.ts';
import { producedLot } from './produce.ts';
import { missedRoundEvents } from './missed-rounds.ts';

/** Checks a required signature and returns it as recorded (printed name, time, meaning). */
export function signatureFor(required: SignatureMeaning | undefined, given: SignatureInput | undefined, ctx: BatchContext, what: string): Signature | Refusal | undefined {
  if (required === undefined) return undefined;
  if (given?.meaning !== required) {
    return refuse('signature_required', `${what} needs your electronic signature with the meaning "${required}".`, { meaning: required }).refusal;
  }
  return { meaning: required, by: ctx.actor.id, name: ctx.actor.name, at: ctx.now, ...(given.recordHash !== undefined ? { recordHash: given.recordHash } : {}) };
}

const isRefusal = (x: Signature | Refusal | undefined): x is Refusal => x !== undefined && 'code' in x;

export function decideComplete(state: BatchState, command: CompleteStep, ctx: BatchContext): BatchDecision {
  const { stepId } = command.data;
  const guarded = performerGuard(state, stepId, ctx, ['in_progress'], 'complete');
  if (!guarded.ok) return refused(guarded.refusal);
  const { step, run } = guarded;
  const missing = step.fields.filter((f) => f.required && state.values[f.id] === undefined);
  if (missing.length > 0) {
    return refused(
      refuse('required_value_missing', `Record ${missing.map((f) => `"${f.label}"`).join(', ')} before completing "${step.title}".`, {
        stepId,
        missing: missing.map((f) => f.id),
      }).refusal,
    );
  }
  for (const consume of step.consume) {
    const target = targetOf(state, consume);
    if ('error' in target) return refused(refuse('invalid_value', `The target quantity cannot be calculated: ${target.error}.`, { material: consume.material }).refusal);
    const charged = run.consumed[consume.material] ?? 0;
    if (charged < target.quantity - target.tolerance - EPSILON) {
      return refused(
        refuse(
          'quantity_out_of_tolerance',
          `Only ${formatQuantity(charged, target.unit)} of ${state.definition!.materials[consume.material]!.material} is charged; ${formatQuantity(target.quantity, target.unit)} ± ${formatQuantity(target.tolerance, target.unit)} is needed.`,
          { stepId, material: consume.material, charged, target },
        ).refusal,
      );
    }
  }
  const signature = signatureFor(step.sign, command.data.signature, ctx, `Completing "${step.title}"`);
  if (isRefusal(signature)) return refused(signature);
  const made = producedLot(state, step, command.data.producedLot, ctx);
  if (made !== undefined && 'code' in made) return refused(made);

  const also: StreamEvents[] = made === undefined ? [] : [made];
  for (const equipmentId of Object.values(run.equipment)) {
    const eq = ctx.equipment[equipmentId];
    if (eq === undefined) return refused(refuse('equipment_not_ready', `Equipment ${equipmentId} could not be read; try again.`, { equipmentId }).refusal);
    const release = equipmentDecider.decide(eq.state, { type: 'ReleaseEquipment', data: { batchId: state.id, stepId } }, ctx);
    if (!release.ok) return refused(release.refusal);
    also.push({ streamId: equipmentStream(equipmentId), expectedVersion: eq.version, events: release.events });
  }
  const completed: BatchEvent = {
    type: 'StepCompleted',
    data: {
      stepId,
      by: ctx.actor.id,
      name: ctx.actor.name,
      at: ctx.now,
      ...(signature ? { signature } : {}),
      ...(command.data.producedLot ? { producedLot: { lotId: command.data.producedLot.lotId, quantity: command.data.producedLot.quantity, unit: command.data.producedLot.unit } } : {}),
    },
  };
  // Missed in-process rounds go on the record before the completion, as they happened during the run.
  const missed = missedRoundEvents(state, step, ctx);
  const afterMissed = missed.events.reduce(evolveBatch, state);
  return accepted([...missed.events, completed, ...skipsDue(evolveBatch(afterMissed, completed))], [...missed.also, ...also]);
}

export function decideVerify(state: BatchState, command: VerifyStep, ctx: BatchContext): BatchDecision {
  const { stepId } = command.data;
  const problem = batchGuard(state, ctx) ?? holdGuard(state, stepId);
  if (problem) return refused(problem);
  const step = state.definition?.steps.find((s) => s.id === stepId);
  if (step === undefined) return refused(refuse('step_not_found', `Procedure ${state.procedure} has no step "${stepId}".`, { stepId }).refusal);
  const run = state.steps[stepId]!;
  if (step.verify === undefined || run.status !== 'awaiting_verification') {
    const why = step.verify === undefined ? 'it needs no verification' : `it is ${run.status.replace('_', ' ')}`;
    return refused(refuse('step_not_active', `"${step.title}" cannot be verified now: ${why}.`, { stepId, status: run.status }).refusal);
  }
  if (run.performers.includes(ctx.actor.id)) {
    return refused(
      refuse('self_verification', `You did part of "${step.title}"; a second person must verify it.`, { stepId, performers: run.performers }).refusal,
    );
  }
  const role = roleCheck(ctx.actor.roles, [step.verify], `Verifying "${step.title}"`) ?? personGuard(state, ctx);
  if (role) return refused(role);
  const signature = signatureFor('verified', command.data.signature, ctx, `Verifying "${step.title}"`);
  if (isRefusal(signature)) return refused(signature);
  const verified: BatchEvent = { type: 'StepVerified', data: { stepId, by: ctx.actor.id, name: ctx.actor.name, at: ctx.now, ...(signature ? { signature } : {}) } };
  return accepted([verified, ...skipsDue(evolveBatch(state, verified))]);
}
