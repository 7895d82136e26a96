/**
 * The quality automation: reads the ledger in order from its cursor and does what each quality event calls
 * for — routes the decision task it needs (triage, disposition, release, approvals, effectiveness),
 * withdraws a task whose subject was decided another way, feeds every CAPA that watches a procedure the
 * outcome of each batch that ends, completes the CAPA action a change did — and keeps the timer rows of
 * decision tasks in step with their state.
 *
 * Exactly once, across restarts and processes: every command it gives carries an idempotency key made from
 * the ledger position of the event and the reaction, so doing a reaction again (after a crash before the
 * cursor moved, or in a second process) records nothing new; timers are scheduled by key.
 */
import type { RecordedEvent } from '../store/event-store.ts';
import type { TimerSpec, TimerStore, TimerSync } from '../timers/timer-store.ts';
import type { RoutingConfig } from '../domain/decisions/routing.ts';
import type { RouteDecision } from '../domain/decisions/decision-commands.ts';
import {
  capaApprovalRequest,
  capaEffectivenessRequest,
  changeApprovalRequest,
  decisionIdFor,
  dispositionRequest,
  releaseRequest,
  triageRequest,
} from '../domain/decisions/decision-requests.ts';
import { nextDecisionTimer } from '../domain/decisions/decision-timers.ts';
import type { DecisionState } from '../domain/decisions/decision-state.ts';
import type { BatchState } from '../domain/execution/batch-state.ts';
import type { DeviationState } from '../domain/quality/deviation-state.ts';
import type { CapaState } from '../domain/quality/capa-state.ts';
import type { ChangeState } from '../domain/change/change-state.ts';
import type { ProcedureState } from '../domain/procedure/lifecycle.ts';
import { whyNotCounted, type BatchOutcome } from '../domain/quality/effectiveness.ts';
import { parseStream } from './aggregates.ts';
import { qualityActor } from './quality-actors.ts';
import { completeActionAsSystem, recordBatchOutcome } from './quality-capa.ts';
import { executeDecisionCommand } from './quality-decisions.ts';
import { DECISION_ESCALATION, type EscalationPayload } from './quality-timers.ts';
import { loadDeviations } from './batch-commands.ts';
import type { Snapshot } from './snapshots.ts';
import type { Engine, Outcome } from './engine.ts';

export const REACTOR_CURSOR = 'quality-reactor';

export interface ReactorOptions {
  readonly engine: Engine;
  readonly timers: TimerStore;
  readonly routing: RoutingConfig;
  /** Events read per pass (default 500). */
  readonly pageSize?: number;
  /** Told of reactions the domain refused (recorded as CommandRefused too); default: console.warn. */
  readonly onRefused?: (what: string, outcome: Outcome) => void;
}

export interface QualityReactor {
  /** Handles every event after the cursor; resolves with how many were read. */
  catchUp(): Promise<number>;
}

interface Page {
  readonly decisions: Set<string>;
}

