/**
 * Checks every step command shares, in the order an operator needs the answer: is there such a batch and
 * step, is anything on hold, is it this step's turn, may this person do it, are they trained.
 */
import type { StepDefinition } from '../procedure/definition.ts';
import { roleCheck } from '../resources/roles.ts';
import { activeCheck, trainingCheck } from '../resources/person-rules.ts';
import { refuse, type Refusal } from '../shared/refusal.ts';
import type { BatchContext } from './batch-context.ts';
import type { BatchState, StepRun, StepStatus } from './batch-state.ts';
import { openPredecessors } from './graph.ts';

export type Guarded = { ok: true; step: StepDefinition; run: StepRun } | { ok: false; refusal: Refusal };

const STATUS_WORDS: Record<StepStatus, string> = {
  pending: 'has not started',
  in_progress: 'is in progress',
  awaiting_verification: 'is waiting for verification',
  done: 'is already done',
  skipped: 'was skipped',
};

/** The batch exists, is running, and the actor acts at its site. */
export function batchGuard(state: BatchState, ctx: BatchContext): Refusal | undefined {
  if (!state.created) return refuse('batch_not_found', 'There is no such batch.').refusal;
  if (state.status === 'completed') return refuse('batch_not_active', `Batch ${state.id} is already complete.`, { batchId: state.id }).refusal;
  if (state.release?.outcome === 'rejected') return refuse('batch_not_active', `Batch ${state.id} was rejected: ${state.release.reason ?? ''}`, { batchId: state.id }).refusal;
  if (ctx.actor.site !== state.site) {
    return refuse('role_not_permitted', `Batch ${state.id} runs at site ${state.site}; you are signed in at ${ctx.actor.site}.`, {
      batchSite: state.site,
      actorSite: ctx.actor.site,
    }).refusal;
  }
  return undefined;
}

/** The first hold that stops work on `stepId` (a batch hold stops every step). */
export function holdGuard(state: BatchState, stepId: string | undefined): Refusal | undefined {
  const hold = state.holds.find((h) => h.stepId === undefined || h.stepId === stepId);
  if (hold === undefined) return undefined;
  const what = hold.stepId === undefined ? `Batch ${state.id} is on hold` : `Step "${hold.stepId}" is on hold`;
  return refuse('batch_on_hold', `${what}: ${hold.reason}. Nothing can be done until the hold is released.`, {
    holdId: hold.id,
    stepId: hold.stepId,
    deviationId: hold.deviationId,
  }).refusal;
}

/** The acting person is active and trained on this procedure version. */
export function personGuard(state: BatchState, ctx: BatchContext): Refusal | undefined {
  if (ctx.person === undefined || !ctx.person.registered) {
    return refuse('not_trained', 'Your training record could not be found; ask your supervisor.', { personId: ctx.actor.id }).refusal;
  }
  return activeCheck(ctx.person) ?? trainingCheck(ctx.person, state.procedure, state.version);
}

/**
 * All checks for doing part of a step as its performer, given the statuses the command accepts.
 */
export function performerGuard(state: BatchState, stepId: string, ctx: BatchContext, accepts: readonly StepStatus[], action: string): Guarded {
  const problem = batchGuard(state, ctx);
  if (problem) return { ok: false, refusal: problem };
  const step = state.definition?.steps.find((s) => s.id === stepId);
  if (step === undefined) return refuse('step_not_found', `Procedure ${state.procedure} has no step "${stepId}".`, { stepId });
  const hold = holdGuard(state, stepId);
  if (hold) return { ok: false, refusal: hold };
  const run = state.steps[stepId]!;
  // Checked for every pending step, StartStep included: a pending step is not ready while a predecessor is open.
  const open = run.status === 'pending' ? openPredecessors(state, step) : [];
  if (open.length > 0) {
    return refuse('sequence_violation', `"${step.title}" cannot start yet: ${open.map((id) => `"${titleOf(state, id)}"`).join(', ')} must be done first.`, {
      stepId,
      waitingFor: open,
    });
  }
  if (!accepts.includes(run.status)) {
    return refuse('step_not_active', `You cannot ${action} "${step.title}": the step ${STATUS_WORDS[run.status]}.`, { stepId, status: run.status });
  }
  const role = roleCheck(ctx.actor.roles, [step.role], `${action.charAt(0).toUpperCase()}${action.slice(1)} "${step.title}"`);
  if (role) return { ok: false, refusal: role };
  const person = personGuard(state, ctx);
  if (person) return { ok: false, refusal: person };
  return { ok: true, step, run };
}

export function titleOf(state: BatchState, stepId: string): string {
  return state.definition?.steps.find((s) => s.id === stepId)?.title ?? stepId;
}
