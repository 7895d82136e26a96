/**
 * The kinds of things the engine keeps a current state of, one stream each, and how a stream id maps to
 * its kind. The state of each is also kept as a read-model snapshot, updated in the append's transaction.
 */
import type { DomainEvent } from '../domain/shared/decider.ts';
import { evolveBatch, initialBatchState } from '../domain/execution/batch-state.ts';
import type { BatchEvent } from '../domain/execution/batch-events.ts';
import { evolveEquipment, initialEquipmentState } from '../domain/resources/equipment-state.ts';
import type { EquipmentEvent } from '../domain/resources/equipment-events.ts';
import { evolveLot, initialLotState } from '../domain/resources/lot-state.ts';
import type { LotEvent } from '../domain/resources/lot-events.ts';
import { evolvePerson, initialPersonState } from '../domain/resources/person-state.ts';
import type { PersonEvent } from '../domain/resources/person-events.ts';
import { evolveSite, initialSiteState } from '../domain/resources/site-state.ts';
import type { SiteEvent } from '../domain/resources/site-events.ts';
import { evolveDeviation, initialDeviationState, type DeviationEvent } from '../domain/quality/deviation-state.ts';
import { evolveDecision, initialDecisionState } from '../domain/decisions/decision-state.ts';
import type { DecisionEvent } from '../domain/decisions/decision-events.ts';
import { evolveCapa, initialCapaState } from '../domain/quality/capa-state.ts';
import type { CapaEvent } from '../domain/quality/capa-events.ts';
import { evolveChange, initialChangeState } from '../domain/change/change-state.ts';
import type { ChangeEvent } from '../domain/change/change-events.ts';
import { evolveProcedure, initialProcedureState } from '../domain/procedure/lifecycle.ts';
import type { ProcedureEvent } from '../domain/procedure/lifecycle.ts';

export interface AggregateKind<S = unknown> {
  /** The read-model collection of its snapshots, and the stream prefix `${name}-`. */
  readonly name: string;
  readonly initialState: S;
  readonly evolve: (state: S, event: DomainEvent) => S;
}

function kind<S, E extends DomainEvent>(name: string, initialState: S, evolve: (s: S, e: E) => S): AggregateKind<S> {
  return { name, initialState, evolve: evolve as (s: S, e: DomainEvent) => S };
}

export const KINDS = {
  batch: kind('batch', initialBatchState, (s, e: BatchEvent) => evolveBatch(s, e)),
  equipment: kind('equipment', initialEquipmentState, (s, e: EquipmentEvent) => evolveEquipment(s, e)),
  lot: kind('lot', initialLotState, (s, e: LotEvent) => evolveLot(s, e)),
  person: kind('person', initialPersonState, (s, e: PersonEvent) => evolvePerson(s, e)),
  procedure: kind('procedure', initialProcedureState, (s, e: ProcedureEvent) => evolveProcedure(s, e)),
  deviation: kind('deviation', initialDeviationState, (s, e: DeviationEvent) => evolveDeviation(s, e)),
  site: kind('site', initialSiteState, (s, e: SiteEvent) => evolveSite(s, e)),
  decision: kind('decision', initialDecisionState, (s, e: DecisionEvent) => evolveDecision(s, e)),
  capa: kind('capa', initialCapaState, (s, e: CapaEvent) => evolveCapa(s, e)),
  change: kind('change', initialChangeState, (s, e: ChangeEvent) => evolveChange(s, e)),
} as const;

export type KindName = keyof typeof KINDS;

/** The stream of an entity. */
export function streamOf(kindName: KindName, id: string): string {
  return `${kindName}-${id}`;
}

/** The kind and entity id of a stream, if it holds one. */
export function parseStream(streamId: string): { kind: AggregateKind; id: string } | undefined {
  const dash = streamId.indexOf('-');
  if (dash < 0) return undefined;
  const k = (KINDS as Record<string, AggregateKind>)[streamId.slice(0, dash)];
  return k === undefined ? undefined : { kind: k, id: streamId.slice(dash + 1) };
}
