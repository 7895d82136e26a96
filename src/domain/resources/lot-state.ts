/** A material lot as its events leave it, and how each event changes it. */
import type { LotEvent } from './lot-events.ts';
import { roundQuantity } from './units.ts';

export type LotStatus = 'quarantine' | 'released' | 'rejected';

/** One quantity a batch step took from the lot, in the lot's unit. */
export interface LotConsumption {
  readonly batchId: string;
  readonly stepId: string;
  readonly quantity: number;
}

export interface LotState {
  readonly registered: boolean;
  readonly id: string;
  readonly site: string;
  /** Material code, e.g. "PX10-GRAN". */
  readonly material: string;
  readonly status: LotStatus;
  /** A day (usable through its end, UTC) or a timestamp. */
  readonly expiry: string;
  readonly unit: string;
  /** Quantity on hand in `unit`, rounded to 1e-9; never negative. */
  readonly onHand: number;
  readonly consumptions: readonly LotConsumption[];
  /** The batch that made the lot, for a produced lot. */
  readonly producedBy?: string;
  readonly rejectionReason?: string;
}

/** A lot before it is received or produced. */
export const initialLotState: LotState = {
  registered: false,
  id: '',
  site: '',
  material: '',
  status: 'quarantine',
  expiry: '',
  unit: '',
  onHand: 0,
  consumptions: [],
};

/** Applies one event. Total and pure: it never refuses (decide already did). */
export function evolveLot(state: LotState, event: LotEvent): LotState {
  switch (event.type) {
    case 'LotReceived':
    case 'LotProduced': {
      const { lotId, site, material, quantity, unit, expiry } = event.data;
      const producedBy = event.type === 'LotProduced' ? event.data.batchId : undefined;
      return { registered: true, id: lotId, site, material, status: 'quarantine', expiry, unit, onHand: roundQuantity(quantity), consumptions: [], producedBy };
    }
    case 'LotReleased':
      return { ...state, status: 'released' };
    case 'LotRejected':
      return { ...state, status: 'rejected', rejectionReason: event.data.reason };
    case 'LotConsumed': {
      const { batchId, stepId, quantity } = event.data;
      return { ...state, onHand: roundQuantity(state.onHand - quantity), consumptions: [...state.consumptions, { batchId, stepId, quantity }] };
    }
    case 'LotAdjusted':
      return { ...state, onHand: roundQuantity(event.data.to) };
  }
}

/** The material code of a lot, for execution to match against a procedure's material slot. */
export function lotMaterial(lot: LotState): string {
  return lot.material;
}

/** Total quantity batch `batchId` has taken from the lot (genealogy), in the lot's unit. */
export function consumedBy(lot: LotState, batchId: string): number {
  return roundQuantity(lot.consumptions.filter((c) => c.batchId === batchId).reduce((sum, c) => sum + c.quantity, 0));
}
