/**
 * What happens to a deviation, in the past tense. Stream: `deviation-<id>`. Execution raises one from an
 * exception path (DeviationRaised); a person reports one (DeviationReported); triage, investigation,
 * disposition and closure follow.
 */
import type { DomainEvent } from '../shared/decider.ts';
import type { ExceptionGroup, HoldScope, Severity } from '../procedure/definition.ts';
import type { DecisionSignature } from '../decisions/decision-events.ts';
import type { Signature } from '../execution/batch-events.ts';
import type { DeviationCategory, RootCauseCategory } from './categories.ts';

export const DISPOSITIONS = ['continue', 'repeat_step', 'rework', 'reject_batch'] as const;
/** What happens to the batch: go on, repeat the step, rework, or reject the batch. */
export type Disposition = (typeof DISPOSITIONS)[number];

export type DeviationRaised = DomainEvent<
  'DeviationRaised',
  {
    readonly deviationId: string;
    readonly batchId: string;
    readonly site: string;
    readonly procedure: string;
    readonly version: number;
    readonly stepId: string;
    readonly fieldId?: string;
    readonly severity: Severity;
    readonly group: ExceptionGroup;
    readonly hold: HoldScope;
    readonly message: string;
    readonly value?: unknown;
    readonly raisedAt: string;
    readonly detectedBy: string;
  }
>;

export type DeviationReported = DomainEvent<
  'DeviationReported',
  {
    readonly deviationId: string;
    readonly site: string;
    readonly batchId?: string;
    readonly procedure?: string;
    readonly version?: number;
    readonly stepId?: string;
    readonly severity: Severity;
    readonly category: DeviationCategory;
    readonly description: string;
    readonly hold: HoldScope;
    readonly reportedBy: string;
    readonly reportedAt: string;
  }
>;

export type DeviationTriaged = DomainEvent<
  'DeviationTriaged',
  {
    readonly deviationId: string;
    readonly severity: Severity;
    readonly previousSeverity: Severity;
    readonly category: DeviationCategory;
    readonly impact: string;
    readonly investigator: string;
    readonly containment?: string;
    readonly decisionId?: string;
    readonly signatures: readonly DecisionSignature[];
    readonly by: string;
    readonly at: string;
  }
>;

export type InvestigationRecorded = DomainEvent<
  'InvestigationRecorded',
  { readonly deviationId: string; readonly rootCause: string; readonly rootCauseCategory: RootCauseCategory; readonly findings?: string; readonly by: string; readonly at: string }
>;

export type DispositionDecided = DomainEvent<
  'DispositionDecided',
  {
    readonly deviationId: string;
    readonly disposition: Disposition;
    readonly rationale: string;
    readonly decisionId?: string;
    readonly signatures: readonly DecisionSignature[];
    readonly by: string;
    readonly at: string;
  }
>;

export type DeviationClosed = DomainEvent<'DeviationClosed', { readonly deviationId: string; readonly summary: string; readonly signature: Signature; readonly by: string; readonly at: string }>;

export type DeviationLinkedToCapa = DomainEvent<'DeviationLinkedToCapa', { readonly deviationId: string; readonly capaId: string; readonly by: string }>;

export type DeviationEvent = DeviationRaised | DeviationReported | DeviationTriaged | InvestigationRecorded | DispositionDecided | DeviationClosed | DeviationLinkedToCapa;
