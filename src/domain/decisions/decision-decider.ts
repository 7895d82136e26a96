/**
 * The decision task decider: routing with due and escalation times, escalation when late (only the system,
 * only when due, each step once), and signatures — by someone the task is routed to, never by a person whose
 * work it judges, each person once, until the quorum of distinct people is reached or a veto decides.
 */
import type { Decider, DecisionContext } from '../shared/decider.ts';
import { accept, refuse, type Decision, type Refusal } from '../shared/refusal.ts';
import { isRole, listWords, roleCheck, siteCheck } from '../resources/roles.ts';
import { addMs } from '../shared/time.ts';
import type { AssignDecision, DecisionCommand, EscalateDecision, RouteDecision, SignDecision, WithdrawDecision } from './decision-commands.ts';
import type { DecisionEvent, DecisionSignature } from './decision-events.ts';
import { evolveDecision, initialDecisionState, type DecisionState } from './decision-state.ts';
import { conflictCheck, SEGREGATION_CODES } from './segregation.ts';
import { isRefusal, sign, textOf } from './signature.ts';
import { isDecisionKind, KIND_WORDS, OUTCOMES } from './subjects.ts';

/** The role of the quality automation and the timers: commands only the system gives. */
export const SYSTEM_ROLE = 'system';
const ROUTERS = [SYSTEM_ROLE, 'qa', 'qa-lead', 'engineer'];
const MAX_QUORUM = 9;

/** "the approval of change CC-7" */
export function describeDecision(state: DecisionState): string {
  return state.subject ? `the ${KIND_WORDS[state.subject.kind]} ${state.subject.id}` : `decision ${state.id}`;
}

function invalid(field: string, message: string): { ok: false; refusal: Refusal } {
  return refuse('invalid_value', message, { field });
}

/** Assigning a decision to someone who may not sign it would only make it late. */
function assigneeConflict(conflicts: DecisionState['conflicts'], assignee: string, what: string): Refusal | undefined {
  const conflict = conflictCheck(conflicts, assignee, what);
  return conflict && { ...conflict, message: `${assignee} ${String(conflict.details.reason)}; they cannot be given ${what}.` };
}

function openGuard(state: DecisionState, ctx: DecisionContext): Refusal | undefined {
  if (!state.exists) return refuse('decision_not_found', 'There is no such decision.').refusal;
  const site = siteCheck(ctx.actor.site, state.site, `Decision ${state.id}`);
  if (site) return site;
  if (state.status !== 'open') {
    const how = state.status === 'decided' ? `was decided (${state.outcome})` : `was withdrawn: ${state.withdrawnReason}`;
    return refuse('decision_closed', `${capitalise(describeDecision(state))} ${how}; nothing more can be signed on it.`, { decisionId: state.id, status: state.status }).refusal;
  }
  return undefined;
}

