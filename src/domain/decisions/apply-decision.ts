/**
 * A decision signed by its quorum takes effect on its subject in the same transaction: the triage or the
 * disposition on the deviation, the release on the batch, the approval on the change (and so on the
 * procedure version). The signer who completed the quorum acts on the subject, and the subject's own decider
 * checks its own rules again — a quorum cannot release a batch with an open deviation.
 */
import type { DecisionContext, DomainEvent } from '../shared/decider.ts';
import { refuse, type Refusal } from '../shared/refusal.ts';
import type { BatchState } from '../execution/batch-state.ts';
import type { BatchCommand } from '../execution/batch-commands.ts';
import { decideBatch } from '../execution/batch-decider.ts';
import { batchStream, deviationStream } from '../execution/batch-events.ts';
import { procedureDecider, type ProcedureCommand, type ProcedureState } from '../procedure/lifecycle.ts';
import type { DeviationState } from '../quality/deviation-state.ts';
import { decideDeviation } from '../quality/deviation-decider.ts';
import type { DeviationCommand } from '../quality/deviation-commands.ts';
import type { CapaState } from '../quality/capa-state.ts';
import type { CapaCommand } from '../quality/capa-commands.ts';
import { decideCapa } from '../quality/capa-decider.ts';
import type { ChangeState } from '../change/change-state.ts';
import type { ChangeCommand } from '../change/change-commands.ts';
import { decideChange } from '../change/change-decider.ts';
import { alone, composite, expectedOf, procedureStream, type Composite, type StreamEvents, type Versioned } from './composite.ts';
import type { DecisionCommand } from './decision-commands.ts';
import { decideDecision } from './decision-decider.ts';
import type { DecisionEvent, DecisionEventOf } from './decision-events.ts';
import type { DecisionState } from './decision-state.ts';

/** The subject's state a signed decision acts on, as the engine read it for the decision's kind. */
export interface SubjectContext extends DecisionContext {
  readonly deviation?: Versioned<DeviationState>;
  readonly batch?: Versioned<BatchState>;
  /** A batch's deviations, for its release. */
  readonly batchDeviations?: Readonly<Record<string, DeviationState>>;
  readonly procedure?: Versioned<ProcedureState>;
  readonly change?: Versioned<ChangeState>;
  readonly capa?: Versioned<CapaState>;
}

type Made = DecisionEventOf<'DecisionMade'>['data'];
type Applied = readonly StreamEvents[] | Refusal;

const missing = (what: string, id: string): Refusal => refuse('subject_not_found', `The ${what} ${id} this decision is about could not be read.`, { subject: id }).refusal;
const isRefusal = (x: Applied): x is Refusal => !Array.isArray(x);

function stream(streamId: string, version: number, events: readonly DomainEvent[]): StreamEvents {
  return { streamId, expectedVersion: expectedOf(version), events };
}

function onDeviation(ctx: SubjectContext, made: Made, command: DeviationCommand): Applied {
  if (ctx.deviation === undefined) return missing('deviation', made.subject.id);
  const decision = decideDeviation(ctx.deviation.state, command, { now: ctx.now, actor: ctx.actor });
  if (!decision.ok) return decision.refusal;
  return [stream(deviationStream(made.subject.id), ctx.deviation.version, decision.events), ...decision.also];
}

function onBatch(ctx: SubjectContext, batchId: string, command: BatchCommand): Applied {
  if (ctx.batch === undefined) return missing('batch', batchId);
  const decision = decideBatch(ctx.batch.state, command, { ...ctx, equipment: {}, lots: {}, ...(ctx.batchDeviations ? { deviations: ctx.batchDeviations } : {}) });
  if (!decision.ok) return decision.refusal;
  return [stream(batchStream(batchId), ctx.batch.version, decision.events), ...decision.also];
}

function onProcedure(ctx: SubjectContext, code: string, commands: readonly ProcedureCommand[]): Applied {
  if (ctx.procedure === undefined) return missing('procedure', code);
  let state = ctx.procedure.state;
  const events: DomainEvent[] = [];
  for (const command of commands) {
    const decision = procedureDecider.decide(state, command, ctx);
    if (!decision.ok) return decision.refusal;
    events.push(...decision.events);
    state = decision.events.reduce(procedureDecider.evolve, state);
  }
  return [stream(procedureStream(code), ctx.procedure.version, events)];
}

