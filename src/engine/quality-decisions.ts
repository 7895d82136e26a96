/**
 * Running commands on decision tasks. Signing one that completes its quorum applies its outcome to the
 * subject in the same transaction, so the engine gathers the subject's state (and what its rules look at)
 * according to the kind of decision. Also: routing a decision from the site's configuration, and the inbox.
 */
import type { Actor } from '../domain/shared/decider.ts';
import type { DecisionCommand } from '../domain/decisions/decision-commands.ts';
import { decideWithSubject, type SubjectContext } from '../domain/decisions/apply-decision.ts';
import { isOverdue, type DecisionState } from '../domain/decisions/decision-state.ts';
import { procedureApprovalRequest } from '../domain/decisions/decision-requests.ts';
import type { RoutingConfig } from '../domain/decisions/routing.ts';
import type { DecisionContext } from '../domain/shared/decider.ts';
import type { BatchState } from '../domain/execution/batch-state.ts';
import type { DeviationState } from '../domain/quality/deviation-state.ts';
import type { ProcedureState } from '../domain/procedure/lifecycle.ts';
import type { ChangeState } from '../domain/change/change-state.ts';
import type { CapaState } from '../domain/quality/capa-state.ts';
import { refuse } from '../domain/shared/refusal.ts';
import { loadDeviations } from './batch-commands.ts';
import type { Snapshot } from './snapshots.ts';
import type { CommandOptions, Engine, Outcome } from './engine.ts';

const present = <S>(s: Snapshot<S>) => (s.version > 0 ? s : undefined);

/** What the outcome of a decision acts on, read now. */
async function subjectContext(engine: Engine, decision: DecisionState, base: DecisionContext): Promise<SubjectContext> {
  const subject = decision.subject;
  if (subject === undefined) return base;
  switch (subject.kind) {
    case 'deviation_triage':
    case 'deviation_disposition': {
      const deviation = present(await engine.load<DeviationState>('deviation', subject.id));
      const batchId = deviation?.state.batchId;
      const batch = batchId !== undefined ? present(await engine.load<BatchState>('batch', batchId)) : undefined;
      return { ...base, ...(deviation ? { deviation } : {}), ...(batch ? { batch } : {}) };
    }
    case 'batch_release': {
      const batch = present(await engine.load<BatchState>('batch', subject.id));
      if (batch === undefined) return base;
      return { ...base, batch, batchDeviations: await loadDeviations(engine, batch.state.deviations) };
    }
    case 'procedure_approval': {
      const procedure = present(await engine.load<ProcedureState>('procedure', subject.id));
      return { ...base, ...(procedure ? { procedure } : {}) };
    }
    case 'change_approval': {
      const change = present(await engine.load<ChangeState>('change', subject.id));
      const procedure = change ? present(await engine.load<ProcedureState>('procedure', change.state.procedure)) : undefined;
      return { ...base, ...(change ? { change } : {}), ...(procedure ? { procedure } : {}) };
    }
    case 'capa_approval':
    case 'capa_effectiveness': {
      const capa = present(await engine.load<CapaState>('capa', subject.id));
      return { ...base, ...(capa ? { capa } : {}) };
    }
  }
}

/** Runs one command on a decision task (and, when it decides it, on its subject). */
export async function executeDecisionCommand(engine: Engine, decisionId: string, command: DecisionCommand, actor: Actor, options?: CommandOptions): Promise<Outcome> {
  return engine.execute<DecisionState>(
    'decision',
    decisionId,
    command,
    actor,
    async (snapshot, base) => {
      if (command.type === 'RouteDecision' && command.data.decisionId !== decisionId) {
        return refuse('invalid_value', `The decision id ${command.data.decisionId} does not match ${decisionId}.`, { field: 'decisionId' });
      }
      const ctx = command.type === 'SignDecision' && snapshot.state.status === 'open' ? await subjectContext(engine, snapshot.state, base) : base;
      return decideWithSubject(snapshot.state, command, ctx);
    },
    options,
  );
}

/**
 * Routes the approval of a procedure version submitted outside change control, from the site's routing;
 * the person asking is the one who routes it.
 */
export async function requestProcedureApproval(engine: Engine, routing: RoutingConfig, procedure: string, version: number, actor: Actor, options?: CommandOptions): Promise<Outcome> {
  const state = await engine.load<ProcedureState>('procedure', procedure);
  const command = procedureApprovalRequest(routing, actor.site, state.version > 0 ? state.state : { ...state.state, procedure }, version);
  if (command === undefined) throw new Error(`routing has no rule for procedure_approval at site ${actor.site}`);
  return executeDecisionCommand(engine, command.data.decisionId, command, actor, options);
}

export interface InboxEntry {
  readonly decision: DecisionState;
  readonly overdue: boolean;
}

export interface InboxFilter {
  readonly site: string;
  /** Only decisions this person may sign: routed to one of these roles or assigned to them, and not their own work. */
  readonly actor?: Actor;
  readonly status?: DecisionState['status'];
}

/** Decision tasks of a site, oldest due first, with whether each is overdue at `now`. */
export async function listDecisions(engine: Engine, filter: InboxFilter): Promise<InboxEntry[]> {
  const now = engine.now();
  const all = (await engine.store.listDocuments<Snapshot<DecisionState>>('decision')).map((d) => d.state);
  return all
    .filter((d) => d.site === filter.site && (filter.status === undefined || d.status === filter.status))
    .filter((d) => {
      const a = filter.actor;
      if (a === undefined) return true;
      const mine = d.assignee === a.id || d.roles.some((r) => a.roles.includes(r));
      return mine && !d.conflicts.some((c) => c.personId === a.id) && !d.signatures.some((s) => s.by === a.id);
    })
    .sort((x, y) => x.dueAt.localeCompare(y.dueAt) || x.id.localeCompare(y.id))
    .map((decision) => ({ decision, overdue: isOverdue(decision, now) }));
}
