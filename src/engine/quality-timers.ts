/**
 * What firing a quality timer does: an overdue decision escalates (EscalateDecision, as the system), with
 * the timer's key as idempotency key so a timer fired twice — by two processes, or again after a crash —
 * is recorded once. A timer whose decision moved on meanwhile is skipped.
 */
import type { TimerRow } from '../timers/timer-store.ts';
import type { FireResult, FireTimer } from '../timers/scheduler.ts';
import { nextDecisionTimer } from '../domain/decisions/decision-timers.ts';
import type { DecisionState } from '../domain/decisions/decision-state.ts';
import { timerActor } from './quality-actors.ts';
import { executeDecisionCommand } from './quality-decisions.ts';
import type { Engine } from './engine.ts';

export const DECISION_ESCALATION = 'decision-escalation';

export interface EscalationPayload {
  readonly decisionId: string;
  readonly level: number;
}

/** The fire function for the scheduler. */
export function qualityTimerFiring(engine: Engine): FireTimer {
  return async (timer: TimerRow): Promise<FireResult> => {
    if (timer.kind !== DECISION_ESCALATION) return { status: 'skipped', result: `unknown timer kind ${timer.kind}` };
    const { decisionId, level } = timer.payload as EscalationPayload;
    const decision = await engine.load<DecisionState>('decision', decisionId);
    if (nextDecisionTimer(decision.state)?.key !== timer.key) return { status: 'skipped', result: `decision ${decisionId} is ${decision.state.status} at level ${decision.state.level}` };
    const outcome = await executeDecisionCommand(engine, decisionId, { type: 'EscalateDecision', data: { level } }, timerActor(decision.state.site), { idempotencyKey: `timer:${timer.key}` });
    if (outcome.ok) return { status: 'fired', result: `escalated to level ${level}${outcome.replayed ? ' (already recorded)' : ''}` };
    return { status: 'skipped', result: `${outcome.refusal.code}: ${outcome.refusal.message}` };
  };
}
