/** The rules for material lots: receipt, QA disposition, consumption by batches, inventory corrections. */
import type { DecisionContext } from '../shared/decider.ts';
import type { Decision, Refusal } from '../shared/refusal.ts';
import { accept, refuse } from '../shared/refusal.ts';
import { formatWhen, stillValid } from './dates.ts';
import { deny, firstRefusal, invalid, requireDate, requireQuantity, requireText } from './inputs.ts';
import type { LotCommand, ReceiveLot, RegisterProducedLot } from './lot-commands.ts';
import type { LotEvent } from './lot-events.ts';
import type { LotState } from './lot-state.ts';
import { lotUsability } from './lot-usability.ts';
import { roleCheck, siteCheck } from './roles.ts';
import { convertQuantity, roundQuantity } from './units.ts';

type Gated = 'ReceiveLot' | 'ReleaseLot' | 'RejectLot' | 'AdjustLot';

/** Who may issue each command. Produced lots and consumption come from execution, which checked the performer. */
const AUTHORITY: Record<Gated, { readonly roles: readonly string[]; readonly action: string }> = {
  ReceiveLot: { roles: ['operator', 'supervisor', 'qa'], action: 'Receiving a lot' },
  ReleaseLot: { roles: ['qa'], action: 'Releasing a lot' },
  RejectLot: { roles: ['qa'], action: 'Rejecting a lot' },
  AdjustLot: { roles: ['supervisor', 'qa'], action: 'Correcting the quantity of a lot' },
};

const VALID_REQUIREMENTS: readonly string[] = ['released', 'in-date'];

/** Decides one lot command: its events, or why not. */
export function decideLot(state: LotState, command: LotCommand, context: DecisionContext): Decision<LotEvent> {
  if (command.type === 'ReceiveLot' || command.type === 'RegisterProducedLot') return register(state, command, context);
  if (!state.registered)
    return refuse('lot_not_registered', 'This lot is not registered in OpenBES; check the lot number you scanned', { command: command.type });
  if (command.type !== 'ConsumeLot') {
    const { roles, action } = AUTHORITY[command.type];
    const denied = roleCheck(context.actor.roles, roles, action) ?? siteCheck(context.actor.site, state.site, `Lot ${state.id}`);
    if (denied) return deny(denied);
  }
  const lotId = state.id;
  switch (command.type) {
    case 'ReleaseLot': {
      if (state.status !== 'quarantine') {
        const was = state.status === 'released' ? 'is already released' : 'was rejected; a rejected lot can never be released';
        return refuse('lot_not_in_quarantine', `Lot ${lotId} ${was}`, { lotId, status: state.status });
      }
      if (!stillValid(state.expiry, context.now))
        return refuse('lot_expired', `Lot ${lotId} expired on ${formatWhen(state.expiry)}; an expired lot cannot be released`, { lotId, expiry: state.expiry });
      return accept({ type: 'LotReleased', data: { lotId } });
    }
    case 'RejectLot': {
      const bad = requireText('reason', command.data.reason, 'The reason');
      if (bad) return deny(bad);
      if (state.status === 'rejected')
        return refuse('lot_already_rejected', `Lot ${lotId} is already rejected`, { lotId, reason: state.rejectionReason });
      return accept({ type: 'LotRejected', data: { lotId, reason: command.data.reason } });
    }
    case 'ConsumeLot': {
      const { batchId, stepId, quantity, unit, require } = command.data;
      const bad = firstRefusal(
        requireText('batchId', batchId, 'The batch id'),
        requireText('stepId', stepId, 'The step id'),
        requireQuantity('quantity', quantity, 'The quantity'),
        requireText('unit', unit, 'The unit'),
        Array.isArray(require) && require.every((r) => VALID_REQUIREMENTS.includes(r))
          ? undefined
          : invalid('require', `Material requirements must be released or in-date; got ${String(require)}`, require),
      );
      if (bad) return deny(bad);
      const unusable = lotUsability(state, require, quantity, unit, context.now);
      if (unusable) return deny(unusable);
      // lotUsability converted successfully, so this is defined.
      const inLotUnit = roundQuantity(convertQuantity(quantity, unit, state.unit)!);
      if (inLotUnit === 0) return deny(tooSmall('quantity', quantity, unit, state));
      return accept({
        type: 'LotConsumed',
        data: { lotId, batchId, stepId, quantity: inLotUnit, unit: state.unit, requested: { quantity, unit } },
      });
    }
    case 'AdjustLot': {
      const { quantity, reason } = command.data;
      const bad = firstRefusal(requireQuantity('quantity', quantity, 'The counted quantity', true), requireText('reason', reason, 'The reason'));
      if (bad) return deny(bad);
      // Recording a count equal to the book quantity is kept: it is the evidence of a cycle count.
      return accept({ type: 'LotAdjusted', data: { lotId, from: state.onHand, to: roundQuantity(quantity), unit: state.unit, reason } });
    }
  }
}

function register(state: LotState, command: ReceiveLot | RegisterProducedLot, context: DecisionContext): Decision<LotEvent> {
  const { lotId, site, material, quantity, unit, expiry } = command.data;
  const bad = firstRefusal(
    command.type === 'ReceiveLot' ? roleCheck(context.actor.roles, AUTHORITY.ReceiveLot.roles, AUTHORITY.ReceiveLot.action) : undefined,
    requireText('lotId', lotId, 'The lot number'),
    requireText('site', site, 'The site'),
    requireText('material', material, 'The material code'),
    requireQuantity('quantity', quantity, 'The quantity'),
    requireText('unit', unit, 'The unit'),
    // An already expired lot may still be received (the goods are here); it can never be released.
    requireDate('expiry', expiry, 'The expiry date'),
    command.type === 'RegisterProducedLot' ? requireText('batchId', command.data.batchId, 'The batch id') : undefined,
    command.type === 'ReceiveLot' ? siteCheck(context.actor.site, site, `Lot ${lotId}`) : undefined,
  );
  if (bad) return deny(bad);
  if (roundQuantity(quantity) === 0) return deny(tooSmall('quantity', quantity, unit));
  if (state.registered) return refuse('already_registered', `Lot ${state.id} is already registered`, { lotId: state.id, material: state.material });
  const facts = { lotId, site, material, quantity: roundQuantity(quantity), unit, expiry };
  return command.type === 'ReceiveLot'
    ? accept({ type: 'LotReceived', data: facts })
    : accept({ type: 'LotProduced', data: { ...facts, batchId: command.data.batchId } });
}

/** Stock is kept to 1e-9 of the lot's unit: a quantity that rounds to nothing cannot be recorded. */
function tooSmall(field: string, quantity: number, unit: string, lot?: LotState): Refusal {
  const where = lot ? ` against lot ${lot.id}, counted in ${lot.unit}` : '';
  return invalid(field, `${quantity} ${unit} is too small to record${where}; quantities are kept to 0.000000001 of the unit`, quantity);
}
