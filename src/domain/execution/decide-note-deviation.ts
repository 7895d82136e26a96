/**
 * A deviation a person reports against a batch goes on the batch record (so review and release see it) and
 * holds the step or the batch when asked — decided in the same transaction as the deviation itself.
 */
import { refuse } from '../shared/refusal.ts';
import { accepted, refused, type BatchContext, type BatchDecision } from './batch-context.ts';
import type { NoteDeviation } from './batch-commands.ts';
import type { BatchEvent } from './batch-events.ts';
import type { BatchState } from './batch-state.ts';

export function decideNoteDeviation(state: BatchState, command: NoteDeviation, ctx: BatchContext): BatchDecision {
  const c = command.data;
  if (!state.created) return refused(refuse('batch_not_found', 'There is no such batch.').refusal);
  if (ctx.actor.site !== state.site) {
    return refused(refuse('role_not_permitted', `Batch ${state.id} runs at site ${state.site}; you are signed in at ${ctx.actor.site}.`, { batchSite: state.site, actorSite: ctx.actor.site }).refusal);
  }
  if (state.release !== undefined) return refused(refuse('batch_not_active', `Batch ${state.id} was already ${state.release.outcome}.`, { batchId: state.id }).refusal);
  if (state.deviations.includes(c.deviationId)) return refused(refuse('deviation_exists', `Deviation ${c.deviationId} is already on batch ${state.id}.`, { deviationId: c.deviationId }).refusal);
  if (c.stepId !== undefined && state.steps[c.stepId] === undefined) {
    return refused(refuse('step_not_found', `Procedure ${state.procedure} has no step "${c.stepId}".`, { stepId: c.stepId }).refusal);
  }
  if (c.hold !== 'none' && state.status !== 'in_progress') {
    return refused(refuse('invalid_value', `Batch ${state.id} is ${state.status}: there is nothing left to hold; its release waits for the deviation anyway.`, { field: 'hold' }).refusal);
  }
  const events: BatchEvent[] = [
    { type: 'DeviationNoted', data: { deviationId: c.deviationId, ...(c.stepId !== undefined ? { stepId: c.stepId } : {}), severity: c.severity, description: c.description, by: ctx.actor.id } },
  ];
  if (c.hold !== 'none') {
    events.push({
      type: 'HoldPlaced',
      data: { holdId: `H${state.holdsPlaced + 1}`, ...(c.hold === 'step' ? { stepId: c.stepId } : {}), reason: `${c.severity} deviation ${c.deviationId}: ${c.description}`, deviationId: c.deviationId, by: ctx.actor.id },
    });
  }
  return accepted(events);
}
