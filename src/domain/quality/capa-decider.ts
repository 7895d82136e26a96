/**
 * The CAPA decider. Opened by QA from one or more deviations, with its effectiveness criterion fixed up
 * front; planned as actions with owners and due dates; approved (never by its owner); implemented — an
 * action done by a change completes only when the change made its version effective; verified
 * automatically from the batches that follow: N clean batches pass the check, one recurrence fails it and
 * the CAPA reopens. QA's signed confirmation of a passed check closes it.
 */
import type { DecisionContext } from '../shared/decider.ts';
import { accept, refuse, type Decision, type Refusal } from '../shared/refusal.ts';
import { roleCheck, siteCheck } from '../resources/roles.ts';
import { SYSTEM_ROLE } from '../decisions/decision-decider.ts';
import { textOf } from '../decisions/signature.ts';
import type { ChangeState } from '../change/change-state.ts';
import { DEVIATION_CATEGORIES, isDeviationCategory } from './categories.ts';
import type {
  AddCapaAction,
  ApproveCapa,
  CapaCommand,
  CompleteCapaAction,
  ConfirmEffectiveness,
  OpenCapa,
  RecordBatchOutcome,
  RejectEffectiveness,
  ReturnCapa,
  SubmitCapa,
} from './capa-commands.ts';
import type { CapaEvent } from './capa-events.ts';
import { currentCheck, evolveCapa, initialCapaState, type CapaState, type CapaStatus } from './capa-state.ts';
import type { DeviationState } from './deviation-state.ts';
import { recurrencesIn, whyNotCounted } from './effectiveness.ts';
import { decideDeviation } from './deviation-decider.ts';
import { deviationStream } from '../execution/batch-events.ts';
import { alone, composite, expectedOf, type Composite, type StreamEvents, type Versioned } from '../decisions/composite.ts';

export interface CapaContext extends DecisionContext {
  /** The deviations an OpenCapa names, with the stream version each was read at. */
  readonly deviations?: Readonly<Record<string, Versioned<DeviationState>>>;
  /** The change a change-linked action names. */
  readonly changes?: Readonly<Record<string, ChangeState>>;
}

const QA = ['qa', 'qa-lead'];
const MAX_BATCHES = 1000;

function invalid(field: string, message: string): { ok: false; refusal: Refusal } {
  return refuse('invalid_value', message, { field });
}

function existing(state: CapaState, ctx: DecisionContext, statuses: readonly CapaStatus[], doing: string): Refusal | undefined {
  if (!state.exists) return refuse('capa_not_found', 'There is no such CAPA.').refusal;
  const site = siteCheck(ctx.actor.site, state.site, `CAPA ${state.id}`);
  if (site) return site;
  if (state.status === 'closed') return refuse('capa_closed', `CAPA ${state.id} is closed.`, { capaId: state.id }).refusal;
  if (!statuses.includes(state.status)) {
    return refuse('invalid_transition', `CAPA ${state.id} is ${state.status.replace('_', ' ')}; ${doing} needs it ${statuses.map((s) => s.replace('_', ' ')).join(' or ')}.`, {
      capaId: state.id,
      status: state.status,
    }).refusal;
  }
  return undefined;
}

function ownerCheck(state: CapaState, ctx: DecisionContext, signers: readonly string[], what: string): Refusal | undefined {
  if (ctx.actor.id !== state.owner && !signers.includes(state.owner)) return undefined;
  return refuse('self_approval', `${ctx.actor.id === state.owner ? 'You own' : `${state.owner} owns`} CAPA ${state.id}; someone else must ${what}.`, { capaId: state.id, owner: state.owner }).refusal;
}

