/**
 * What happened to a batch, in the past tense. These events are the electronic batch record.
 */
import type { DomainEvent } from '../shared/decider.ts';
import type { ExceptionGroup, HoldScope, Limits, ProcedureDefinition, Severity, SignatureMeaning, SopRef } from '../procedure/definition.ts';

/** How a value compares with its limits. A true out-of-spec value is recorded, never refused. */
export type Evaluation = 'in_spec' | 'alert' | 'out_of_spec' | 'unchecked';

/** A stored value: a single value, or samples with their statistics. */
export type StoredValue = number | boolean | string | { readonly values: readonly number[]; readonly mean: number; readonly min: number; readonly max: number };

export interface Signature {
  readonly meaning: SignatureMeaning;
  readonly by: string;
  /** Printed name at the time of signing (§11.50). */
  readonly name: string;
  readonly at: string;
  /** The signed content's hash (§11.70): a later change to the content no longer matches it. */
  readonly recordHash?: string;
}

export type BatchEvent =
  | DomainEvent<'BatchCreated', {
      batchId: string;
      site: string;
      procedure: string;
      version: number;
      /** The definition enforced, copied so the record is self-contained. */
      definition: ProcedureDefinition;
      batchSize?: number;
      lot?: string;
      product?: string;
    }>
  | DomainEvent<'StepStarted', { stepId: string; equipment: Record<string, string>; by: string; name: string; at: string }>
  | DomainEvent<'ValueRecorded', {
      stepId: string;
      fieldId: string;
      value: StoredValue;
      unit?: string;
      evaluation: Evaluation;
      limits?: Limits;
      /** 1 for the first recording; in-process checks repeated while the step runs count up. */
      round: number;
      by: string;
      computed?: { expression: string };
    }>
  | DomainEvent<'ValueCorrected', {
      stepId: string;
      fieldId: string;
      previous: StoredValue;
      value: StoredValue;
      evaluation: Evaluation;
      reason: string;
      by: string;
    }>
  | DomainEvent<'MaterialConsumed', {
      stepId: string;
      material: string;
      materialCode: string;
      lotId: string;
      quantity: number;
      unit: string;
      balanceId?: string;
      /** The procedure's target, its tolerance, and this consumption converted to the target's unit. */
      target: { quantity: number; unit: string; tolerance: number; consumedInTargetUnit: number };
      by: string;
    }>
  | DomainEvent<'ExceptionRaised', {
      deviationId: string;
      stepId: string;
      fieldId?: string;
      severity: Severity;
      group: ExceptionGroup;
      hold: HoldScope;
      message: string;
      value?: StoredValue;
      limits?: Limits;
      ref?: SopRef;
    }>
  | DomainEvent<'HoldPlaced', { holdId: string; stepId?: string; reason: string; deviationId?: string; by: string }>
  | DomainEvent<'HoldReleased', { holdId: string; reason: string; by: string }>
  | DomainEvent<'StepCompleted', { stepId: string; by: string; name: string; at: string; signature?: Signature; producedLot?: { lotId: string; quantity: number; unit: string } }>
  | DomainEvent<'StepVerified', { stepId: string; by: string; name: string; at: string; signature?: Signature }>
  | DomainEvent<'StepSkipped', { stepId: string; condition: string; reason: string }>
  | DomainEvent<'BatchCompleted', { by: string; at: string }>
  | DomainEvent<'ProcessExcursionStarted', { stepId: string; tag: string; source: string; value: number; unit: string; limits?: Limits; at: string }>
  | DomainEvent<'ProcessExcursionEnded', { stepId: string; tag: string; value: number; at: string }>;

export type BatchEventType = BatchEvent['type'];
export type BatchEventOf<T extends BatchEventType> = Extract<BatchEvent, { type: T }>;

/** The stream of one batch. */
export function batchStream(batchId: string): string {
  return `batch-${batchId}`;
}

/** The stream of one deviation (its lifecycle is the deviation decider's; execution raises it). */
export function deviationStream(deviationId: string): string {
  return `deviation-${deviationId}`;
}
