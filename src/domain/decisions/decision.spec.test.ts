/**
 * Decision tasks, given / when / then without a database: routing with due and escalation times, assignment,
 * escalation (only the system, only when due, each level once), signatures with their meaning, the quorum of
 * distinct people, a veto, withdrawal — and one named case for every refusal code.
 */
import { describe, expect, it } from 'vitest';
import type { DecisionCommand, Route, RouteDecision } from './decision-commands.ts';
import { decideDecision } from './decision-decider.ts';
import type { DecisionEvent } from './decision-events.ts';
import { evolveDecision, initialDecisionState, isOverdue } from './decision-state.ts';
import { nextDecisionTimer } from './decision-timers.ts';
import type { Conflict } from './segregation.ts';
import type { DecisionSubject } from './subjects.ts';
import type { Actor } from '../shared/decider.ts';
import { at, contextOf, HOUR, spec, T0, who } from '../quality/test-quality.ts';

const decisions = spec(decideDecision, evolveDecision, initialDecisionState);

const subject: DecisionSubject = { kind: 'change_approval', id: 'CC-7', title: 'change CC-7: force check at set-up' };
const route: Route = { rule: 'defaults.change_approval[0]', role: 'qa', dueInMs: 24 * HOUR, escalate: [{ afterMs: 24 * HOUR, role: 'qa-lead', notify: [] }, { afterMs: 48 * HOUR, role: 'leader', notify: ['leader'] }], quorum: 2, notify: [] };
const conflicts: Conflict[] = [{ personId: 'u-rita', code: 'author_cannot_approve', reason: 'requested change CC-7' }];

const routeCommand = (over: Partial<RouteDecision['data']> = {}): DecisionCommand => ({ type: 'RouteDecision', data: { decisionId: 'D-1', site: 'S1', subject, route, conflicts, ...over } });
const sign = (outcome: string, meaning: 'approved' | 'reviewed' | 'released' = 'approved', comment?: string, data?: Record<string, unknown>): DecisionCommand => ({
  type: 'SignDecision',
  data: { outcome, signature: { meaning, recordHash: 'h-1' }, ...(comment ? { comment } : {}), ...(data ? { data } : {}) },
});

const routed: DecisionEvent = {
  type: 'DecisionRouted',
  data: {
    decisionId: 'D-1',
    site: 'S1',
    subject,
    rule: 'defaults.change_approval[0]',
    role: 'qa',
    routedAt: T0,
    dueAt: at(24),
    escalations: [
      { at: at(24), role: 'qa-lead', notify: [] },
      { at: at(48), role: 'leader', notify: ['leader'] },
    ],
    quorum: 2,
    conflicts,
    notify: [],
    by: 'system:quality',
  },
};
const signedBy = (a: typeof who.quinn, outcome = 'approve', count = 1, hours = 1): DecisionEvent => ({
  type: 'DecisionSigned',
  data: { decisionId: 'D-1', signature: { meaning: 'approved', by: a.id, name: a.name, at: at(hours), recordHash: 'h-1', outcome }, count, quorum: 2 },
});
/** Quinn's signature proposing `data` for the subject. */
const signedWith = (data: Record<string, unknown>): DecisionEvent => {
  const e = signedBy(who.quinn);
  return e.type === 'DecisionSigned' ? { type: 'DecisionSigned', data: { ...e.data, data } } : e;
};
const routedWith = (people: readonly Conflict[]): DecisionEvent => (routed.type === 'DecisionRouted' ? { type: 'DecisionRouted', data: { ...routed.data, conflicts: people } } : routed);
const escalated: DecisionEvent = { type: 'DecisionEscalated', data: { decisionId: 'D-1', level: 1, from: 'qa', role: 'qa-lead', notify: [], dueAt: at(48), at: at(24) } };

