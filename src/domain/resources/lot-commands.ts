/** What people (and batch execution) ask of a material lot. Quantities are in `unit` unless said otherwise. */
import type { MaterialRequirement } from '../procedure/definition.ts';
import type { Command } from './command.ts';

interface NewLot {
  readonly lotId: string;
  readonly site: string;
  /** Material code, e.g. "PX10-GRAN". */
  readonly material: string;
  readonly quantity: number;
  readonly unit: string;
  /** A day ("2026-11-25": usable through its end, UTC) or a timestamp. */
  readonly expiry: string;
}

/** Goods receipt (operator, supervisor or qa): the lot enters quarantine until QA releases it. */
export type ReceiveLot = Command<'ReceiveLot', NewLot>;
/** Issued by batch execution when a batch completes: the lot it made, in quarantine. */
export type RegisterProducedLot = Command<'RegisterProducedLot', NewLot & { readonly batchId: string }>;
/** QA releases a quarantined, unexpired lot for use. */
export type ReleaseLot = Command<'ReleaseLot', Record<string, never>>;
/** QA rejects a lot: it may never be used again. */
export type RejectLot = Command<'RejectLot', { readonly reason: string }>;
/** Issued by batch execution: take `quantity` `unit` (converted to the lot's unit) for a step. */
export type ConsumeLot = Command<
  'ConsumeLot',
  {
    readonly batchId: string;
    readonly stepId: string;
    readonly quantity: number;
    readonly unit: string;
    readonly require: readonly MaterialRequirement[];
  }
>;
/** An inventory correction (supervisor or qa): the counted quantity on hand, in the lot's unit, and why. */
export type AdjustLot = Command<'AdjustLot', { readonly quantity: number; readonly reason: string }>;

export type LotCommand = ReceiveLot | RegisterProducedLot | ReleaseLot | RejectLot | ConsumeLot | AdjustLot;
