/**
 * Weighing and charging material: the right material, a usable lot with enough left, weighed on a ready
 * balance, within the tolerance of the scaled target. The lot's consumption is recorded in the same
 * transaction, which is also the genealogy (batch ← lot, quantity).
 */
import { convertQuantity, formatQuantity } from '../resources/units.ts';
import { equipmentReadiness } from '../resources/equipment-readiness.ts';
import { lotDecider } from '../resources/lot-decider.ts';
import { lotUsability } from '../resources/lot-usability.ts';
import { lotStream } from '../resources/streams.ts';
import { refuse } from '../shared/refusal.ts';
import { accepted, refused, type BatchContext, type BatchDecision } from './batch-context.ts';
import type { ConsumeMaterial } from './batch-commands.ts';
import type { BatchState } from './batch-state.ts';
import { performerGuard } from './guards.ts';
import { EPSILON, targetOf } from './targets.ts';

export function decideConsume(state: BatchState, command: ConsumeMaterial, ctx: BatchContext): BatchDecision {
  const c = command.data;
  const guarded = performerGuard(state, c.stepId, ctx, ['in_progress'], 'charge material in');
  if (!guarded.ok) return refused(guarded.refusal);
  const { step, run } = guarded;
  const consume = step.consume.find((x) => x.material === c.material);
  if (consume === undefined) {
    return refused(refuse('invalid_value', `"${step.title}" does not use material "${c.material}".`, { stepId: c.stepId, material: c.material }).refusal);
  }
  if (typeof c.quantity !== 'number' || !Number.isFinite(c.quantity) || c.quantity <= 0) {
    return refused(refuse('invalid_value', 'The quantity must be a positive number.', { field: 'quantity' }).refusal);
  }
  const slot = state.definition!.materials[c.material]!;
  const lot = ctx.lots[c.lotId];
  if (lot === undefined || !lot.state.registered) {
    return refused(refuse('material_not_usable', `There is no lot ${c.lotId}.`, { lotId: c.lotId, reason: 'not_registered' }).refusal);
  }
  if (lot.state.site !== state.site) {
    return refused(
      refuse('material_not_usable', `Lot ${c.lotId} is at site ${lot.state.site}; batch ${state.id} runs at site ${state.site}.`, { lotId: c.lotId, reason: 'other_site', site: lot.state.site }).refusal,
    );
  }
  if (lot.state.material !== slot.material) {
    return refused(
      refuse('material_not_usable', `Lot ${c.lotId} is ${lot.state.material}; "${step.title}" needs ${slot.material}.`, {
        lotId: c.lotId,
        reason: 'wrong_material',
        expected: slot.material,
      }).refusal,
    );
  }
  if (consume.weighOn !== undefined) {
    const balanceSlot = state.definition!.equipment[consume.weighOn]!;
    if (c.balanceId === undefined) {
      return refused(refuse('invalid_value', `Weigh ${slot.material} on a ${balanceSlot.class} and scan it.`, { field: 'balanceId', balanceId: c.balanceId }).refusal);
    }
    const balance = ctx.equipment[c.balanceId];
    if (balance === undefined || !balance.state.registered) {
      return refused(refuse('equipment_not_ready', `There is no equipment ${c.balanceId}.`, { equipmentId: c.balanceId, reason: 'not_registered' }).refusal);
    }
    if (balance.state.class !== balanceSlot.class) {
      return refused(
        refuse('equipment_not_ready', `${balance.state.name} is a ${balance.state.class}; ${slot.material} must be weighed on a ${balanceSlot.class}.`, {
          equipmentId: c.balanceId,
          reason: 'wrong_class',
        }).refusal,
      );
    }
    const notReady = equipmentReadiness(balance.state, balanceSlot.require, ctx.now, state.id, c.stepId);
    if (notReady) return refused(notReady);
  }
  const target = targetOf(state, consume);
  if ('error' in target) return refused(refuse('invalid_value', `The target quantity cannot be calculated: ${target.error}.`, { material: c.material }).refusal);
  const inTarget = convertQuantity(c.quantity, c.unit, target.unit);
  if (inTarget === undefined) {
    return refused(refuse('invalid_value', `${c.unit} cannot be converted to ${target.unit}.`, { unit: c.unit, expected: target.unit }).refusal);
  }
  const total = (run.consumed[c.material] ?? 0) + inTarget;
  if (total > target.quantity + target.tolerance + EPSILON) {
    return refused(
      refuse(
        'quantity_out_of_tolerance',
        `${formatQuantity(c.quantity, c.unit)} is too much: the target is ${formatQuantity(target.quantity, target.unit)} ± ${formatQuantity(target.tolerance, target.unit)} and ${formatQuantity(run.consumed[c.material] ?? 0, target.unit)} is already charged.`,
        { material: c.material, quantity: c.quantity, unit: c.unit, target },
      ).refusal,
    );
  }
  const unusable = lotUsability(lot.state, slot.require, c.quantity, c.unit, ctx.now);
  if (unusable) return refused(unusable);
  const consumption = lotDecider.decide(
    lot.state,
    { type: 'ConsumeLot', data: { batchId: state.id, stepId: c.stepId, quantity: c.quantity, unit: c.unit, require: slot.require } },
    ctx,
  );
  if (!consumption.ok) return refused(consumption.refusal);
  return accepted(
    [
      {
        type: 'MaterialConsumed',
        data: {
          stepId: c.stepId,
          material: c.material,
          materialCode: slot.material,
          lotId: c.lotId,
          quantity: c.quantity,
          unit: c.unit,
          ...(c.balanceId !== undefined ? { balanceId: c.balanceId } : {}),
          target: { ...target, consumedInTargetUnit: inTarget },
          by: ctx.actor.id,
        },
      },
    ],
    [{ streamId: lotStream(c.lotId), expectedVersion: lot.version, events: consumption.events }],
  );
}
