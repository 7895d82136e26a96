/**
 * A CAPA as its events leave it: planned (actions with owners and due dates), approved, implemented, then
 * verified automatically from later batches; it closes when QA confirms the check passed, and reopens when
 * the targeted deviation recurs.
 */
import type { DecisionSignature } from '../decisions/decision-events.ts';
import type { CapaEvent, EffectivenessCriterion, ObservedDeviation } from './capa-events.ts';

export type CapaStatus = 'none' | 'planning' | 'awaiting_approval' | 'implementing' | 'verifying' | 'effective' | 'closed';

export interface CapaAction {
  readonly id: string;
  readonly title: string;
  readonly owner: string;
  readonly dueAt: string;
  readonly changeId?: string;
  readonly done: boolean;
  readonly completedBy?: string;
  readonly completedAt?: string;
  readonly evidence?: string;
  /** For an action done by a change: the procedure version it made effective. */
  readonly version?: number;
}

export interface ObservedBatch {
  readonly batchId: string;
  readonly version: number;
  readonly clean: boolean;
  readonly recurrences: readonly ObservedDeviation[];
  readonly at: string;
}

export interface EffectivenessCheck {
  readonly round: number;
  readonly startedAt: string;
  /** Batches on an older version than the change made effective do not count. */
  readonly fromVersion?: number;
  readonly observed: readonly ObservedBatch[];
  readonly result?: 'passed' | 'failed';
  readonly endedAt?: string;
}

export interface CapaState {
  readonly exists: boolean;
  readonly id: string;
  readonly site: string;
  readonly title: string;
  readonly problem: string;
  readonly owner: string;
  readonly openedBy: string;
  readonly openedAt: string;
  readonly deviations: readonly string[];
  readonly criterion?: EffectivenessCriterion;
  readonly status: CapaStatus;
  /** 1 at opening; each reopening starts the next round (new actions, a new approval, a new check). */
  readonly round: number;
  readonly actions: readonly CapaAction[];
  readonly approvals: readonly { readonly round: number; readonly decisionId?: string; readonly signatures: readonly DecisionSignature[] }[];
  readonly checks: readonly EffectivenessCheck[];
  readonly reopenings: readonly { readonly round: number; readonly reason: string; readonly at: string }[];
  readonly closedAt?: string;
}

export const initialCapaState: CapaState = {
  exists: false,
  id: '',
  site: '',
  title: '',
  problem: '',
  owner: '',
  openedBy: '',
  openedAt: '',
  deviations: [],
  status: 'none',
  round: 0,
  actions: [],
  approvals: [],
  checks: [],
  reopenings: [],
};

function updateCheck(state: CapaState, round: number, change: (c: EffectivenessCheck) => EffectivenessCheck): CapaState {
  return { ...state, checks: state.checks.map((c) => (c.round === round ? change(c) : c)) };
}

/** Applies one event; pure and total. */
export function evolveCapa(state: CapaState, event: CapaEvent): CapaState {
  switch (event.type) {
    case 'CapaOpened': {
      const d = event.data;
      return {
        ...initialCapaState,
        exists: true,
        id: d.capaId,
        site: d.site,
        title: d.title,
        problem: d.problem,
        owner: d.owner,
        openedBy: d.by,
        openedAt: d.at,
        deviations: d.deviations,
        criterion: d.effectiveness,
        status: 'planning',
        round: 1,
      };
    }
    case 'CapaActionAdded': {
      const d = event.data;
      const action: CapaAction = { id: d.actionId, title: d.title, owner: d.owner, dueAt: d.dueAt, ...(d.changeId !== undefined ? { changeId: d.changeId } : {}), done: false };
      return { ...state, actions: [...state.actions, action] };
    }
    case 'CapaSubmitted':
      return { ...state, status: 'awaiting_approval' };
    case 'CapaApproved':
      return { ...state, status: 'implementing', approvals: [...state.approvals, { round: event.data.round, ...(event.data.decisionId !== undefined ? { decisionId: event.data.decisionId } : {}), signatures: event.data.signatures }] };
    case 'CapaReturned':
      return { ...state, status: 'planning' };
    case 'CapaActionCompleted': {
      const d = event.data;
      const actions = state.actions.map((a) =>
        a.id === d.actionId ? { ...a, done: true, completedBy: d.by, completedAt: d.at, evidence: d.evidence, ...(d.version !== undefined ? { version: d.version } : {}) } : a,
      );
      return { ...state, actions };
    }
    case 'EffectivenessCheckStarted': {
      const d = event.data;
      return { ...state, status: 'verifying', checks: [...state.checks, { round: d.round, startedAt: d.at, ...(d.fromVersion !== undefined ? { fromVersion: d.fromVersion } : {}), observed: [] }] };
    }
    case 'BatchObserved': {
      const d = event.data;
      return updateCheck(state, d.round, (c) => ({ ...c, observed: [...c.observed, { batchId: d.batchId, version: d.version, clean: d.clean, recurrences: d.recurrences, at: d.at }] }));
    }
    case 'EffectivenessCheckPassed':
      return { ...updateCheck(state, event.data.round, (c) => ({ ...c, result: 'passed', endedAt: event.data.at })), status: 'effective' };
    case 'EffectivenessCheckFailed':
      return updateCheck(state, event.data.round, (c) => ({ ...c, result: 'failed', endedAt: event.data.at }));
    case 'CapaReopened':
      return { ...state, status: 'planning', round: event.data.round, reopenings: [...state.reopenings, { round: event.data.round, reason: event.data.reason, at: event.data.at }] };
    case 'CapaClosed':
      return { ...state, status: 'closed', closedAt: event.data.at };
    default:
      return state;
  }
}

/** The running effectiveness check, if the CAPA is being verified. */
export function currentCheck(state: CapaState): EffectivenessCheck | undefined {
  return state.status === 'verifying' ? state.checks.find((c) => c.round === state.round && c.result === undefined) : undefined;
}
