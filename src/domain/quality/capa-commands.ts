/** What can be asked of a CAPA. Approval and the effectiveness verdict come from signed decisions. */
import type { Command } from '../resources/command.ts';
import type { DecisionSignature } from '../decisions/decision-events.ts';
import type { EffectivenessCriterion } from './capa-events.ts';
import type { BatchOutcome } from './effectiveness.ts';

export type OpenCapa = Command<
  'OpenCapa',
  {
    readonly capaId: string;
    readonly site: string;
    readonly title: string;
    readonly problem: string;
    readonly owner: string;
    readonly deviations: readonly string[];
    readonly effectiveness: EffectivenessCriterion;
  }
>;

export type AddCapaAction = Command<'AddCapaAction', { readonly actionId: string; readonly title: string; readonly owner: string; readonly dueAt: string; readonly changeId?: string }>;
export type SubmitCapa = Command<'SubmitCapa', Record<string, never>>;
export type ApproveCapa = Command<'ApproveCapa', { readonly decisionId?: string; readonly signatures: readonly DecisionSignature[] }>;
export type ReturnCapa = Command<'ReturnCapa', { readonly reason: string; readonly decisionId?: string; readonly signatures: readonly DecisionSignature[] }>;
export type CompleteCapaAction = Command<'CompleteCapaAction', { readonly actionId: string; readonly evidence: string }>;
/** Given by the quality automation when a batch of the procedure ends. */
export type RecordBatchOutcome = Command<'RecordBatchOutcome', BatchOutcome>;
export type ConfirmEffectiveness = Command<'ConfirmEffectiveness', { readonly decisionId?: string; readonly signatures: readonly DecisionSignature[] }>;
export type RejectEffectiveness = Command<'RejectEffectiveness', { readonly reason: string; readonly decisionId?: string; readonly signatures: readonly DecisionSignature[] }>;

export type CapaCommand =
  | OpenCapa
  | AddCapaAction
  | SubmitCapa
  | ApproveCapa
  | ReturnCapa
  | CompleteCapaAction
  | RecordBatchOutcome
  | ConfirmEffectiveness
  | RejectEffectiveness;

/** The commands people give directly; the rest come from signed decisions or the automation. */
export type CapaPersonCommand = OpenCapa | AddCapaAction | SubmitCapa | CompleteCapaAction;
