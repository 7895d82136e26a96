/** Material lots as a decider: the object the engine loads, decides and appends with. */
import type { Decider } from '../shared/decider.ts';
import type { LotCommand } from './lot-commands.ts';
import { decideLot } from './lot-decide.ts';
import type { LotEvent } from './lot-events.ts';
import type { LotState } from './lot-state.ts';
import { evolveLot, initialLotState } from './lot-state.ts';

/** The lot decider. */
export const lotDecider: Decider<LotState, LotCommand, LotEvent> = {
  initialState: initialLotState,
  decide: decideLot,
  evolve: evolveLot,
};