function open(state: CapaState, command: OpenCapa, ctx: CapaContext): Composite<CapaEvent> {
  const c = command.data;
  if (state.exists) return refuse('capa_exists', `CAPA ${c.capaId} already exists.`, { capaId: c.capaId });
  const denied = roleCheck(ctx.actor.roles, QA, 'Opening a CAPA') ?? siteCheck(ctx.actor.site, c.site, 'This CAPA');
  if (denied) return { ok: false, refusal: denied };
  if (textOf(c.capaId, 1) === undefined) return invalid('capaId', 'A CAPA needs an id.');
  const title = textOf(c.title);
  if (title === undefined) return invalid('title', 'A CAPA needs a title.');
  const problem = textOf(c.problem, 10);
  if (problem === undefined) return invalid('problem', 'State the problem the CAPA corrects and prevents.');
  const owner = textOf(c.owner, 1);
  if (owner === undefined) return invalid('owner', 'Name the owner of the CAPA.');
  if (!Array.isArray(c.deviations) || c.deviations.length === 0) return invalid('deviations', 'A CAPA is opened from at least one deviation.');
  const deviations = [...new Set(c.deviations)];
  const links: StreamEvents[] = [];
  for (const id of deviations) {
    const deviation = ctx.deviations?.[id];
    if (deviation === undefined || !deviation.state.raised || deviation.state.site !== c.site) return refuse('deviation_not_found', `There is no deviation ${id} at site ${c.site}.`, { deviationId: id });
    // Each deviation names its CAPA too, in the same transaction: the link reads both ways.
    const linked = decideDeviation(deviation.state, { type: 'LinkCapa', data: { capaId: c.capaId } }, ctx);
    if (!linked.ok) return linked;
    links.push({ streamId: deviationStream(id), expectedVersion: expectedOf(deviation.version), events: linked.events });
  }
  const e = c.effectiveness;
  if (e === undefined || textOf(e.procedure, 1) === undefined) return invalid('effectiveness.procedure', 'Say which procedure the effectiveness check watches.');
  if (!Number.isInteger(e.batches) || e.batches < 1 || e.batches > MAX_BATCHES) return invalid('effectiveness.batches', `The check counts from 1 to ${MAX_BATCHES} batches.`);
  if (e.category !== undefined && !isDeviationCategory(e.category)) return invalid('effectiveness.category', `The category must be one of ${DEVIATION_CATEGORIES.join(', ')}.`);
  return composite([{ type: 'CapaOpened', data: { capaId: c.capaId, site: c.site, title, problem, owner, deviations, effectiveness: e, by: ctx.actor.id, at: ctx.now } }], links);
}

function addAction(state: CapaState, command: AddCapaAction, ctx: CapaContext): Decision<CapaEvent> {
  const problem = existing(state, ctx, ['planning'], 'adding an action');
  if (problem) return { ok: false, refusal: problem };
  if (ctx.actor.id !== state.owner) {
    const denied = roleCheck(ctx.actor.roles, QA, `Planning CAPA ${state.id}`);
    if (denied) return { ok: false, refusal: denied };
  }
  const c = command.data;
  if (textOf(c.actionId, 1) === undefined) return invalid('actionId', 'An action needs an id.');
  if (state.actions.some((a) => a.id === c.actionId)) return refuse('invalid_value', `CAPA ${state.id} already has an action ${c.actionId}.`, { field: 'actionId' });
  const title = textOf(c.title);
  if (title === undefined) return invalid('title', 'Say what the action is.');
  const owner = textOf(c.owner, 1);
  if (owner === undefined) return invalid('owner', 'Every action has an owner.');
  if (typeof c.dueAt !== 'string' || Number.isNaN(Date.parse(c.dueAt))) return invalid('dueAt', 'Every action has a due date.');
  if (Date.parse(c.dueAt) < Date.parse(ctx.now)) return invalid('dueAt', 'The due date of a new action cannot be in the past.');
  return accept({
    type: 'CapaActionAdded',
    data: { capaId: state.id, actionId: c.actionId, title, owner, dueAt: c.dueAt, ...(c.changeId !== undefined ? { changeId: c.changeId } : {}), by: ctx.actor.id },
  });
}

function submit(state: CapaState, _command: SubmitCapa, ctx: CapaContext): Decision<CapaEvent> {
  const problem = existing(state, ctx, ['planning'], 'submitting it');
  if (problem) return { ok: false, refusal: problem };
  if (ctx.actor.id !== state.owner) {
    const denied = roleCheck(ctx.actor.roles, QA, `Submitting CAPA ${state.id}`);
    if (denied) return { ok: false, refusal: denied };
  }
  if (!state.actions.some((a) => !a.done)) {
    return refuse('no_actions', `CAPA ${state.id} has no open action${state.round > 1 ? ' for this round' : ''}; plan what will be done first.`, { capaId: state.id, round: state.round });
  }
  return accept({ type: 'CapaSubmitted', data: { capaId: state.id, round: state.round, by: ctx.actor.id, at: ctx.now } });
}