function route(state: DecisionState, command: RouteDecision, ctx: DecisionContext): Decision<DecisionEvent> {
  const c = command.data;
  if (state.exists) return refuse('decision_exists', `Decision ${state.id} is already routed.`, { decisionId: state.id });
  const denied = roleCheck(ctx.actor.roles, ROUTERS, 'Routing a decision');
  if (denied) return { ok: false, refusal: denied };
  const site = siteCheck(ctx.actor.site, c.site, 'This decision');
  if (site) return { ok: false, refusal: site };
  if (textOf(c.decisionId, 1) === undefined) return invalid('decisionId', 'A decision needs an id.');
  if (!isDecisionKind(c.subject?.kind)) return invalid('subject.kind', `"${String(c.subject?.kind)}" is not a kind of decision.`);
  if (textOf(c.subject.id, 1) === undefined) return invalid('subject.id', 'A decision needs the id of what it decides.');
  const r = c.route;
  for (const role of [r.role, ...r.escalate.map((e) => e.role)]) {
    if (!isRole(role)) return invalid('route.role', `"${role}" is not a role of OpenBES.`);
  }
  if (!Number.isInteger(r.quorum) || r.quorum < 1 || r.quorum > MAX_QUORUM) return invalid('route.quorum', `The quorum must be a whole number from 1 to ${MAX_QUORUM}.`);
  if (!(r.dueInMs > 0)) return invalid('route.dueInMs', 'A decision needs a due time after it is routed.');
  let previous = 0;
  for (const step of r.escalate) {
    if (!(step.afterMs > previous)) return invalid('route.escalate', 'Each escalation must come later than the one before it.');
    previous = step.afterMs;
  }
  for (const conflict of c.conflicts) {
    if (!(SEGREGATION_CODES as readonly string[]).includes(conflict.code)) return invalid('conflicts', `"${conflict.code}" is not a segregation rule.`);
  }
  if (r.assignee !== undefined) {
    const conflict = assigneeConflict(c.conflicts, r.assignee, `the ${KIND_WORDS[c.subject.kind]} ${c.subject.id}`);
    if (conflict) return { ok: false, refusal: conflict };
  }
  // Server time only: a person's routing starts now; the automation dates it from the event that called for it.
  if (c.from !== undefined && (!ctx.actor.roles.includes(SYSTEM_ROLE) || Number.isNaN(Date.parse(c.from)))) {
    return invalid('from', 'Only the quality automation dates a decision from an earlier event.');
  }
  const from = c.from ?? ctx.now;
  const escalations = r.escalate.map((e) => ({ at: addMs(from, e.afterMs), role: e.role, ...(e.assignee !== undefined ? { assignee: e.assignee } : {}), notify: [...(e.notify ?? [])] }));
  return accept({
    type: 'DecisionRouted',
    data: {
      decisionId: c.decisionId,
      site: c.site,
      subject: c.subject,
      rule: r.rule,
      role: r.role,
      ...(r.assignee !== undefined ? { assignee: r.assignee } : {}),
      routedAt: from,
      dueAt: addMs(from, r.dueInMs),
      escalations,
      quorum: r.quorum,
      conflicts: c.conflicts,
      notify: [...r.notify],
      by: ctx.actor.id,
    },
  });
}

function assign(state: DecisionState, command: AssignDecision, ctx: DecisionContext): Decision<DecisionEvent> {
  const closed = openGuard(state, ctx);
  if (closed) return { ok: false, refusal: closed };
  const denied = roleCheck(ctx.actor.roles, [...state.roles, 'qa-lead'], `Assigning ${describeDecision(state)}`);
  if (denied) return { ok: false, refusal: denied };
  const assignee = textOf(command.data.assignee, 1);
  if (assignee === undefined) return invalid('assignee', 'Name the person to assign it to.');
  const conflict = assigneeConflict(state.conflicts, assignee, describeDecision(state));
  if (conflict) return { ok: false, refusal: conflict };
  return accept({ type: 'DecisionAssigned', data: { decisionId: state.id, assignee, by: ctx.actor.id } });
}

function escalate(state: DecisionState, command: EscalateDecision, ctx: DecisionContext): Decision<DecisionEvent> {
  const denied = roleCheck(ctx.actor.roles, [SYSTEM_ROLE], 'Escalating a decision');
  if (denied) return { ok: false, refusal: denied };
  const closed = openGuard(state, ctx);
  if (closed) return { ok: false, refusal: closed };
  const { level } = command.data;
  if (level !== state.level + 1) {
    return refuse('already_escalated', `${capitalise(describeDecision(state))} is at escalation level ${state.level}; level ${level} is not the next one.`, { level, current: state.level });
  }
  const step = state.escalations[level - 1];
  if (step === undefined) return refuse('already_escalated', `${capitalise(describeDecision(state))} has no escalation level ${level}.`, { level, levels: state.escalations.length });
  if (Date.parse(ctx.now) < Date.parse(step.at)) {
    return refuse('not_due', `${capitalise(describeDecision(state))} escalates at ${step.at}, not before.`, { level, at: step.at });
  }
  // The next step's time is the new due time; the last step stays due from its own time.
  const next = state.escalations[level];
  return accept({
    type: 'DecisionEscalated',
    data: {
      decisionId: state.id,
      level,
      from: state.role,
      role: step.role,
      ...(step.assignee !== undefined ? { assignee: step.assignee } : {}),
      notify: step.notify,
      dueAt: next?.at ?? state.dueAt,
      at: ctx.now,
    },
  });
}

