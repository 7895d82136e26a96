/**
 * The deviation decider. Who may triage and decide a disposition depends on the severity (a supervisor takes
 * minor ones, QA the rest); the named investigator records the root cause; QA closes it once both the
 * investigation and the disposition are there. Nobody judges a deviation they raised or investigated.
 */
import type { DecisionContext } from '../shared/decider.ts';
import { accept, refuse, type Decision, type Refusal } from '../shared/refusal.ts';
import { roleCheck, siteCheck } from '../resources/roles.ts';
import { SEVERITIES, type HoldScope, type Severity } from '../procedure/definition.ts';
import type { BatchState } from '../execution/batch-state.ts';
import { batchStream } from '../execution/batch-events.ts';
import { decideNoteDeviation } from '../execution/decide-note-deviation.ts';
import { alone, composite, expectedOf, type Composite, type Versioned } from '../decisions/composite.ts';
import { isRefusal, sign, textOf } from '../decisions/signature.ts';
import { isDeviationCategory, isRootCauseCategory, DEVIATION_CATEGORIES, ROOT_CAUSE_CATEGORIES } from './categories.ts';
import type { CloseDeviation, DecideDisposition, DeviationCommand, LinkCapa, RaiseDeviation, RecordInvestigation, TriageDeviation } from './deviation-commands.ts';
import { DISPOSITIONS, type DeviationEvent, type Disposition } from './deviation-events.ts';
import { evolveDeviation, initialDeviationState, type DeviationState } from './deviation-state.ts';

/** What a deviation decision may look at besides the deviation. */
export interface DeviationContext extends DecisionContext {
  /** The batch a reported deviation names, with the stream version it was read at. */
  readonly batch?: Versioned<BatchState>;
}

const REPORTERS = ['operator', 'supervisor', 'qa', 'qa-lead', 'engineer', 'maintenance'];
const HOLDS: readonly HoldScope[] = ['none', 'step', 'batch'];

/** Minor deviations are a supervisor's decision; major and critical ones QA's. */
export function decidersFor(severity: Severity): readonly string[] {
  return SEVERITIES.indexOf(severity) <= SEVERITIES.indexOf('minor') ? ['supervisor', 'qa', 'qa-lead'] : ['qa', 'qa-lead'];
}

function invalid(field: string, message: string): { ok: false; refusal: Refusal } {
  return refuse('invalid_value', message, { field });
}

function existing(state: DeviationState, ctx: DecisionContext): Refusal | undefined {
  if (!state.raised) return refuse('deviation_not_found', 'There is no such deviation.').refusal;
  const site = siteCheck(ctx.actor.site, state.site, `Deviation ${state.id}`);
  if (site) return site;
  if (state.status === 'closed') return refuse('deviation_closed', `Deviation ${state.id} is closed.`, { deviationId: state.id }).refusal;
  return undefined;
}

function selfCheck(state: DeviationState, ctx: DecisionContext, what: string, alsoInvestigator = false): Refusal | undefined {
  const me = ctx.actor.id;
  if (state.raisedBy === me) return refuse('self_approval', `You raised deviation ${state.id}; someone else must ${what}.`, { deviationId: state.id, raisedBy: me }).refusal;
  if (alsoInvestigator && state.investigation?.by === me) {
    return refuse('self_approval', `You investigated deviation ${state.id}; someone else must ${what}.`, { deviationId: state.id, investigatedBy: me }).refusal;
  }
  return undefined;
}

