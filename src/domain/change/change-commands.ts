/** What can be asked of a change request. Approval and rejection come from its signed decision. */
import type { Command } from '../resources/command.ts';
import type { DecisionSignature } from '../decisions/decision-events.ts';

export type RequestChange = Command<
  'RequestChange',
  { readonly changeId: string; readonly site: string; readonly procedure: string; readonly title: string; readonly reason: string; readonly capaId?: string }
>;
/** Names the drafted procedure version (drafted with the procedure's own DraftVersion) the change proposes. */
export type AttachVersion = Command<'AttachVersion', { readonly version: number }>;
export type AssessImpact = Command<'AssessImpact', { readonly assessment: string; readonly risk: string; readonly trainingRequired?: boolean }>;
export type SubmitChange = Command<'SubmitChange', Record<string, never>>;
export type ApproveChange = Command<'ApproveChange', { readonly decisionId?: string; readonly signatures: readonly DecisionSignature[] }>;
export type RejectChange = Command<'RejectChange', { readonly reason: string; readonly decisionId?: string; readonly signatures: readonly DecisionSignature[] }>;

export type ChangeCommand = RequestChange | AttachVersion | AssessImpact | SubmitChange | ApproveChange | RejectChange;

/** The commands people give directly. */
export type ChangePersonCommand = RequestChange | AttachVersion | AssessImpact | SubmitChange;
