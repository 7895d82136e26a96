/**
 * The timer a decision task needs, as data (the runtime in src/timers keeps and fires it): while it is open
 * and has an escalation step left, the next step at its time. A decided or withdrawn task needs none.
 */
import type { EscalateDecision } from './decision-commands.ts';
import type { DecisionState } from './decision-state.ts';

export interface DecisionTimer {
  /** Unique per escalation step, so a step is scheduled, claimed and fired once. */
  readonly key: string;
  readonly decisionId: string;
  readonly at: string;
  readonly command: EscalateDecision;
}

/** The key of escalation step `level` of a decision. */
export function escalationKey(decisionId: string, level: number): string {
  return `decision:${decisionId}:escalate:${level}`;
}

/** The next escalation of an open decision, if it has one left. */
export function nextDecisionTimer(state: DecisionState): DecisionTimer | undefined {
  if (state.status !== 'open') return undefined;
  const level = state.level + 1;
  const step = state.escalations[level - 1];
  if (step === undefined) return undefined;
  return { key: escalationKey(state.id, level), decisionId: state.id, at: step.at, command: { type: 'EscalateDecision', data: { level } } };
}