function onChange(ctx: SubjectContext, made: Made, command: ChangeCommand): Applied {
  if (ctx.change === undefined) return missing('change', made.subject.id);
  const decision = decideChange(ctx.change.state, command, { now: ctx.now, actor: ctx.actor, ...(ctx.procedure ? { procedure: ctx.procedure } : {}) });
  if (!decision.ok) return decision.refusal;
  return [stream(`change-${made.subject.id}`, ctx.change.version, decision.events), ...decision.also];
}

function onCapa(ctx: SubjectContext, made: Made, command: CapaCommand): Applied {
  if (ctx.capa === undefined) return missing('CAPA', made.subject.id);
  const decision = decideCapa(ctx.capa.state, command, { now: ctx.now, actor: ctx.actor });
  if (!decision.ok) return decision.refusal;
  return [stream(`capa-${made.subject.id}`, ctx.capa.version, decision.events), ...decision.also];
}

/** What the outcome of a decision does to its subject: the other streams' events, or why it cannot. */
export function applyDecision(made: Made, ctx: SubjectContext): Applied {
  const { subject, outcome, decisionId, signatures } = made;
  const data = (made.data ?? {}) as Record<string, unknown>;
  const last = signatures[signatures.length - 1]!;
  const signed = { meaning: last.meaning, ...(last.recordHash !== undefined ? { recordHash: last.recordHash } : {}) };
  const reason = last.comment ?? '';
  const text = (key: string) => (typeof data[key] === 'string' ? (data[key] as string) : '');
  switch (subject.kind) {
    case 'deviation_triage':
      return onDeviation(ctx, made, {
        type: 'TriageDeviation',
        data: {
          severity: data.severity as never,
          category: text('category'),
          impact: text('impact'),
          investigator: text('investigator'),
          ...(typeof data.containment === 'string' ? { containment: data.containment } : {}),
          decisionId,
          signatures,
        },
      });
    case 'deviation_disposition': {
      const applied = onDeviation(ctx, made, { type: 'DecideDisposition', data: { disposition: outcome, rationale: text('rationale'), decisionId, signatures } });
      if (isRefusal(applied) || outcome !== 'reject_batch') return applied;
      const batchId = ctx.deviation?.state.batchId;
      if (batchId === undefined) return applied;
      const rejected = onBatch(ctx, batchId, { type: 'RejectBatch', data: { reason: `disposition of deviation ${subject.id}: ${text('rationale')}`, signature: signed, decisionId } });
      return isRefusal(rejected) ? rejected : [...applied, ...rejected];
    }
    case 'batch_release':
      return outcome === 'release'
        ? onBatch(ctx, subject.id, { type: 'ReleaseBatch', data: { signature: signed, decisionId } })
        : onBatch(ctx, subject.id, { type: 'RejectBatch', data: { reason, signature: signed, decisionId } });
    case 'procedure_approval': {
      const version = subject.version ?? 0;
      return outcome === 'approve'
        ? onProcedure(ctx, subject.id, [{ type: 'ApproveVersion', data: { version } }, { type: 'MakeEffective', data: { version } }])
        : onProcedure(ctx, subject.id, [{ type: 'RetireVersion', data: { version } }]);
    }
    case 'change_approval':
      return outcome === 'approve'
        ? onChange(ctx, made, { type: 'ApproveChange', data: { decisionId, signatures } })
        : onChange(ctx, made, { type: 'RejectChange', data: { reason, decisionId, signatures } });
    case 'capa_approval':
      return outcome === 'approve'
        ? onCapa(ctx, made, { type: 'ApproveCapa', data: { decisionId, signatures } })
        : onCapa(ctx, made, { type: 'ReturnCapa', data: { reason, decisionId, signatures } });
    case 'capa_effectiveness':
      return outcome === 'effective'
        ? onCapa(ctx, made, { type: 'ConfirmEffectiveness', data: { decisionId, signatures } })
        : onCapa(ctx, made, { type: 'RejectEffectiveness', data: { reason, decisionId, signatures } });
  }
}

/**
 * Decides a command on a decision task and, when it completes the decision, its effect on the subject;
 * either all of it is recorded or nothing is.
 */
export function decideWithSubject(state: DecisionState, command: DecisionCommand, ctx: SubjectContext): Composite<DecisionEvent> {
  const decision = decideDecision(state, command, ctx);
  if (!decision.ok) return decision;
  const made = decision.events.find((e): e is DecisionEventOf<'DecisionMade'> => e.type === 'DecisionMade');
  if (made === undefined) return alone(decision);
  const applied = applyDecision(made.data, ctx);
  if (isRefusal(applied)) return { ok: false, refusal: applied };
  return composite(decision.events, applied);
}
