/**
 * The change control decider. A change names the drafted version it proposes and its impact; submitting it
 * puts the version in review; its approval (a quorum of QA, never its author) approves the version and makes
 * it effective in the same transaction, superseding the one before; a rejection withdraws the version. People
 * must then be trained on the new version before they can perform it (execution refuses `not_trained`).
 */
import type { DecisionContext, DomainEvent } from '../shared/decider.ts';
import { refuse, type Refusal } from '../shared/refusal.ts';
import { roleCheck, siteCheck } from '../resources/roles.ts';
import { procedureDecider, type ProcedureCommand, type ProcedureState } from '../procedure/lifecycle.ts';
import { composite, expectedOf, procedureStream, type Composite, type StreamEvents, type Versioned } from '../decisions/composite.ts';
import { textOf } from '../decisions/signature.ts';
import type { CapaState } from '../quality/capa-state.ts';
import type { ApproveChange, AssessImpact, AttachVersion, ChangeCommand, RejectChange, RequestChange, SubmitChange } from './change-commands.ts';
import { RISKS, type ChangeEvent, type Risk } from './change-events.ts';
import { evolveChange, initialChangeState, type ChangeState } from './change-state.ts';

export interface ChangeContext extends DecisionContext {
  /** The procedure the change is against, with the stream version it was read at. */
  readonly procedure?: Versioned<ProcedureState>;
  /** The CAPA a change is requested from. */
  readonly capa?: CapaState;
}

const AUTHORS = ['engineer', 'qa', 'qa-lead'];
const APPROVERS = ['qa', 'qa-lead'];

function invalid(field: string, message: string): { ok: false; refusal: Refusal } {
  return refuse('invalid_value', message, { field });
}

function existing(state: ChangeState, ctx: DecisionContext, status: ChangeState['status'], doing: string): Refusal | undefined {
  if (!state.exists) return refuse('change_not_found', 'There is no such change request.').refusal;
  const site = siteCheck(ctx.actor.site, state.site, `Change ${state.id}`);
  if (site) return site;
  if (state.status !== status) return refuse('invalid_transition', `Change ${state.id} is ${state.status}; ${doing} needs it ${status}.`, { changeId: state.id, status: state.status }).refusal;
  return undefined;
}

/** Runs procedure lifecycle commands in order as `ctx.actor`; their events go to the procedure's stream. */
function procedureSteps(procedure: Versioned<ProcedureState> | undefined, code: string, commands: readonly ProcedureCommand[], ctx: DecisionContext): StreamEvents | Refusal {
  if (procedure === undefined) return refuse('version_not_found', `Procedure ${code} could not be read.`, { procedure: code }).refusal;
  let state = procedure.state;
  const events: DomainEvent[] = [];
  for (const command of commands) {
    const decision = procedureDecider.decide(state, command, ctx);
    if (!decision.ok) return decision.refusal;
    events.push(...decision.events);
    state = decision.events.reduce(procedureDecider.evolve, state);
  }
  return { streamId: procedureStream(code), expectedVersion: expectedOf(procedure.version), events };
}

const isRefusal = (x: StreamEvents | Refusal): x is Refusal => 'code' in x;

function request(state: ChangeState, command: RequestChange, ctx: ChangeContext): Composite<ChangeEvent> {
  const c = command.data;
  if (state.exists) return refuse('change_exists', `Change ${c.changeId} already exists.`, { changeId: c.changeId });
  const denied = roleCheck(ctx.actor.roles, AUTHORS, 'Requesting a change') ?? siteCheck(ctx.actor.site, c.site, 'This change');
  if (denied) return { ok: false, refusal: denied };
  if (textOf(c.changeId, 1) === undefined) return invalid('changeId', 'A change needs an id.');
  const title = textOf(c.title);
  if (title === undefined) return invalid('title', 'A change needs a title.');
  const reason = textOf(c.reason, 10);
  if (reason === undefined) return invalid('reason', 'Say why the procedure must change.');
  if (ctx.procedure === undefined || ctx.procedure.state.procedure !== c.procedure) {
    return refuse('version_not_found', `There is no procedure ${c.procedure}.`, { procedure: c.procedure });
  }
  if (c.capaId !== undefined) {
    const capa = ctx.capa;
    if (capa === undefined || !capa.exists || capa.site !== c.site) return refuse('capa_not_found', `There is no CAPA ${c.capaId} at site ${c.site}.`, { capaId: c.capaId });
    if (capa.status === 'closed') return refuse('capa_closed', `CAPA ${c.capaId} is closed.`, { capaId: c.capaId });
  }
  return composite([
    { type: 'ChangeRequested', data: { changeId: c.changeId, site: c.site, procedure: c.procedure, title, reason, ...(c.capaId !== undefined ? { capaId: c.capaId } : {}), author: ctx.actor.id, at: ctx.now } },
  ]);
}

function attach(state: ChangeState, command: AttachVersion, ctx: ChangeContext): Composite<ChangeEvent> {
  const problem = existing(state, ctx, 'draft', 'attaching a version') ?? roleCheck(ctx.actor.roles, AUTHORS, 'Attaching a procedure version');
  if (problem) return { ok: false, refusal: problem };
  const { version } = command.data;
  const found = ctx.procedure?.state.versions.find((v) => v.version === version);
  if (found === undefined) return refuse('version_not_found', `${state.procedure} has no version ${version}.`, { procedure: state.procedure, version });
  if (found.status !== 'draft') {
    return refuse('invalid_transition', `${state.procedure} version ${version} is ${found.status.replace('_', ' ')}; a change proposes a draft.`, { version, status: found.status });
  }
  return composite([{ type: 'ChangeVersionAttached', data: { changeId: state.id, procedure: state.procedure, version, by: ctx.actor.id } }]);
}

