/** What happened to a material lot; consumption and production events build the genealogy. */
import type { DomainEvent } from '../shared/decider.ts';

type Data<D> = { readonly lotId: string } & D;

interface LotFacts {
  readonly site: string;
  readonly material: string;
  readonly quantity: number;
  readonly unit: string;
  readonly expiry: string;
}

export type LotReceived = DomainEvent<'LotReceived', Data<LotFacts>>;
/** A lot made by a batch (genealogy: batch → lot). */
export type LotProduced = DomainEvent<'LotProduced', Data<LotFacts & { readonly batchId: string }>>;
export type LotReleased = DomainEvent<'LotReleased', Data<object>>;
export type LotRejected = DomainEvent<'LotRejected', Data<{ readonly reason: string }>>;
/**
 * A quantity taken by a batch step (genealogy: lot → batch). `quantity` is in the lot's `unit`;
 * `requested` is what execution asked for, in its own unit.
 */
export type LotConsumed = DomainEvent<
  'LotConsumed',
  Data<{
    readonly batchId: string;
    readonly stepId: string;
    readonly quantity: number;
    readonly unit: string;
    readonly requested: { readonly quantity: number; readonly unit: string };
  }>
>;
/** An inventory correction: on hand went from `from` to `to` (the lot's unit). */
export type LotAdjusted = DomainEvent<'LotAdjusted', Data<{ readonly from: number; readonly to: number; readonly unit: string; readonly reason: string }>>;

export type LotEvent = LotReceived | LotProduced | LotReleased | LotRejected | LotConsumed | LotAdjusted;