function raise(state: DeviationState, command: RaiseDeviation, ctx: DeviationContext): Composite<DeviationEvent> {
  const c = command.data;
  if (state.raised) return refuse('deviation_exists', `Deviation ${c.deviationId} already exists.`, { deviationId: c.deviationId });
  const denied = roleCheck(ctx.actor.roles, REPORTERS, 'Reporting a deviation') ?? siteCheck(ctx.actor.site, c.site, 'This deviation');
  if (denied) return { ok: false, refusal: denied };
  if (textOf(c.deviationId, 1) === undefined) return invalid('deviationId', 'A deviation needs an id.');
  if (!SEVERITIES.includes(c.severity)) return invalid('severity', `The severity must be one of ${SEVERITIES.join(', ')}.`);
  if (!isDeviationCategory(c.category)) return invalid('category', `The category must be one of ${DEVIATION_CATEGORIES.join(', ')}.`);
  const description = textOf(c.description, 10);
  if (description === undefined) return invalid('description', 'Describe what happened in a sentence.');
  const hold = c.hold ?? 'none';
  if (!HOLDS.includes(hold)) return invalid('hold', 'The hold is none, step or batch.');
  const batch = ctx.batch?.state;
  if (c.batchId !== undefined) {
    if (batch === undefined || !batch.created) return refuse('batch_not_found', `There is no batch ${c.batchId}.`, { batchId: c.batchId });
    if (batch.site !== c.site) return refuse('site_mismatch', `Batch ${c.batchId} runs at site ${batch.site}.`, { batchId: c.batchId, site: batch.site });
    if (c.stepId !== undefined && batch.steps[c.stepId] === undefined) return refuse('step_not_found', `Procedure ${batch.procedure} has no step "${c.stepId}".`, { stepId: c.stepId });
    if (hold === 'step' && c.stepId === undefined) return invalid('hold', 'Name the step to hold.');
  } else if (c.stepId !== undefined || hold !== 'none') {
    return invalid('batchId', 'A step or a hold needs the batch it belongs to.');
  }
  const reported: DeviationEvent = {
    type: 'DeviationReported',
    data: {
      deviationId: c.deviationId,
      site: c.site,
      ...(batch !== undefined && c.batchId !== undefined ? { batchId: c.batchId, procedure: batch.procedure, version: batch.version } : {}),
      ...(c.stepId !== undefined ? { stepId: c.stepId } : {}),
      severity: c.severity,
      category: c.category,
      description,
      hold,
      reportedBy: ctx.actor.id,
      reportedAt: ctx.now,
    },
  };
  if (batch === undefined || ctx.batch === undefined) return composite([reported]);
  // The batch record lists the deviation, and holds what it asks to, in the same transaction.
  const noted = decideNoteDeviation(
    batch,
    { type: 'NoteDeviation', data: { deviationId: c.deviationId, ...(c.stepId !== undefined ? { stepId: c.stepId } : {}), severity: c.severity, description, hold } },
    { ...ctx, equipment: {}, lots: {} },
  );
  if (!noted.ok) return noted;
  return composite([reported], [{ streamId: batchStream(batch.id), expectedVersion: expectedOf(ctx.batch.version), events: noted.events }]);
}

function triage(state: DeviationState, command: TriageDeviation, ctx: DecisionContext): Decision<DeviationEvent> {
  const problem = existing(state, ctx);
  if (problem) return { ok: false, refusal: problem };
  const c = command.data;
  if (state.triage !== undefined) return refuse('invalid_transition', `Deviation ${state.id} is already triaged.`, { deviationId: state.id, status: state.status });
  if (!SEVERITIES.includes(c.severity)) return invalid('severity', `The severity must be one of ${SEVERITIES.join(', ')}.`);
  // Raising the severity above one's authority is as much QA's decision as triaging a major deviation.
  const highest = SEVERITIES[Math.max(SEVERITIES.indexOf(c.severity), SEVERITIES.indexOf(state.severity))]!;
  const denied = roleCheck(ctx.actor.roles, decidersFor(highest), `Triaging a ${highest} deviation`);
  if (denied) return { ok: false, refusal: denied };
  const self = selfCheck(state, ctx, 'triage it');
  if (self) return { ok: false, refusal: self };
  if (!isDeviationCategory(c.category)) return invalid('category', `The category must be one of ${DEVIATION_CATEGORIES.join(', ')}.`);
  const impact = textOf(c.impact, 5);
  if (impact === undefined) return invalid('impact', 'State the impact on the product and other batches.');
  const investigator = textOf(c.investigator, 1);
  if (investigator === undefined) return invalid('investigator', 'Name the person who investigates.');
  const containment = textOf(c.containment);
  if (!Array.isArray(c.signatures) || c.signatures.length === 0) return refuse('signature_required', 'Triage is a signed decision: sign the triage decision task.', { meaning: 'reviewed' });
  return accept({
    type: 'DeviationTriaged',
    data: {
      deviationId: state.id,
      severity: c.severity,
      previousSeverity: state.severity,
      category: c.category,
      impact,
      investigator,
      ...(containment !== undefined ? { containment } : {}),
      ...(c.decisionId !== undefined ? { decisionId: c.decisionId } : {}),
      signatures: c.signatures,
      by: ctx.actor.id,
      at: ctx.now,
    },
  });
}

function investigate(state: DeviationState, command: RecordInvestigation, ctx: DecisionContext): Decision<DeviationEvent> {
  const problem = existing(state, ctx);
  if (problem) return { ok: false, refusal: problem };
  if (state.triage === undefined) return refuse('not_triaged', `Deviation ${state.id} is not triaged yet; the investigation starts when it is.`, { deviationId: state.id });
  if (state.investigation !== undefined) return refuse('invalid_transition', `The investigation of deviation ${state.id} is already recorded.`, { deviationId: state.id });
  if (ctx.actor.id !== state.triage.investigator) {
    return refuse('not_investigator', `${state.triage.investigator} investigates deviation ${state.id}; only they record its root cause.`, { investigator: state.triage.investigator });
  }
  const c = command.data;
  const rootCause = textOf(c.rootCause, 10);
  if (rootCause === undefined) return invalid('rootCause', 'Describe the root cause in a sentence.');
  if (!isRootCauseCategory(c.rootCauseCategory)) return invalid('rootCauseCategory', `The root-cause category must be one of ${ROOT_CAUSE_CATEGORIES.join(', ')}.`);
  const findings = textOf(c.findings);
  return accept({
    type: 'InvestigationRecorded',
    data: { deviationId: state.id, rootCause, rootCauseCategory: c.rootCauseCategory, ...(findings !== undefined ? { findings } : {}), by: ctx.actor.id, at: ctx.now },
  });
}

