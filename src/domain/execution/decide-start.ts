/**
 * Starting a step: its turn in the sequence, its condition, hold-time limits and minimum waits, and every
 * piece of equipment it uses ready — which is then allocated to the batch in the same transaction.
 */
import { equipmentDecider } from '../resources/equipment-decider.ts';
import { equipmentReadiness } from '../resources/equipment-readiness.ts';
import { equipmentStream } from '../resources/streams.ts';
import { refuse } from '../shared/refusal.ts';
import { elapsedMs, formatDuration, addMs } from '../shared/time.ts';
import { accepted, refused, type BatchContext, type BatchDecision, type StreamEvents } from './batch-context.ts';
import type { StartStep } from './batch-commands.ts';
import type { BatchState } from './batch-state.ts';
import { conditionHolds } from './graph.ts';
import { performerGuard, titleOf } from './guards.ts';

export function decideStart(state: BatchState, command: StartStep, ctx: BatchContext): BatchDecision {
  const { stepId } = command.data;
  const guarded = performerGuard(state, stepId, ctx, ['pending'], 'start');
  if (!guarded.ok) return refused(guarded.refusal);
  const { step } = guarded;
  if (!conditionHolds(state, step)) {
    return refused(refuse('condition_not_met', `"${step.title}" does not apply to this batch: its condition "${step.when}" is false.`, { stepId, condition: step.when }).refusal);
  }
  if (step.within !== undefined) {
    const from = state.steps[step.within.of]?.completedAt;
    if (from !== undefined && elapsedMs(from, ctx.now) > step.within.maxMs) {
      return refused(
        refuse(
          'hold_time_exceeded',
          `"${step.title}" had to start within ${formatDuration(step.within.maxMs)} of "${titleOf(state, step.within.of)}" (done ${from.slice(0, 16).replace('T', ' ')}); that time has passed. A decision is needed before the batch goes on.`,
          { stepId, of: step.within.of, maxMs: step.within.maxMs, since: from, ref: step.within.ref },
        ).refusal,
      );
    }
  }
  if (step.wait !== undefined) {
    const from = state.steps[step.wait.after]?.completedAt;
    if (from !== undefined && elapsedMs(from, ctx.now) < step.wait.minMs) {
      const until = addMs(from, step.wait.minMs);
      return refused(
        refuse('wait_not_elapsed', `"${step.title}" may start only ${formatDuration(step.wait.minMs)} after "${titleOf(state, step.wait.after)}": wait until ${until.slice(0, 16).replace('T', ' ')} UTC.`, {
          stepId,
          after: step.wait.after,
          minMs: step.wait.minMs,
          until,
          ref: step.wait.ref,
        }).refusal,
      );
    }
  }

  const assigned = command.data.equipment ?? {};
  const also: StreamEvents[] = [];
  const taken = new Set<string>();
  for (const alias of step.uses) {
    const slot = state.definition!.equipment[alias]!;
    const equipmentId = assigned[alias];
    if (equipmentId === undefined) {
      return refused(refuse('invalid_value', `Scan the ${slot.class} to use for "${step.title}" (${alias}).`, { stepId, equipment: alias }).refusal);
    }
    const eq = ctx.equipment[equipmentId];
    if (eq === undefined || !eq.state.registered) {
      return refused(refuse('equipment_not_ready', `There is no equipment ${equipmentId}.`, { equipmentId, reason: 'not_registered' }).refusal);
    }
    // One piece of equipment fills one place: two allocations from one stream version would conflict.
    if (taken.has(equipmentId)) {
      return refused(refuse('invalid_value', `${eq.state.name} is scanned twice for "${step.title}"; each place needs its own ${slot.class}.`, { stepId, equipmentId, equipment: alias }).refusal);
    }
    taken.add(equipmentId);
    if (eq.state.site !== state.site) {
      return refused(
        refuse('equipment_not_ready', `${eq.state.name} is at site ${eq.state.site}; batch ${state.id} runs at site ${state.site}.`, { equipmentId, reason: 'other_site', site: eq.state.site }).refusal,
      );
    }
    if (eq.state.class !== slot.class) {
      return refused(
        refuse('equipment_not_ready', `${eq.state.name} is a ${eq.state.class}; "${step.title}" needs a ${slot.class}.`, { equipmentId, reason: 'wrong_class', expected: slot.class }).refusal,
      );
    }
    const notReady = equipmentReadiness(eq.state, slot.require, ctx.now, state.id);
    if (notReady) return refused(notReady);
    const allocation = equipmentDecider.decide(eq.state, { type: 'AllocateEquipment', data: { batchId: state.id, stepId, require: slot.require } }, ctx);
    if (!allocation.ok) return refused(allocation.refusal);
    also.push({ streamId: equipmentStream(equipmentId), expectedVersion: eq.version, events: allocation.events });
  }
  const equipment = Object.fromEntries(step.uses.map((alias) => [alias, assigned[alias]!]));
  return accepted([{ type: 'StepStarted', data: { stepId, equipment, by: ctx.actor.id, name: ctx.actor.name, at: ctx.now } }], also);
}
