/**
 * Completing the batch: every step done or skipped, nothing on hold. (The lots it made were registered by
 * the steps that made them.) Release is QA's decision, not this one.
 */
import { roleCheck } from '../resources/roles.ts';
import { refuse } from '../shared/refusal.ts';
import { accepted, refused, type BatchContext, type BatchDecision } from './batch-context.ts';
import type { CompleteBatch } from './batch-commands.ts';
import type { BatchState } from './batch-state.ts';
import { batchGuard, holdGuard, titleOf } from './guards.ts';

export function decideCompleteBatch(state: BatchState, _command: CompleteBatch, ctx: BatchContext): BatchDecision {
  const problem = batchGuard(state, ctx) ?? roleCheck(ctx.actor.roles, ['supervisor', 'qa'], 'Completing a batch');
  if (problem) return refused(problem);
  if (state.holds.length > 0) return refused(holdGuard(state, state.holds[0]!.stepId)!);
  const open = Object.entries(state.steps).filter(([, run]) => run.status !== 'done' && run.status !== 'skipped');
  if (open.length > 0) {
    return refused(
      refuse('sequence_violation', `Batch ${state.id} cannot be completed: ${open.map(([id]) => `"${titleOf(state, id)}"`).join(', ')} not done.`, {
        open: open.map(([id]) => id),
      }).refusal,
    );
  }
  return accepted([{ type: 'BatchCompleted', data: { by: ctx.actor.id, at: ctx.now } }]);
}