describe('routing a decision', () => {
  it('records the role, the due time and the whole escalation chain as times, counted from routing', () => {
    decisions.given([]).when(routeCommand(), contextOf(who.quality)).thenEvents([routed]);
  });

  it('starts the clock when what called for it happened (`from`), not when the reactor got to it', () => {
    const events = decisions.given([]).when(routeCommand({ from: at(-2) }), contextOf(who.quality)).events();
    expect(events[0]).toMatchObject({ data: { routedAt: at(-2), dueAt: at(22), escalations: [{ at: at(22) }, { at: at(46) }] } });
  });

  it('is overdue after its due time, and its next timer is the first escalation', () => {
    const state = decisions.given([routed]).state;
    expect(isOverdue(state, at(23))).toBe(false);
    expect(isOverdue(state, at(25))).toBe(true);
    expect(nextDecisionTimer(state)).toEqual({ key: 'decision:D-1:escalate:1', decisionId: 'D-1', at: at(24), command: { type: 'EscalateDecision', data: { level: 1 } } });
    expect(nextDecisionTimer(decisions.given([routed, escalated]).state)?.key).toBe('decision:D-1:escalate:2');
  });

  it.each([
    ['decision_exists', [routed], routeCommand(), who.quality],
    ['role_not_permitted', [], routeCommand(), who.olivia],
    ['site_mismatch', [], routeCommand(), who.sven],
  ] as const)('is refused with %s', (code, given, command, actor) => {
    decisions.given(given).when(command, contextOf(actor)).thenRefused(code);
  });

  it.each([
    ['an unknown role', { route: { ...route, role: 'boss' } }, 'route.role'],
    ['a quorum of 0', { route: { ...route, quorum: 0 } }, 'route.quorum'],
    ['no due time', { route: { ...route, dueInMs: 0 } }, 'route.dueInMs'],
    ['escalations out of order', { route: { ...route, escalate: [{ afterMs: 2 * HOUR, role: 'qa-lead' }, { afterMs: HOUR, role: 'leader' }] } }, 'route.escalate'],
    ['an unknown kind', { subject: { ...subject, kind: 'lunch' as never } }, 'subject.kind'],
    ['a person dating it back', { from: at(-48) }, 'from', who.quinn],
    ['an unknown segregation rule', { conflicts: [{ personId: 'u-x', code: 'friends' as never, reason: 'x' }] }, 'conflicts'],
  ] as [string, Partial<RouteDecision['data']>, string, Actor?][])('refuses %s (invalid_value)', (_name, over, field, actor = who.quality) => {
    expect(decisions.given([]).when(routeCommand(over), contextOf(actor)).thenRefused('invalid_value').details).toMatchObject({ field });
  });

  it('refuses to assign it from the start to someone whose work it judges (author_cannot_approve)', () => {
    decisions.given([]).when(routeCommand({ route: { ...route, assignee: 'u-rita' } }), contextOf(who.quality)).thenRefused('author_cannot_approve');
  });
});

describe('escalation', () => {
  it('the timers escalate it when due: the next role may sign, the due time moves to the next step', () => {
    decisions.given([routed]).when({ type: 'EscalateDecision', data: { level: 1 } }, contextOf(who.timers, at(24))).thenEvents([escalated]);
    const state = decisions.given([routed, escalated]).state;
    expect(state).toMatchObject({ role: 'qa-lead', roles: ['qa', 'qa-lead'], level: 1, dueAt: at(48) });
  });

  it('the last step notifies the roles it names', () => {
    const events = decisions.given([routed, escalated]).when({ type: 'EscalateDecision', data: { level: 2 } }, contextOf(who.timers, at(48))).events();
    expect(events[0]).toMatchObject({ data: { level: 2, role: 'leader', notify: ['leader'] } });
  });

  it('not before it is due (not_due)', () => {
    decisions.given([routed]).when({ type: 'EscalateDecision', data: { level: 1 } }, contextOf(who.timers, at(23))).thenRefused('not_due');
  });

  it('each level once (already_escalated): a timer fired twice changes nothing the second time', () => {
    decisions.given([routed, escalated]).when({ type: 'EscalateDecision', data: { level: 1 } }, contextOf(who.timers, at(25))).thenRefused('already_escalated');
    decisions.given([routed, escalated]).when({ type: 'EscalateDecision', data: { level: 3 } }, contextOf(who.timers, at(99))).thenRefused('already_escalated');
  });

  it('only the system escalates (role_not_permitted)', () => {
    decisions.given([routed]).when({ type: 'EscalateDecision', data: { level: 1 } }, contextOf(who.lena, at(30))).thenRefused('role_not_permitted');
  });

  it('a decided decision does not escalate (decision_closed)', () => {
    const made: DecisionEvent = { type: 'DecisionMade', data: { decisionId: 'D-1', subject, outcome: 'approve', signatures: [], at: at(2) } };
    decisions.given([routed, made]).when({ type: 'EscalateDecision', data: { level: 1 } }, contextOf(who.timers, at(30))).thenRefused('decision_closed');
    expect(nextDecisionTimer(decisions.given([routed, made]).state)).toBeUndefined();
  });
});