function dispose(state: DeviationState, command: DecideDisposition, ctx: DecisionContext): Decision<DeviationEvent> {
  const problem = existing(state, ctx);
  if (problem) return { ok: false, refusal: problem };
  if (state.triage === undefined) return refuse('not_triaged', `Deviation ${state.id} must be triaged before its disposition.`, { deviationId: state.id });
  if (state.disposition !== undefined) return refuse('invalid_transition', `Deviation ${state.id} already has its disposition (${state.disposition.disposition}).`, { deviationId: state.id });
  const denied = roleCheck(ctx.actor.roles, decidersFor(state.severity), `Deciding the disposition of a ${state.severity} deviation`);
  if (denied) return { ok: false, refusal: denied };
  const self = selfCheck(state, ctx, 'decide its disposition');
  if (self) return { ok: false, refusal: self };
  const c = command.data;
  if (!(DISPOSITIONS as readonly string[]).includes(c.disposition)) return invalid('disposition', `The disposition must be one of ${DISPOSITIONS.join(', ')}.`);
  const rationale = textOf(c.rationale, 5);
  if (rationale === undefined) return invalid('rationale', 'Give the rationale for the disposition.');
  if (!Array.isArray(c.signatures) || c.signatures.length === 0) return refuse('signature_required', 'A disposition is a signed decision: sign the disposition decision task.', { meaning: 'approved' });
  return accept({
    type: 'DispositionDecided',
    data: {
      deviationId: state.id,
      disposition: c.disposition as Disposition,
      rationale,
      ...(c.decisionId !== undefined ? { decisionId: c.decisionId } : {}),
      signatures: c.signatures,
      by: ctx.actor.id,
      at: ctx.now,
    },
  });
}

function close(state: DeviationState, command: CloseDeviation, ctx: DecisionContext): Decision<DeviationEvent> {
  const problem = existing(state, ctx);
  if (problem) return { ok: false, refusal: problem };
  const denied = roleCheck(ctx.actor.roles, ['qa', 'qa-lead'], 'Closing a deviation');
  if (denied) return { ok: false, refusal: denied };
  if (state.investigation === undefined || state.disposition === undefined) {
    const missing = [state.investigation === undefined ? 'its investigation' : undefined, state.disposition === undefined ? 'its disposition' : undefined].filter(Boolean);
    return refuse('not_ready_to_close', `Deviation ${state.id} cannot be closed without ${missing.join(' and ')}.`, { deviationId: state.id, status: state.status });
  }
  const self = selfCheck(state, ctx, 'close it', true);
  if (self) return { ok: false, refusal: self };
  const summary = textOf(command.data.summary, 5);
  if (summary === undefined) return invalid('summary', 'Summarise the deviation for the record.');
  const signature = sign('approved', command.data.signature, ctx, `Closing deviation ${state.id}`);
  if (isRefusal(signature)) return { ok: false, refusal: signature };
  return accept({ type: 'DeviationClosed', data: { deviationId: state.id, summary, signature, by: ctx.actor.id, at: ctx.now } });
}

function link(state: DeviationState, command: LinkCapa, ctx: DecisionContext): Decision<DeviationEvent> {
  if (!state.raised) return refuse('deviation_not_found', 'There is no such deviation.');
  const site = siteCheck(ctx.actor.site, state.site, `Deviation ${state.id}`);
  if (site) return { ok: false, refusal: site };
  if (state.capas.includes(command.data.capaId)) return refuse('invalid_transition', `Deviation ${state.id} is already linked to CAPA ${command.data.capaId}.`, { capaId: command.data.capaId });
  return accept({ type: 'DeviationLinkedToCapa', data: { deviationId: state.id, capaId: command.data.capaId, by: ctx.actor.id } });
}

/** Decides one command on a deviation; pure. */
export function decideDeviation(state: DeviationState, command: DeviationCommand, ctx: DeviationContext): Composite<DeviationEvent> {
  switch (command.type) {
    case 'RaiseDeviation':
      return raise(state, command, ctx);
    case 'TriageDeviation':
      return alone(triage(state, command, ctx));
    case 'RecordInvestigation':
      return alone(investigate(state, command, ctx));
    case 'DecideDisposition':
      return alone(dispose(state, command, ctx));
    case 'CloseDeviation':
      return alone(close(state, command, ctx));
    case 'LinkCapa':
      return alone(link(state, command, ctx));
  }
}

export const deviationDecider = {
  initialState: initialDeviationState,
  decide: decideDeviation,
  evolve: evolveDeviation,
} as const;
