/**
 * Holds: a supervisor or QA stops a step or the whole batch; the exception path places holds too. A hold
 * that a deviation placed is released by QA only, once the deviation's disposition is decided.
 */
import { roleCheck } from '../resources/roles.ts';
import { refuse } from '../shared/refusal.ts';
import { accepted, refused, type BatchContext, type BatchDecision } from './batch-context.ts';
import type { PlaceHold, ReleaseHold } from './batch-commands.ts';
import type { BatchState } from './batch-state.ts';
import { batchGuard } from './guards.ts';
import { hasDisposition } from '../quality/deviation-state.ts';

export function decidePlaceHold(state: BatchState, command: PlaceHold, ctx: BatchContext): BatchDecision {
  const { stepId, reason } = command.data;
  const problem = batchGuard(state, ctx) ?? roleCheck(ctx.actor.roles, ['supervisor', 'qa'], 'Placing a hold');
  if (problem) return refused(problem);
  if (stepId !== undefined && state.definition?.steps.every((s) => s.id !== stepId)) {
    return refused(refuse('step_not_found', `Procedure ${state.procedure} has no step "${stepId}".`, { stepId }).refusal);
  }
  if (typeof reason !== 'string' || reason.trim().length < 3) return refused(refuse('invalid_value', 'A hold needs a reason.', { field: 'reason' }).refusal);
  return accepted([{ type: 'HoldPlaced', data: { holdId: `H${state.holdsPlaced + 1}`, ...(stepId ? { stepId } : {}), reason: reason.trim(), by: ctx.actor.id } }]);
}

export function decideReleaseHold(state: BatchState, command: ReleaseHold, ctx: BatchContext): BatchDecision {
  const { holdId, reason } = command.data;
  const problem = batchGuard(state, ctx);
  if (problem) return refused(problem);
  const hold = state.holds.find((h) => h.id === holdId);
  if (hold === undefined) return refused(refuse('hold_not_found', `Batch ${state.id} has no active hold ${holdId}.`, { holdId }).refusal);
  const allowed = hold.deviationId === undefined ? ['supervisor', 'qa'] : ['qa'];
  const role = roleCheck(ctx.actor.roles, allowed, hold.deviationId === undefined ? 'Releasing a hold' : `Releasing the hold of deviation ${hold.deviationId}`);
  if (role) return refused(role);
  if (typeof reason !== 'string' || reason.trim().length < 3) return refused(refuse('invalid_value', 'Releasing a hold needs a reason.', { field: 'reason' }).refusal);
  if (hold.deviationId !== undefined) {
    const deviation = ctx.deviations?.[hold.deviationId];
    // The deviation holds until its disposition says what happens to the batch.
    if (deviation === undefined || !hasDisposition(deviation)) {
      return refused(
        refuse('deviation_not_dispositioned', `The hold of deviation ${hold.deviationId} stays until its disposition is decided (the deviation is ${deviation?.status ?? 'not found'}).`, {
          holdId,
          deviationId: hold.deviationId,
          status: deviation?.status,
        }).refusal,
      );
    }
  }
  return accepted([{ type: 'HoldReleased', data: { holdId, reason: reason.trim(), by: ctx.actor.id } }]);
}
