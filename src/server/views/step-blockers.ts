/**
 * What keeps a step from going on, in the words execution would refuse with. Rather than restate the rules,
 * it asks the domain's own decision on behalf of a stand-in: a trained person holding the step's role. Any
 * refusal that stand-in would get is about the batch (sequence, holds, conditions, waits, what is still to
 * record), not about who asks; refusals about the inputs a person brings (which equipment, a signature, the
 * lot made) are left out, since they depend on what the person will send.
 */
import { decideBatch } from '../../domain/execution/batch-decider.ts';
import type { BatchContext } from '../../domain/execution/batch-context.ts';
import type { BatchState } from '../../domain/execution/batch-state.ts';
import { holdGuard } from '../../domain/execution/guards.ts';
import type { StepDefinition } from '../../domain/procedure/definition.ts';
import type { Role } from '../../domain/resources/roles.ts';
import type { Refusal } from '../../domain/shared/refusal.ts';

const START_BLOCKERS = new Set(['sequence_violation', 'condition_not_met', 'hold_time_exceeded', 'wait_not_elapsed']);
const COMPLETE_BLOCKERS = new Set(['required_value_missing', 'quantity_out_of_tolerance']);

function standIn(state: BatchState, step: StepDefinition, now: string): BatchContext {
  const id = 'stand-in';
  const roles = [step.role as Role];
  return {
    now,
    actor: { id, name: 'Stand-in', site: state.site, roles },
    person: { registered: true, id, username: id, name: 'Stand-in', active: true, roles: { [state.site]: roles }, training: [{ procedure: state.procedure, version: state.version, trainedAt: now, trainedBy: id }] },
    equipment: {},
    lots: {},
  };
}

/** The refusals that stand between the step and its next action now; empty when nothing does. */
export function stepBlockers(state: BatchState, step: StepDefinition, now: string): Refusal[] {
  const run = state.steps[step.id];
  if (state.status !== 'in_progress' || run === undefined || run.status === 'done' || run.status === 'skipped') return [];
  const blockers: Refusal[] = [];
  const hold = holdGuard(state, step.id);
  if (hold) blockers.push(hold);
  // Without its holds, so the hold is not reported twice and what lies behind it shows too.
  const free = { ...state, holds: [] };
  const ctx = standIn(free, step, now);
  if (run.status === 'pending') {
    const decision = decideBatch(free, { type: 'StartStep', data: { stepId: step.id, equipment: {} } }, ctx);
    if (!decision.ok && START_BLOCKERS.has(decision.refusal.code)) blockers.push(decision.refusal);
  } else if (run.status === 'in_progress') {
    const signature = step.sign === undefined ? {} : { signature: { meaning: step.sign } };
    const decision = decideBatch(free, { type: 'CompleteStep', data: { stepId: step.id, ...signature } }, ctx);
    if (!decision.ok && COMPLETE_BLOCKERS.has(decision.refusal.code)) blockers.push(decision.refusal);
  }
  return blockers;
}
