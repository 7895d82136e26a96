/**
 * A deviation: born open (raised by an exception path in execution, or reported by a person), then triaged,
 * investigated, given a disposition, and closed with a signature. Its disposition frees what it held.
 */
import type { HoldScope, Severity } from '../procedure/definition.ts';
import type { DecisionSignature } from '../decisions/decision-events.ts';
import type { Signature } from '../execution/batch-events.ts';
import type { DeviationCategory, RootCauseCategory } from './categories.ts';
import type { DeviationEvent, DeviationRaised, Disposition } from './deviation-events.ts';

export type { DeviationEvent, DeviationRaised } from './deviation-events.ts';

export type DeviationStatus = 'none' | 'open' | 'triaged' | 'investigated' | 'dispositioned' | 'closed';

export interface Triage {
  readonly severity: Severity;
  readonly category: DeviationCategory;
  readonly impact: string;
  readonly investigator: string;
  readonly containment?: string;
  readonly by: string;
  readonly at: string;
  readonly decisionId?: string;
  readonly signatures: readonly DecisionSignature[];
}

export interface Investigation {
  readonly rootCause: string;
  readonly rootCauseCategory: RootCauseCategory;
  readonly findings?: string;
  readonly by: string;
  readonly at: string;
}

export interface DispositionRecord {
  readonly disposition: Disposition;
  readonly rationale: string;
  readonly by: string;
  readonly at: string;
  readonly decisionId?: string;
  readonly signatures: readonly DecisionSignature[];
}

export interface DeviationState {
  readonly raised: boolean;
  readonly status: DeviationStatus;
  /** Execution's facts, as the exception path recorded them. */
  readonly facts?: DeviationRaised['data'];
  readonly id: string;
  readonly site: string;
  readonly batchId?: string;
  readonly procedure?: string;
  readonly version?: number;
  readonly stepId?: string;
  readonly fieldId?: string;
  /** Current severity and category (triage may change what was raised). */
  readonly severity: Severity;
  readonly category: DeviationCategory;
  readonly description: string;
  readonly hold: HoldScope;
  /** Who detected or reported it (a person, or the system). */
  readonly raisedBy: string;
  readonly raisedAt: string;
  readonly triage?: Triage;
  readonly investigation?: Investigation;
  readonly disposition?: DispositionRecord;
  readonly closure?: { readonly summary: string; readonly signature: Signature; readonly by: string; readonly at: string };
  readonly capas: readonly string[];
}

export const initialDeviationState: DeviationState = {
  raised: false,
  status: 'none',
  id: '',
  site: '',
  severity: 'minor',
  category: 'process',
  description: '',
  hold: 'none',
  raisedBy: '',
  raisedAt: '',
  capas: [],
};

function statusOf(s: DeviationState): DeviationStatus {
  if (!s.raised) return 'none';
  if (s.closure) return 'closed';
  if (s.disposition) return 'dispositioned';
  if (s.investigation) return 'investigated';
  if (s.triage) return 'triaged';
  return 'open';
}

function withStatus(s: DeviationState): DeviationState {
  return { ...s, status: statusOf(s) };
}

/** Applies one event; pure and total. */
export function evolveDeviation(state: DeviationState, event: DeviationEvent): DeviationState {
  switch (event.type) {
    case 'DeviationRaised': {
      const d = event.data;
      return withStatus({
        ...initialDeviationState,
        raised: true,
        facts: d,
        id: d.deviationId,
        site: d.site,
        batchId: d.batchId,
        procedure: d.procedure,
        version: d.version,
        stepId: d.stepId,
        ...(d.fieldId !== undefined ? { fieldId: d.fieldId } : {}),
        severity: d.severity,
        category: d.group,
        description: d.message,
        hold: d.hold,
        raisedBy: d.detectedBy,
        raisedAt: d.raisedAt,
      });
    }
    case 'DeviationReported': {
      const d = event.data;
      return withStatus({
        ...initialDeviationState,
        raised: true,
        id: d.deviationId,
        site: d.site,
        ...(d.batchId !== undefined ? { batchId: d.batchId, procedure: d.procedure, version: d.version } : {}),
        ...(d.stepId !== undefined ? { stepId: d.stepId } : {}),
        severity: d.severity,
        category: d.category,
        description: d.description,
        hold: d.hold,
        raisedBy: d.reportedBy,
        raisedAt: d.reportedAt,
      });
    }
    case 'DeviationTriaged': {
      const { deviationId: _id, previousSeverity: _previous, ...triage } = event.data;
      return withStatus({ ...state, severity: triage.severity, category: triage.category, triage });
    }
    case 'InvestigationRecorded': {
      const { deviationId: _id, ...investigation } = event.data;
      return withStatus({ ...state, investigation });
    }
    case 'DispositionDecided': {
      const { deviationId: _id, ...disposition } = event.data;
      return withStatus({ ...state, disposition });
    }
    case 'DeviationClosed': {
      const { deviationId: _id, ...closure } = event.data;
      return withStatus({ ...state, closure });
    }
    case 'DeviationLinkedToCapa':
      return state.capas.includes(event.data.capaId) ? state : { ...state, capas: [...state.capas, event.data.capaId] };
    default:
      return state;
  }
}

/** Whether what the deviation holds may be released: its disposition is decided. */
export function hasDisposition(state: DeviationState): boolean {
  return state.disposition !== undefined;
}

/** Whether the deviation still needs someone's work (anything but closed). */
export function isOpenDeviation(state: DeviationState | undefined): boolean {
  return state === undefined || state.status !== 'closed';
}