describe('signing', () => {
  it('one signature of two records it; the second distinct person decides it', () => {
    decisions.given([routed]).when(sign('approve'), contextOf(who.quinn, at(1))).thenEvents([signedBy(who.quinn)]);
    const events = decisions.given([routed, signedBy(who.quinn)]).when(sign('approve'), contextOf(who.quentin, at(2))).events();
    expect(events.map((e) => e.type)).toEqual(['DecisionSigned', 'DecisionMade']);
    expect(events[1]).toMatchObject({ data: { outcome: 'approve', signatures: [{ by: 'u-quinn' }, { by: 'u-quentin' }], at: at(2) } });
  });

  it('a veto decides at once, whatever the quorum, and needs a reason', () => {
    const events = decisions.given([routed, signedBy(who.quinn)]).when(sign('reject', 'reviewed', 'validation impact not assessed'), contextOf(who.quentin, at(2))).events();
    expect(events[1]).toMatchObject({ type: 'DecisionMade', data: { outcome: 'reject', signatures: [{ by: 'u-quentin', comment: 'validation impact not assessed' }] } });
    expect(decisions.given([routed]).when(sign('reject', 'reviewed'), contextOf(who.quentin)).thenRefused('invalid_value').details).toMatchObject({ field: 'comment' });
  });

  it('after escalation the first role may still sign, and so may the new one', () => {
    decisions.given([routed, escalated]).when(sign('approve'), contextOf(who.quinn, at(25))).events();
    decisions.given([routed, escalated]).when(sign('approve'), contextOf(who.lena, at(25))).events();
  });

  it('the assignee may sign without the role', () => {
    const assigned: DecisionEvent = { type: 'DecisionAssigned', data: { decisionId: 'D-1', assignee: 'u-sam', by: 'u-lena' } };
    decisions.given([routed, assigned]).when(sign('approve'), contextOf(who.sam, at(1))).events();
  });

  it.each([
    ['decision_not_found', [], sign('approve'), who.quinn],
    ['role_not_permitted', [routed], sign('approve'), who.olivia],
    ['site_mismatch', [routed], sign('approve'), who.sven],
    ['author_cannot_approve', [routed], sign('approve'), who.rita],
    ['already_approved', [routed, signedBy(who.quinn)], sign('approve'), who.quinn],
    ['signature_required', [routed], { type: 'SignDecision', data: { outcome: 'approve' } } as DecisionCommand, who.quinn],
    ['signature_required', [routed], sign('approve', 'verified' as never), who.quinn],
    ['invalid_value', [routed], sign('maybe'), who.quinn],
    ['outcome_conflict', [routed, signedWith({ version: 2 })], sign('approve', 'approved', undefined, { version: 3 }), who.quentin],
  ] as const)('is refused with %s', (code, given, command, actor) => {
    decisions.given(given).when(command, contextOf(actor, at(2))).thenRefused(code);
  });

  it.each([
    ['self_approval', { personId: 'u-quinn', code: 'self_approval', reason: 'raised this deviation' }],
    ['releaser_performed_step', { personId: 'u-quinn', code: 'releaser_performed_step', reason: 'performed step "compress" of batch B-1' }],
  ] as const)('names the segregation rule that stops a signature (%s)', (code, conflict) => {
    const r = decisions.given([routedWith([conflict])]).when(sign('approve'), contextOf(who.quinn)).thenRefused(code);
    expect(r.message).toBe(`You ${conflict.reason}; someone else must sign the approval of change CC-7.`);
  });

  it('nothing more is signed once it is decided (decision_closed)', () => {
    const made: DecisionEvent = { type: 'DecisionMade', data: { decisionId: 'D-1', subject, outcome: 'approve', signatures: [], at: at(2) } };
    decisions.given([routed, made]).when(sign('approve'), contextOf(who.quentin, at(3))).thenRefused('decision_closed');
  });
});

describe('assignment and withdrawal', () => {
  it('someone it is routed to assigns it to a person; never to a person whose work it judges', () => {
    decisions.given([routed]).when({ type: 'AssignDecision', data: { assignee: 'u-quentin' } }, contextOf(who.quinn)).thenEvents([{ type: 'DecisionAssigned', data: { decisionId: 'D-1', assignee: 'u-quentin', by: 'u-quinn' } }]);
    const r = decisions.given([routed]).when({ type: 'AssignDecision', data: { assignee: 'u-rita' } }, contextOf(who.quinn)).thenRefused('author_cannot_approve');
    expect(r.message).toBe('u-rita requested change CC-7; they cannot be given the approval of change CC-7.');
    decisions.given([routed]).when({ type: 'AssignDecision', data: { assignee: 'u-quentin' } }, contextOf(who.olivia)).thenRefused('role_not_permitted');
  });

  it('is withdrawn with a reason when its subject was decided another way; then it needs no timer', () => {
    decisions.given([routed]).when({ type: 'WithdrawDecision', data: { reason: 'approved directly' } }, contextOf(who.quality, at(3))).thenEvents([
      { type: 'DecisionWithdrawn', data: { decisionId: 'D-1', reason: 'approved directly', by: 'system:quality', at: at(3) } },
    ]);
    const withdrawn = decisions.given([routed, { type: 'DecisionWithdrawn', data: { decisionId: 'D-1', reason: 'approved directly', by: 'system:quality', at: at(3) } }]);
    expect(nextDecisionTimer(withdrawn.state)).toBeUndefined();
    withdrawn.when(sign('approve'), contextOf(who.quinn, at(4))).thenRefused('decision_closed');
    decisions.given([routed]).when({ type: 'WithdrawDecision', data: { reason: '' } }, contextOf(who.quality)).thenRefused('invalid_value');
    decisions.given([routed]).when({ type: 'WithdrawDecision', data: { reason: 'nope' } }, contextOf(who.olivia)).thenRefused('role_not_permitted');
  });
});
