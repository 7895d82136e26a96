/**
 * A scanned lot or equipment id must name the thing the procedure asks for: the right material (and a
 * usable lot of it), or equipment of the right class.
 */
import type { FieldDefinition } from '../procedure/definition.ts';
import { lotUsability } from '../resources/lot-usability.ts';
import { refuse, type Refusal } from '../shared/refusal.ts';
import type { BatchContext } from './batch-context.ts';
import type { StoredValue } from './batch-events.ts';
import type { BatchState } from './batch-state.ts';

export function checkScannedId(state: BatchState, field: FieldDefinition, value: StoredValue, ctx: BatchContext): Refusal | undefined {
  if (field.type === 'lot') {
    const id = String(value);
    const lot = ctx.lots[id]?.state;
    if (lot === undefined || !lot.registered) return refuse('material_not_usable', `There is no lot ${id}.`, { lotId: id, reason: 'not_registered' }).refusal;
    if (field.material === undefined) return undefined;
    const slot = state.definition!.materials[field.material]!;
    if (lot.material !== slot.material) {
      return refuse('material_not_usable', `Lot ${id} is ${lot.material}; "${field.label}" needs ${slot.material}.`, { lotId: id, reason: 'wrong_material', expected: slot.material }).refusal;
    }
    return lotUsability(lot, slot.require, 0, lot.unit, ctx.now);
  }
  if (field.type === 'equipment') {
    const id = String(value);
    const eq = ctx.equipment[id]?.state;
    if (eq === undefined || !eq.registered) return refuse('equipment_not_ready', `There is no equipment ${id}.`, { equipmentId: id, reason: 'not_registered' }).refusal;
    if (field.equipment === undefined) return undefined;
    const slot = state.definition!.equipment[field.equipment]!;
    if (eq.class !== slot.class) {
      return refuse('equipment_not_ready', `${eq.name} is a ${eq.class}; "${field.label}" needs a ${slot.class}.`, { equipmentId: id, reason: 'wrong_class', expected: slot.class }).refusal;
    }
  }
  return undefined;
}
