/**
 * A deviation as execution raises it. Its triage, investigation, disposition and closure (routed, signed
 * decisions) extend this state; here it is born open, with everything known at the moment it happened.
 */
import type { DomainEvent } from '../shared/decider.ts';
import type { ExceptionGroup, HoldScope, Severity } from '../procedure/definition.ts';

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

export type DeviationEvent = DeviationRaised;

export interface DeviationState {
  readonly raised: boolean;
  readonly status: 'none' | 'open';
  readonly facts?: DeviationRaised['data'];
}

export const initialDeviationState: DeviationState = { raised: false, status: 'none' };

export function evolveDeviation(state: DeviationState, event: DeviationEvent): DeviationState {
  switch (event.type) {
    case 'DeviationRaised':
      return { raised: true, status: 'open', facts: event.data };
    default:
      return state;
  }
}
