/** Equipment as a decider: the object the engine loads, decides and appends with. */
import type { Decider } from '../shared/decider.ts';
import type { EquipmentCommand } from './equipment-commands.ts';
import { decideEquipment } from './equipment-decide.ts';
import type { EquipmentEvent } from './equipment-events.ts';
import type { EquipmentState } from './equipment-state.ts';
import { evolveEquipment, initialEquipmentState } from './equipment-state.ts';

/** The equipment decider. */
export const equipmentDecider: Decider<EquipmentState, EquipmentCommand, EquipmentEvent> = {
  initialState: initialEquipmentState,
  decide: decideEquipment,
  evolve: evolveEquipment,
};

