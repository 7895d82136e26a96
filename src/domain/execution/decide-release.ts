/**
 * QA's decision on a batch. Release: the batch is complete, every deviation of it is closed, and the person
 * releasing performed no step of it (a reviewer never reviews their own work); signed "released". Reject:
 * at any time before release, with a reason; signed "reviewed" (or "approved" when a deviation's signed
 * disposition rejects it).
 */
import { roleCheck } from '../resources/roles.ts';
import { refuse, type Refusal } from '../shared/refusal.ts';
import { isOpenDeviation } from '../quality/deviation-state.ts';
import { accepted, refused, type BatchContext, type BatchDecision } from './batch-context.ts';
import type { RejectBatch, ReleaseBatch, SignatureInput } from './batch-commands.ts';
import type { Signature } from './batch-events.ts';
import type { BatchState } from './batch-state.ts';
import { titleOf } from './guards.ts';

const QA = ['qa', 'qa-lead'];

function decidedGuard(state: BatchState, ctx: BatchContext, action: string): Refusal | undefined {
  if (!state.created) return refuse('batch_not_found', 'There is no such batch.').refusal;
  if (ctx.actor.site !== state.site) {
    return refuse('role_not_permitted', `Batch ${state.id} runs at site ${state.site}; you are signed in at ${ctx.actor.site}.`, { batchSite: state.site, actorSite: ctx.actor.site }).refusal;
  }
  const role = roleCheck(ctx.actor.roles, QA, action);
  if (role) return role;
  if (state.release !== undefined) {
    return refuse('batch_not_active', `Batch ${state.id} was already ${state.release.outcome} by ${state.release.by} on ${state.release.at.slice(0, 10)}.`, { batchId: state.id, release: state.release }).refusal;
  }
  return undefined;
}

function signed(meanings: readonly Signature['meaning'][], given: SignatureInput | undefined, ctx: BatchContext, what: string): Signature | Refusal {
  if (given === undefined || !meanings.includes(given.meaning)) {
    return refuse('signature_required', `${what} needs your electronic signature with the meaning "${meanings[0]}".`, { meaning: meanings[0] }).refusal;
  }
  return { meaning: given.meaning, by: ctx.actor.id, name: ctx.actor.name, at: ctx.now, ...(given.recordHash !== undefined ? { recordHash: given.recordHash } : {}) };
}

/** Why the batch cannot be released by this actor yet, in the order a reviewer fixes them; undefined when it can. */
export function releaseBlocker(state: BatchState, ctx: Pick<BatchContext, 'actor' | 'deviations'>): Refusal | undefined {
  if (state.status !== 'completed') {
    const open = Object.entries(state.steps).filter(([, run]) => run.status !== 'done' && run.status !== 'skipped').map(([id]) => id);
    const what = open.length ? `${open.map((id) => `"${titleOf(state, id)}"`).join(', ')} ${open.length === 1 ? 'is' : 'are'} not done` : 'it is not completed';
    return refuse('batch_incomplete', `Batch ${state.id} cannot be released: ${what}.`, { batchId: state.id, open }).refusal;
  }
  const performed = Object.entries(state.steps).filter(([, run]) => run.performers.includes(ctx.actor.id)).map(([id]) => id);
  if (performed.length > 0) {
    return refuse('releaser_performed_step', `You performed ${performed.map((id) => `"${titleOf(state, id)}"`).join(', ')} of batch ${state.id}; another QA person must release it.`, {
      batchId: state.id,
      steps: performed,
    }).refusal;
  }
  const open = state.deviations.filter((id) => isOpenDeviation(ctx.deviations?.[id]));
  if (open.length > 0) {
    const list = open.map((id) => `${id} (${ctx.deviations?.[id]?.status ?? 'not found'})`).join(', ');
    return refuse('open_deviations', `Batch ${state.id} cannot be released while deviation${open.length === 1 ? '' : 's'} ${list} ${open.length === 1 ? 'is' : 'are'} not closed.`, {
      batchId: state.id,
      deviations: open,
    }).refusal;
  }
  return undefined;
}

export function decideReleaseBatch(state: BatchState, command: ReleaseBatch, ctx: BatchContext): BatchDecision {
  const problem = decidedGuard(state, ctx, 'Releasing a batch') ?? releaseBlocker(state, ctx);
  if (problem) return refused(problem);
  const signature = signed(['released'], command.data.signature, ctx, `Releasing batch ${state.id}`);
  if ('code' in signature) return refused(signature);
  const { decisionId } = command.data;
  return accepted([{ type: 'BatchReleased', data: { by: ctx.actor.id, name: ctx.actor.name, at: ctx.now, signature, ...(decisionId !== undefined ? { decisionId } : {}) } }]);
}

export function decideRejectBatch(state: BatchState, command: RejectBatch, ctx: BatchContext): BatchDecision {
  const problem = decidedGuard(state, ctx, 'Rejecting a batch');
  if (problem) return refused(problem);
  const reason = typeof command.data.reason === 'string' ? command.data.reason.trim() : '';
  if (reason.length < 3) return refused(refuse('invalid_value', 'Rejecting a batch needs a reason.', { field: 'reason' }).refusal);
  const signature = signed(['reviewed', 'approved'], command.data.signature, ctx, `Rejecting batch ${state.id}`);
  if ('code' in signature) return refused(signature);
  const { decisionId } = command.data;
  return accepted([{ type: 'BatchRejected', data: { by: ctx.actor.id, name: ctx.actor.name, at: ctx.now, reason, signature, ...(decisionId !== undefined ? { decisionId } : {}) } }]);
}
