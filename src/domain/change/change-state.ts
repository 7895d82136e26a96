/**
 * A change request against a procedure: drafted with the new version it proposes and an impact assessment,
 * submitted for approval, then — approved by a quorum that never includes its author — the new version is
 * effective; or rejected, and the version withdrawn.
 */
import type { DecisionSignature } from '../decisions/decision-events.ts';
import type { ChangeEvent, Risk } from './change-events.ts';

export type ChangeStatus = 'none' | 'draft' | 'submitted' | 'effective' | 'rejected';

export interface ChangeState {
  readonly exists: boolean;
  readonly id: string;
  readonly site: string;
  readonly procedure: string;
  readonly title: string;
  readonly reason: string;
  readonly author: string;
  readonly requestedAt: string;
  readonly capaId?: string;
  readonly status: ChangeStatus;
  /** The drafted procedure version the change proposes. */
  readonly version?: number;
  readonly impact?: { readonly assessment: string; readonly risk: Risk; readonly trainingRequired: boolean; readonly by: string; readonly at: string };
  readonly approval?: { readonly decisionId?: string; readonly signatures: readonly DecisionSignature[]; readonly at: string };
  readonly effectiveFrom?: string;
  readonly supersedes?: number;
  readonly rejection?: { readonly reason: string; readonly by: string; readonly at: string };
}

export const initialChangeState: ChangeState = { exists: false, id: '', site: '', procedure: '', title: '', reason: '', author: '', requestedAt: '', status: 'none' };

/** Applies one event; pure and total. */
export function evolveChange(state: ChangeState, event: ChangeEvent): ChangeState {
  switch (event.type) {
    case 'ChangeRequested': {
      const d = event.data;
      return {
        ...initialChangeState,
        exists: true,
        id: d.changeId,
        site: d.site,
        procedure: d.procedure,
        title: d.title,
        reason: d.reason,
        author: d.author,
        requestedAt: d.at,
        ...(d.capaId !== undefined ? { capaId: d.capaId } : {}),
        status: 'draft',
      };
    }
    case 'ChangeVersionAttached':
      return { ...state, version: event.data.version };
    case 'ChangeImpactAssessed': {
      const { changeId: _id, ...impact } = event.data;
      return { ...state, impact };
    }
    case 'ChangeSubmitted':
      return { ...state, status: 'submitted' };
    case 'ChangeApproved':
      return { ...state, approval: { ...(event.data.decisionId !== undefined ? { decisionId: event.data.decisionId } : {}), signatures: event.data.signatures, at: event.data.at } };
    case 'ChangeMadeEffective':
      return { ...state, status: 'effective', effectiveFrom: event.data.effectiveFrom, ...(event.data.supersedes !== undefined ? { supersedes: event.data.supersedes } : {}) };
    case 'ChangeRejected':
      return { ...state, status: 'rejected', rejection: { reason: event.data.reason, by: event.data.by, at: event.data.at } };
    default:
      return state;
  }
}
