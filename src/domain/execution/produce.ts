/**
 * A step that makes material (an intermediate such as a granulate, or the finished product) registers the
 * lot as it completes: in quarantine, with the batch as its origin (genealogy), in the same transaction.
 */
import type { StepDefinition } from '../procedure/definition.ts';
import { lotDecider } from '../resources/lot-decider.ts';
import { initialLotState } from '../resources/lot-state.ts';
import { lotStream } from '../resources/streams.ts';
import { refuse, type Refusal } from '../shared/refusal.ts';
import type { BatchContext, StreamEvents } from './batch-context.ts';
import type { ProducedLotInput } from './batch-commands.ts';
import type { BatchState } from './batch-state.ts';

/** The produced lot's stream events, or why the step cannot be completed with what was given. */
export function producedLot(state: BatchState, step: StepDefinition, made: ProducedLotInput | undefined, ctx: BatchContext): StreamEvents | Refusal | undefined {
  if (step.produce === undefined) {
    return made === undefined ? undefined : refuse('invalid_value', `"${step.title}" makes no lot.`, { field: 'producedLot' }).refusal;
  }
  const material = state.definition!.materials[step.produce.material]?.material ?? step.produce.material;
  if (made === undefined) {
    return refuse('invalid_value', `Give the lot number, quantity and expiry of the ${material} that "${step.title}" made.`, { field: 'producedLot', material }).refusal;
  }
  if (ctx.lots[made.lotId]?.state.registered) return refuse('invalid_value', `Lot ${made.lotId} already exists; give a new lot number.`, { lotId: made.lotId }).refusal;
  const registered = lotDecider.decide(
    initialLotState,
    { type: 'RegisterProducedLot', data: { lotId: made.lotId, site: state.site, material, quantity: made.quantity, unit: made.unit, expiry: made.expiry, batchId: state.id } },
    ctx,
  );
  if (!registered.ok) return registered.refusal;
  return { streamId: lotStream(made.lotId), expectedVersion: 'no_stream', events: registered.events };
}
