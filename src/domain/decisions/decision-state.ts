/** A decision task as its events leave it. */
import type { Conflict } from './segregation.ts';
import type { DecisionSubject } from './subjects.ts';
import type { DecisionEvent, DecisionSignature, Escalation } from './decision-events.ts';

export type DecisionStatus = 'none' | 'open' | 'decided' | 'withdrawn';

export interface DecisionState {
  readonly exists: boolean;
  readonly id: string;
  readonly site: string;
  readonly subject?: DecisionSubject;
  readonly status: DecisionStatus;
  readonly rule: string;
  /** The role it is routed to now (changes on escalation). */
  readonly role: string;
  /** Every role it has been routed to: all of them may sign it. */
  readonly roles: readonly string[];
  readonly assignee?: string;
  readonly routedAt: string;
  readonly dueAt: string;
  /** The whole escalation chain; `level` of them have fired. */
  readonly escalations: readonly Escalation[];
  readonly level: number;
  readonly quorum: number;
  readonly conflicts: readonly Conflict[];
  readonly notify: readonly string[];
  /** Signatures given so far (of the outcome on its way to the quorum). */
  readonly signatures: readonly DecisionSignature[];
  /** The subject's data proposed by the first signer (a quorum signs the same thing). */
  readonly data?: Readonly<Record<string, unknown>>;
  readonly outcome?: string;
  readonly decidedAt?: string;
  readonly withdrawnReason?: string;
}

export const initialDecisionState: DecisionState = {
  exists: false,
  id: '',
  site: '',
  status: 'none',
  rule: '',
  role: '',
  roles: [],
  routedAt: '',
  dueAt: '',
  escalations: [],
  level: 0,
  quorum: 1,
  conflicts: [],
  notify: [],
  signatures: [],
};

/** Applies one event; pure and total. */
export function evolveDecision(state: DecisionState, event: DecisionEvent): DecisionState {
  switch (event.type) {
    case 'DecisionRouted': {
      const d = event.data;
      return {
        ...initialDecisionState,
        exists: true,
        id: d.decisionId,
        site: d.site,
        subject: d.subject,
        status: 'open',
        rule: d.rule,
        role: d.role,
        roles: [d.role],
        ...(d.assignee !== undefined ? { assignee: d.assignee } : {}),
        routedAt: d.routedAt,
        dueAt: d.dueAt,
        escalations: d.escalations,
        quorum: d.quorum,
        conflicts: d.conflicts,
        notify: d.notify,
      };
    }
    case 'DecisionAssigned':
      return { ...state, assignee: event.data.assignee };
    case 'DecisionEscalated': {
      const d = event.data;
      const { assignee: _previous, ...rest } = state;
      return {
        ...rest,
        level: d.level,
        role: d.role,
        roles: state.roles.includes(d.role) ? state.roles : [...state.roles, d.role],
        ...(d.assignee !== undefined ? { assignee: d.assignee } : {}),
        dueAt: d.dueAt,
        notify: [...new Set([...state.notify, ...d.notify])],
      };
    }
    case 'DecisionSigned':
      return { ...state, signatures: [...state.signatures, event.data.signature], ...(state.data === undefined && event.data.data !== undefined ? { data: event.data.data } : {}) };
    case 'DecisionMade':
      return { ...state, status: 'decided', outcome: event.data.outcome, decidedAt: event.data.at };
    case 'DecisionWithdrawn':
      return { ...state, status: 'withdrawn', withdrawnReason: event.data.reason };
    default:
      return state;
  }
}

/** Whether an open decision is past its due time at `now`. */
export function isOverdue(state: DecisionState, now: string): boolean {
  return state.status === 'open' && Date.parse(now) > Date.parse(state.dueAt);
}