function approve(state: CapaState, command: ApproveCapa, ctx: CapaContext): Decision<CapaEvent> {
  const problem = existing(state, ctx, ['awaiting_approval'], 'approving it') ?? roleCheck(ctx.actor.roles, QA, 'Approving a CAPA');
  if (problem) return { ok: false, refusal: problem };
  const self = ownerCheck(state, ctx, command.data.signatures.map((s) => s.by), 'approve it');
  if (self) return { ok: false, refusal: self };
  const { decisionId, signatures } = command.data;
  return accept({ type: 'CapaApproved', data: { capaId: state.id, round: state.round, ...(decisionId !== undefined ? { decisionId } : {}), signatures, by: ctx.actor.id, at: ctx.now } });
}

function returnCapa(state: CapaState, command: ReturnCapa, ctx: CapaContext): Decision<CapaEvent> {
  const problem = existing(state, ctx, ['awaiting_approval'], 'returning it') ?? roleCheck(ctx.actor.roles, QA, 'Returning a CAPA');
  if (problem) return { ok: false, refusal: problem };
  const reason = textOf(command.data.reason);
  if (reason === undefined) return invalid('reason', 'Say what the plan lacks.');
  const { decisionId, signatures } = command.data;
  return accept({ type: 'CapaReturned', data: { capaId: state.id, round: state.round, reason, ...(decisionId !== undefined ? { decisionId } : {}), signatures, by: ctx.actor.id, at: ctx.now } });
}

function complete(state: CapaState, command: CompleteCapaAction, ctx: CapaContext): Decision<CapaEvent> {
  const problem = existing(state, ctx, ['implementing'], 'completing an action');
  if (problem) return { ok: false, refusal: problem };
  const action = state.actions.find((a) => a.id === command.data.actionId);
  if (action === undefined) return refuse('action_not_found', `CAPA ${state.id} has no action ${command.data.actionId}.`, { actionId: command.data.actionId });
  if (action.done) return refuse('invalid_transition', `Action ${action.id} of CAPA ${state.id} is already done.`, { actionId: action.id });
  const system = ctx.actor.roles.includes(SYSTEM_ROLE);
  if (!system && ctx.actor.id !== action.owner) {
    return refuse('not_action_owner', `${action.owner} owns action ${action.id} ("${action.title}"); only they complete it.`, { actionId: action.id, owner: action.owner });
  }
  let version: number | undefined;
  if (action.changeId !== undefined) {
    const change = ctx.changes?.[action.changeId];
    if (change?.status !== 'effective') {
      return refuse('change_not_effective', `Action ${action.id} is done by change ${action.changeId}, which is ${change?.status ?? 'not found'}; it completes when the change is effective.`, {
        actionId: action.id,
        changeId: action.changeId,
        status: change?.status,
      });
    }
    version = change.version;
  }
  const evidence = textOf(command.data.evidence, 5);
  if (evidence === undefined) return invalid('evidence', 'Say what shows the action is done.');
  const events: CapaEvent[] = [
    { type: 'CapaActionCompleted', data: { capaId: state.id, actionId: action.id, evidence, ...(version !== undefined ? { version } : {}), by: ctx.actor.id, at: ctx.now } },
  ];
  // The last action done starts the check; batches on versions older than a change made effective do not count.
  const after = evolveCapa(state, events[0]!);
  if (after.actions.every((a) => a.done)) {
    const versions = after.actions.map((a) => a.version).filter((v): v is number => v !== undefined);
    events.push({
      type: 'EffectivenessCheckStarted',
      data: { capaId: state.id, round: state.round, ...(versions.length ? { fromVersion: Math.max(...versions) } : {}), criterion: state.criterion!, at: ctx.now },
    });
  }
  return accept(...events);
}