function signDecision(state: DecisionState, command: SignDecision, ctx: DecisionContext): Decision<DecisionEvent> {
  const closed = openGuard(state, ctx);
  if (closed) return { ok: false, refusal: closed };
  const what = describeDecision(state);
  const me = ctx.actor.id;
  if (state.assignee !== me) {
    const denied = roleCheck(ctx.actor.roles, state.roles, `Signing ${what}`);
    if (denied) return { ok: false, refusal: denied };
  }
  const conflict = conflictCheck(state.conflicts, me, what);
  if (conflict) return { ok: false, refusal: conflict };
  if (state.signatures.some((s) => s.by === me)) {
    return refuse('already_approved', `You already signed ${what}; the quorum of ${state.quorum} counts each person once.`, { decisionId: state.id, quorum: state.quorum, signed: state.signatures.map((s) => s.by) });
  }
  const { outcome } = command.data;
  const rules = OUTCOMES[state.subject!.kind];
  const rule = rules[outcome];
  if (rule === undefined) return invalid('outcome', `${capitalise(what)} can be decided as ${listWords(Object.keys(rules).map((o) => `"${o}"`))}; "${String(outcome)}" is not one of them.`);
  const comment = textOf(command.data.comment);
  if (rule.veto && comment === undefined) return invalid('comment', `Say why: "${outcome}" needs a reason on the record.`);
  const pending = state.signatures[0];
  if (!rule.veto && pending !== undefined) {
    const sameData = JSON.stringify(command.data.data ?? state.data) === JSON.stringify(state.data);
    if (pending.outcome !== outcome || !sameData) {
      return refuse('outcome_conflict', `${pending.name} signed ${what} as "${pending.outcome}"; sign the same to make the quorum, or reject it with a reason.`, {
        pending: pending.outcome,
        data: state.data,
      });
    }
  }
  const signature = sign(rule.meaning, command.data.signature, ctx, `Signing ${what} as "${outcome}"`);
  if (isRefusal(signature)) return { ok: false, refusal: signature };
  const signed: DecisionSignature = { ...signature, outcome, ...(comment !== undefined ? { comment } : {}) };
  const data = command.data.data ?? state.data;
  const signatures = rule.veto ? [signed] : [...state.signatures, signed];
  const events: DecisionEvent[] = [
    { type: 'DecisionSigned', data: { decisionId: state.id, signature: signed, ...(data !== undefined ? { data } : {}), count: signatures.length, quorum: rule.veto ? 1 : state.quorum } },
  ];
  if (rule.veto || signatures.length >= state.quorum) {
    events.push({ type: 'DecisionMade', data: { decisionId: state.id, subject: state.subject!, outcome, ...(data !== undefined ? { data } : {}), signatures, at: ctx.now } });
  }
  return accept(...events);
}

function withdraw(state: DecisionState, command: WithdrawDecision, ctx: DecisionContext): Decision<DecisionEvent> {
  const closed = openGuard(state, ctx);
  if (closed) return { ok: false, refusal: closed };
  const denied = roleCheck(ctx.actor.roles, [SYSTEM_ROLE, 'qa', 'qa-lead'], `Withdrawing ${describeDecision(state)}`);
  if (denied) return { ok: false, refusal: denied };
  const reason = textOf(command.data.reason);
  if (reason === undefined) return invalid('reason', 'Withdrawing a decision needs a reason.');
  return accept({ type: 'DecisionWithdrawn', data: { decisionId: state.id, reason, by: ctx.actor.id, at: ctx.now } });
}

/** Decides one command on a decision task; pure. */
export function decideDecision(state: DecisionState, command: DecisionCommand, ctx: DecisionContext): Decision<DecisionEvent> {
  switch (command.type) {
    case 'RouteDecision':
      return route(state, command, ctx);
    case 'AssignDecision':
      return assign(state, command, ctx);
    case 'EscalateDecision':
      return escalate(state, command, ctx);
    case 'SignDecision':
      return signDecision(state, command, ctx);
    case 'WithdrawDecision':
      return withdraw(state, command, ctx);
  }
}

export const decisionDecider: Decider<DecisionState, DecisionCommand, DecisionEvent> = {
  initialState: initialDecisionState,
  decide: decideDecision,
  evolve: evolveDecision,
};

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