function assess(state: ChangeState, command: AssessImpact, ctx: DecisionContext): Composite<ChangeEvent> {
  const problem = existing(state, ctx, 'draft', 'assessing its impact') ?? roleCheck(ctx.actor.roles, AUTHORS, 'Assessing the impact of a change');
  if (problem) return { ok: false, refusal: problem };
  const c = command.data;
  const assessment = textOf(c.assessment, 10);
  if (assessment === undefined) return invalid('assessment', 'Describe the impact: on the product, validation, other procedures and people.');
  if (!(RISKS as readonly string[]).includes(c.risk)) return invalid('risk', `The risk is ${RISKS.join(', ')}.`);
  return composite([
    { type: 'ChangeImpactAssessed', data: { changeId: state.id, assessment, risk: c.risk as Risk, trainingRequired: c.trainingRequired ?? true, by: ctx.actor.id, at: ctx.now } },
  ]);
}

function submit(state: ChangeState, _command: SubmitChange, ctx: ChangeContext): Composite<ChangeEvent> {
  const problem = existing(state, ctx, 'draft', 'submitting it') ?? roleCheck(ctx.actor.roles, AUTHORS, 'Submitting a change');
  if (problem) return { ok: false, refusal: problem };
  if (state.version === undefined || state.impact === undefined) {
    const missing = [state.version === undefined ? 'the procedure version it proposes' : undefined, state.impact === undefined ? 'its impact assessment' : undefined].filter(Boolean);
    return refuse('change_incomplete', `Change ${state.id} needs ${missing.join(' and ')} before it is submitted.`, { changeId: state.id });
  }
  const procedure = procedureSteps(ctx.procedure, state.procedure, [{ type: 'SubmitForReview', data: { version: state.version } }], ctx);
  if (isRefusal(procedure)) return { ok: false, refusal: procedure };
  return composite([{ type: 'ChangeSubmitted', data: { changeId: state.id, procedure: state.procedure, version: state.version, by: ctx.actor.id, at: ctx.now } }], [procedure]);
}

/** The author of a change never approves it, whoever signed with them. */
function authorCheck(state: ChangeState, signers: readonly string[], ctx: DecisionContext): Refusal | undefined {
  if (ctx.actor.id !== state.author && !signers.includes(state.author)) return undefined;
  return refuse('author_cannot_approve', `${state.author === ctx.actor.id ? 'You' : state.author} requested change ${state.id}; its author cannot approve it.`, {
    changeId: state.id,
    author: state.author,
  }).refusal;
}

function approve(state: ChangeState, command: ApproveChange, ctx: ChangeContext): Composite<ChangeEvent> {
  const problem = existing(state, ctx, 'submitted', 'approving it') ?? roleCheck(ctx.actor.roles, APPROVERS, 'Approving a change');
  if (problem) return { ok: false, refusal: problem };
  const author = authorCheck(state, command.data.signatures.map((s) => s.by), ctx);
  if (author) return { ok: false, refusal: author };
  const version = state.version!;
  const previous = ctx.procedure?.state.versions.find((v) => v.status === 'effective')?.version;
  const procedure = procedureSteps(ctx.procedure, state.procedure, [{ type: 'ApproveVersion', data: { version } }, { type: 'MakeEffective', data: { version } }], ctx);
  if (isRefusal(procedure)) return { ok: false, refusal: procedure };
  const decisionId = command.data.decisionId;
  return composite(
    [
      { type: 'ChangeApproved', data: { changeId: state.id, ...(decisionId !== undefined ? { decisionId } : {}), signatures: command.data.signatures, by: ctx.actor.id, at: ctx.now } },
      {
        type: 'ChangeMadeEffective',
        data: { changeId: state.id, procedure: state.procedure, version, ...(previous !== undefined ? { supersedes: previous } : {}), effectiveFrom: ctx.now, ...(state.capaId !== undefined ? { capaId: state.capaId } : {}) },
      },
    ],
    [procedure],
  );
}

function reject(state: ChangeState, command: RejectChange, ctx: ChangeContext): Composite<ChangeEvent> {
  const problem = existing(state, ctx, 'submitted', 'rejecting it') ?? roleCheck(ctx.actor.roles, APPROVERS, 'Rejecting a change');
  if (problem) return { ok: false, refusal: problem };
  const reason = textOf(command.data.reason);
  if (reason === undefined) return invalid('reason', 'Say why the change is rejected.');
  const procedure = procedureSteps(ctx.procedure, state.procedure, [{ type: 'RetireVersion', data: { version: state.version! } }], ctx);
  if (isRefusal(procedure)) return { ok: false, refusal: procedure };
  const decisionId = command.data.decisionId;
  return composite(
    [{ type: 'ChangeRejected', data: { changeId: state.id, reason, ...(decisionId !== undefined ? { decisionId } : {}), signatures: command.data.signatures, by: ctx.actor.id, at: ctx.now } }],
    [procedure],
  );
}

/** Decides one command on a change request; pure. */
export function decideChange(state: ChangeState, command: ChangeCommand, ctx: ChangeContext): Composite<ChangeEvent> {
  switch (command.type) {
    case 'RequestChange':
      return request(state, command, ctx);
    case 'AttachVersion':
      return attach(state, command, ctx);
    case 'AssessImpact':
      return assess(state, command, ctx);
    case 'SubmitChange':
      return submit(state, command, ctx);
    case 'ApproveChange':
      return approve(state, command, ctx);
    case 'RejectChange':
      return reject(state, command, ctx);
  }
}

export const changeDecider = { initialState: initialChangeState, decide: decideChange, evolve: evolveChange } as const;