function observe(state: CapaState, command: RecordBatchOutcome, ctx: CapaContext): Decision<CapaEvent> {
  const denied = roleCheck(ctx.actor.roles, [SYSTEM_ROLE], 'Recording a batch outcome on a CAPA');
  if (denied) return { ok: false, refusal: denied };
  const problem = existing(state, ctx, ['verifying'], 'counting a batch');
  if (problem) return { ok: false, refusal: problem };
  const outcome = command.data;
  const why = whyNotCounted(state, outcome);
  if (why !== undefined) return refuse('batch_not_counted', `Batch ${outcome.batchId} does not count for CAPA ${state.id}: ${why}.`, { batchId: outcome.batchId });
  const check = currentCheck(state)!;
  const recurrences = recurrencesIn(state.criterion!, outcome.deviations);
  const clean = recurrences.length === 0;
  const count = check.observed.filter((o) => o.clean).length + (clean ? 1 : 0);
  const base = { capaId: state.id, round: state.round, at: ctx.now };
  const events: CapaEvent[] = [{ type: 'BatchObserved', data: { ...base, batchId: outcome.batchId, version: outcome.version, clean, recurrences, count } }];
  if (!clean) {
    events.push(
      { type: 'EffectivenessCheckFailed', data: { ...base, batchId: outcome.batchId, recurrences } },
      {
        type: 'CapaReopened',
        data: { capaId: state.id, round: state.round + 1, reason: `recurrence in batch ${outcome.batchId}: ${recurrences.map((r) => r.deviationId).join(', ')}`, by: ctx.actor.id, at: ctx.now },
      },
    );
  } else if (count >= state.criterion!.batches) {
    events.push({ type: 'EffectivenessCheckPassed', data: { ...base, batches: [...check.observed.filter((o) => o.clean).map((o) => o.batchId), outcome.batchId] } });
  }
  return accept(...events);
}

function confirm(state: CapaState, command: ConfirmEffectiveness, ctx: CapaContext): Decision<CapaEvent> {
  const problem = existing(state, ctx, ['effective'], 'closing it') ?? roleCheck(ctx.actor.roles, QA, 'Confirming the effectiveness of a CAPA');
  if (problem) return { ok: false, refusal: problem };
  const self = ownerCheck(state, ctx, command.data.signatures.map((s) => s.by), 'confirm it is effective');
  if (self) return { ok: false, refusal: self };
  const { decisionId, signatures } = command.data;
  return accept({ type: 'CapaClosed', data: { capaId: state.id, round: state.round, ...(decisionId !== undefined ? { decisionId } : {}), signatures, by: ctx.actor.id, at: ctx.now } });
}

function rejectEffectiveness(state: CapaState, command: RejectEffectiveness, ctx: CapaContext): Decision<CapaEvent> {
  const problem = existing(state, ctx, ['effective'], 'judging it not effective') ?? roleCheck(ctx.actor.roles, QA, 'Judging the effectiveness of a CAPA');
  if (problem) return { ok: false, refusal: problem };
  const reason = textOf(command.data.reason);
  if (reason === undefined) return invalid('reason', 'Say why the CAPA is not effective.');
  return accept({ type: 'CapaReopened', data: { capaId: state.id, round: state.round + 1, reason, by: ctx.actor.id, at: ctx.now } });
}

/** Decides one command on a CAPA; pure. */
export function decideCapa(state: CapaState, command: CapaCommand, ctx: CapaContext): Composite<CapaEvent> {
  switch (command.type) {
    case 'OpenCapa':
      return open(state, command, ctx);
    case 'AddCapaAction':
      return alone(addAction(state, command, ctx));
    case 'SubmitCapa':
      return alone(submit(state, command, ctx));
    case 'ApproveCapa':
      return alone(approve(state, command, ctx));
    case 'ReturnCapa':
      return alone(returnCapa(state, command, ctx));
    case 'CompleteCapaAction':
      return alone(complete(state, command, ctx));
    case 'RecordBatchOutcome':
      return alone(observe(state, command, ctx));
    case 'ConfirmEffectiveness':
      return alone(confirm(state, command, ctx));
    case 'RejectEffectiveness':
      return alone(rejectEffectiveness(state, command, ctx));
  }
}

export const capaDecider = { initialState: initialCapaState, decide: decideCapa, evolve: evolveCapa } as const;