export function createQualityReactor(options: ReactorOptions): QualityReactor {
  const { engine, timers, routing } = options;
  const pageSize = options.pageSize ?? 500;
  const onRefused = options.onRefused ?? ((what: string, outcome: Outcome) => !outcome.ok && console.warn(`[quality] ${what} refused: ${outcome.refusal.code}: ${outcome.refusal.message}`));

  const load = <S>(kind: Parameters<Engine['load']>[0], id: string) => engine.load<S>(kind, id);

  async function route(event: RecordedEvent, command: RouteDecision | undefined, what: string): Promise<void> {
    if (command === undefined) {
      onRefused(what, { ok: false, refusal: { code: 'no_route', message: `routing has no rule for ${what}`, details: {} }, replayed: false });
      return;
    }
    const existing = await load<DecisionState>('decision', command.data.decisionId);
    if (existing.version > 0) return;
    const outcome = await executeDecisionCommand(engine, command.data.decisionId, command, qualityActor(command.data.site), { idempotencyKey: `react:${event.globalPosition}:route` });
    if (!outcome.ok) onRefused(what, outcome);
  }

  async function withdraw(event: RecordedEvent, decisionId: string, reason: string): Promise<void> {
    const decision = await load<DecisionState>('decision', decisionId);
    if (decision.state.status !== 'open') return;
    const outcome = await executeDecisionCommand(engine, decisionId, { type: 'WithdrawDecision', data: { reason } }, qualityActor(decision.state.site), {
      idempotencyKey: `react:${event.globalPosition}:withdraw:${decisionId}`,
    });
    if (!outcome.ok) onRefused(`withdrawing ${decisionId}`, outcome);
  }

  async function feedCapas(event: RecordedEvent, batchId: string, endedAt: string): Promise<void> {
    const batch = (await load<BatchState>('batch', batchId)).state;
    const deviations = await loadDeviations(engine, batch.deviations);
    const outcome: BatchOutcome = {
      batchId,
      site: batch.site,
      procedure: batch.procedure,
      version: batch.version,
      endedAt,
      deviations: Object.values(deviations).map((d) => ({
        deviationId: d.id,
        ...(d.stepId !== undefined ? { stepId: d.stepId } : {}),
        ...(d.fieldId !== undefined ? { fieldId: d.fieldId } : {}),
        category: d.category,
        severity: d.severity,
      })),
    };
    const capas = (await engine.store.listDocuments<Snapshot<CapaState>>('capa')).map((d) => d.state).filter((c) => whyNotCounted(c, outcome) === undefined);
    for (const capa of capas) {
      const result = await recordBatchOutcome(engine, capa.id, { type: 'RecordBatchOutcome', data: outcome }, qualityActor(capa.site), { idempotencyKey: `react:${event.globalPosition}:capa:${capa.id}` });
      if (!result.ok) onRefused(`counting batch ${batchId} for CAPA ${capa.id}`, result);
    }
  }

  async function react(event: RecordedEvent, page: Page): Promise<void> {
    const parsed = parseStream(event.streamId);
    if (parsed === undefined) return;
    const { id } = parsed;
    const data = event.data as Record<string, unknown>;
    switch (event.type) {
      case 'DecisionRouted':
      case 'DecisionEscalated':
      case 'DecisionMade':
      case 'DecisionWithdrawn':
        page.decisions.add(id);
        return;
      case 'DeviationRaised':
      case 'DeviationReported': {
        const d = (await load<DeviationState>('deviation', id)).state;
        return route(event, triageRequest(routing, d, event.recordedAt), `the triage of deviation ${id}`);
      }
      case 'DeviationTriaged': {
        const d = (await load<DeviationState>('deviation', id)).state;
        return route(event, dispositionRequest(routing, d, event.recordedAt), `the disposition of deviation ${id}`);
      }
      case 'BatchCompleted': {
        const batch = (await load<BatchState>('batch', id)).state;
        await route(event, releaseRequest(routing, batch, event.recordedAt), `the release of batch ${id}`);
        return feedCapas(event, id, String(data.at));
      }
      case 'BatchReleased':
      case 'BatchRejected': {
        // Decided without its release task (directly, or rejected by a deviation's disposition): the task is moot.
        const release = decisionIdFor('batch_release', id);
        if (data.decisionId !== release) await withdraw(event, release, `batch ${id} was ${event.type === 'BatchReleased' ? 'released' : 'rejected'} without its release decision`);
        const batch = (await load<BatchState>('batch', id)).state;
        // A batch rejected before it completed still ends: it counts for the CAPAs that watch it.
        if (event.type === 'BatchRejected' && batch.status !== 'completed') await feedCapas(event, id, String(data.at));
        return;
      }
      case 'ChangeSubmitted': {
        const change = (await load<ChangeState>('change', id)).state;
        const procedure = (await load<ProcedureState>('procedure', change.procedure)).state;
        return route(event, changeApprovalRequest(routing, change, procedure, event.recordedAt), `the approval of change ${id}`);
      }
      case 'ChangeMadeEffective': {
        const capaId = data.capaId as string | undefined;
        if (capaId === undefined) return;
        const capa = (await load<CapaState>('capa', capaId)).state;
        for (const action of capa.actions.filter((a) => a.changeId === id && !a.done)) {
          const outcome = await completeActionAsSystem(engine, capaId, action.id, `change ${id} made ${String(data.procedure)} version ${String(data.version)} effective`, qualityActor(capa.site), {
            idempotencyKey: `react:${event.globalPosition}:action:${action.id}`,
          });
          if (!outcome.ok) onRefused(`completing action ${action.id} of CAPA ${capaId}`, outcome);
        }
        return;
      }
      case 'CapaSubmitted': {
        const capa = (await load<CapaState>('capa', id)).state;
        return route(event, capaApprovalRequest(routing, { ...capa, round: Number(data.round) }, event.recordedAt), `the approval of CAPA ${id}`);
      }
      case 'EffectivenessCheckPassed': {
        const capa = (await load<CapaState>('capa', id)).state;
        return route(event, capaEffectivenessRequest(routing, { ...capa, round: Number(data.round) }, event.recordedAt), `the effectiveness of CAPA ${id}`);
      }
      case 'ProcedureVersionApproved':
      case 'ProcedureVersionRetired':
        // Approved (or withdrawn) without its approval task: the task has nothing left to decide.
        return withdraw(event, decisionIdFor('procedure_approval', id, Number(data.version)), `${id} version ${String(data.version)} was ${event.type === 'ProcedureVersionApproved' ? 'approved' : 'retired'} directly`);
      default:
        return;
    }
  }

  /** Timer rows for the decisions touched: the next escalation of each, every other pending one cancelled. */
  async function timerChanges(page: Page): Promise<Pick<TimerSync, 'schedule' | 'cancel'>> {
    const schedule: TimerSpec[] = [];
    const cancel: { subject: string; keep: string[] }[] = [];
    for (const decisionId of page.decisions) {
      const state = (await load<DecisionState>('decision', decisionId)).state;
      const next = nextDecisionTimer(state);
      const subject = `decision-${decisionId}`;
      if (next !== undefined) {
        const payload: EscalationPayload = { decisionId, level: next.command.data.level };
        schedule.push({ key: next.key, kind: DECISION_ESCALATION, subject, dueAt: next.at, payload });
      }
      cancel.push({ subject, keep: next ? [next.key] : [] });
    }
    return { schedule, cancel };
  }

  return {
    async catchUp() {
      let total = 0;
      for (;;) {
        const after = await timers.cursor(REACTOR_CURSOR);
        const events = await engine.store.readAll({ after, limit: pageSize });
        if (events.length === 0) return total;
        const page: Page = { decisions: new Set() };
        for (const event of events) await react(event, page);
        const changes = await timerChanges(page);
        await timers.sync({ ...changes, cursor: { name: REACTOR_CURSOR, position: events[events.length - 1]!.globalPosition } });
        total += events.length;
      }
    },
  };
}
