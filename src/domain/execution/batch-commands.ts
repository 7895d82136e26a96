/**
 * What people (and the engine, on their behalf) ask a batch to do. Imperative names; the server fills
 * `context` (who, when) — never the command.
 */
import type { SignatureMeaning } from '../procedure/definition.ts';
import type { Command } from '../resources/command.ts';

/** A recorded value as entered: one value, or the samples of a multi-sample field. */
export type EnteredValue = number | boolean | string | readonly number[];

/** A signature the server has re-authenticated (Part 11 §11.200); the domain checks its meaning. */
export interface SignatureInput {
  readonly meaning: SignatureMeaning;
  /** Hash of the step content signed (src/record/step-content.ts), computed by the server at signing. */
  readonly recordHash?: string;
}

export type CreateBatch = Command<
  'CreateBatch',
  {
    readonly batchId: string;
    readonly site: string;
    readonly procedure: string;
    readonly version: number;
    readonly batchSize?: number;
    /** The batch's own lot number, printed on the record. */
    readonly lot?: string;
  }
>;

export type StartStep = Command<
  'StartStep',
  {
    readonly stepId: string;
    /** Which piece of equipment fills each equipment alias the step uses. */
    readonly equipment?: Readonly<Record<string, string>>;
  }
>;

export type RecordValue = Command<
  'RecordValue',
  {
    readonly stepId: string;
    readonly fieldId: string;
    readonly value: EnteredValue;
  }
>;

export type CorrectValue = Command<
  'CorrectValue',
  {
    readonly stepId: string;
    readonly fieldId: string;
    readonly value: EnteredValue;
    readonly reason: string;
  }
>;

export type ConsumeMaterial = Command<
  'ConsumeMaterial',
  {
    readonly stepId: string;
    /** Material alias of the procedure. */
    readonly material: string;
    readonly lotId: string;
    readonly quantity: number;
    readonly unit: string;
    /** The balance it was weighed on, when the procedure says `weighOn`. */
    readonly balanceId?: string;
  }
>;

/** The lot a step made: its number, the quantity counted and its expiry. */
export interface ProducedLotInput {
  readonly lotId: string;
  readonly quantity: number;
  readonly unit: string;
  readonly expiry: string;
}

export type CompleteStep = Command<
  'CompleteStep',
  {
    readonly stepId: string;
    readonly signature?: SignatureInput;
    /** Required when the step produces material. */
    readonly producedLot?: ProducedLotInput;
  }
>;

export type VerifyStep = Command<
  'VerifyStep',
  {
    readonly stepId: string;
    readonly signature?: SignatureInput;
  }
>;

export type PlaceHold = Command<
  'PlaceHold',
  {
    /** Absent: the whole batch. */
    readonly stepId?: string;
    readonly reason: string;
  }
>;

export type ReleaseHold = Command<
  'ReleaseHold',
  {
    readonly holdId: string;
    readonly reason: string;
  }
>;

export type CompleteBatch = Command<'CompleteBatch', Record<string, never>>;

/** A watched process tag left its specification while its step runs (the process data interface only). */
export type ReportProcessExcursion = Command<'ReportProcessExcursion', { readonly stepId: string; readonly tag: string; readonly value: number }>;
/** The tag is back within its specification. */
export type EndProcessExcursion = Command<'EndProcessExcursion', { readonly stepId: string; readonly tag: string; readonly value: number }>;

export type BatchCommand =
  | CreateBatch
  | StartStep
  | RecordValue
  | CorrectValue
  | ConsumeMaterial
  | CompleteStep
  | VerifyStep
  | PlaceHold
  | ReleaseHold
  | CompleteBatch
  | ReportProcessExcursion
  | EndProcessExcursion;
