/** What happens to a change request, in the past tense. Stream: `change-<id>`. */
import type { DomainEvent } from '../shared/decider.ts';
import type { DecisionSignature } from '../decisions/decision-events.ts';

export const RISKS = ['low', 'medium', 'high'] as const;
export type Risk = (typeof RISKS)[number];

export type ChangeEvent =
  | DomainEvent<'ChangeRequested', { changeId: string; site: string; procedure: string; title: string; reason: string; capaId?: string; author: string; at: string }>
  | DomainEvent<'ChangeVersionAttached', { changeId: string; procedure: string; version: number; by: string }>
  | DomainEvent<'ChangeImpactAssessed', { changeId: string; assessment: string; risk: Risk; trainingRequired: boolean; by: string; at: string }>
  | DomainEvent<'ChangeSubmitted', { changeId: string; procedure: string; version: number; by: string; at: string }>
  | DomainEvent<'ChangeApproved', { changeId: string; decisionId?: string; signatures: readonly DecisionSignature[]; by: string; at: string }>
  | DomainEvent<'ChangeMadeEffective', { changeId: string; procedure: string; version: number; supersedes?: number; effectiveFrom: string; capaId?: string }>
  | DomainEvent<'ChangeRejected', { changeId: string; reason: string; decisionId?: string; signatures: readonly DecisionSignature[]; by: string; at: string }>;

export type ChangeEventOf<T extends ChangeEvent['type']> = Extract<ChangeEvent, { type: T }>;
