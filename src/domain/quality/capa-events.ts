/** What happens to a CAPA, in the past tense. Stream: `capa-<id>`. */
import type { DomainEvent } from '../shared/decider.ts';
import type { DecisionSignature } from '../decisions/decision-events.ts';
import type { DeviationCategory } from './categories.ts';

/**
 * What "effective" means, fixed when the CAPA is opened: no deviation at this step (and field, and of this
 * category, where given) of this procedure over the next `batches` batches of the site.
 */
export interface EffectivenessCriterion {
  readonly procedure: string;
  readonly stepId?: string;
  readonly fieldId?: string;
  readonly category?: DeviationCategory;
  readonly batches: number;
}

/** A deviation of an observed batch, as much of it as the criterion looks at. */
export interface ObservedDeviation {
  readonly deviationId: string;
  readonly stepId?: string;
  readonly fieldId?: string;
  readonly category: string;
  readonly severity: string;
}

export type CapaEvent =
  | DomainEvent<'CapaOpened', {
      capaId: string;
      site: string;
      title: string;
      problem: string;
      owner: string;
      deviations: readonly string[];
      effectiveness: EffectivenessCriterion;
      by: string;
      at: string;
    }>
  | DomainEvent<'CapaActionAdded', { capaId: string; actionId: string; title: string; owner: string; dueAt: string; changeId?: string; by: string }>
  | DomainEvent<'CapaSubmitted', { capaId: string; round: number; by: string; at: string }>
  | DomainEvent<'CapaApproved', { capaId: string; round: number; decisionId?: string; signatures: readonly DecisionSignature[]; by: string; at: string }>
  | DomainEvent<'CapaReturned', { capaId: string; round: number; reason: string; decisionId?: string; signatures: readonly DecisionSignature[]; by: string; at: string }>
  | DomainEvent<'CapaActionCompleted', { capaId: string; actionId: string; evidence: string; version?: number; by: string; at: string }>
  | DomainEvent<'EffectivenessCheckStarted', { capaId: string; round: number; fromVersion?: number; criterion: EffectivenessCriterion; at: string }>
  | DomainEvent<'BatchObserved', { capaId: string; round: number; batchId: string; version: number; clean: boolean; recurrences: readonly ObservedDeviation[]; count: number; at: string }>
  | DomainEvent<'EffectivenessCheckPassed', { capaId: string; round: number; batches: readonly string[]; at: string }>
  | DomainEvent<'EffectivenessCheckFailed', { capaId: string; round: number; batchId: string; recurrences: readonly ObservedDeviation[]; at: string }>
  | DomainEvent<'CapaReopened', { capaId: string; round: number; reason: string; by: string; at: string }>
  | DomainEvent<'CapaClosed', { capaId: string; round: number; decisionId?: string; signatures: readonly DecisionSignature[]; by: string; at: string }>;

export type CapaEventOf<T extends CapaEvent['type']> = Extract<CapaEvent, { type: T }>;
