/**
 * Everything a batch decision may look at besides the batch itself, gathered by the engine before it
 * calls decide: the acting person's record, the equipment and lots the command names (with the stream
 * version they were read at, so the append can insist they did not change), and the procedure version.
 */
import type { DecisionContext, DomainEvent } from '../shared/decider.ts';
import type { Refusal } from '../shared/refusal.ts';
import type { ProcedureDefinition } from '../procedure/definition.ts';
import type { EquipmentState } from '../resources/equipment-state.ts';
import type { LotState } from '../resources/lot-state.ts';
import type { PersonState } from '../resources/person-state.ts';
import type { DeviationState } from '../quality/deviation-state.ts';
import type { BatchEvent } from './batch-events.ts';

export interface Versioned<S> {
  readonly state: S;
  readonly version: number;
}

export interface BatchContext extends DecisionContext {
  /** The acting person's record (roles, training, active). */
  readonly person?: PersonState;
  /** Equipment named by the command, by equipment id. */
  readonly equipment: Readonly<Record<string, Versioned<EquipmentState>>>;
  /** Lots named by the command, by lot id. */
  readonly lots: Readonly<Record<string, Versioned<LotState>>>;
  /** For CreateBatch: the requested version of the procedure and its status. */
  readonly procedureVersion?: { readonly status: string; readonly definition: ProcedureDefinition };
  /** The batch's deviations, by id (releasing a deviation's hold, releasing the batch). */
  readonly deviations?: Readonly<Record<string, DeviationState>>;
}

/** Events for another stream that the same command changes, with the version they were decided on. */
export interface StreamEvents {
  readonly streamId: string;
  readonly expectedVersion: number | 'no_stream';
  readonly events: readonly DomainEvent[];
}

/** The batch's events plus the other streams' events, or a refusal. */
export type BatchDecision =
  | { readonly ok: true; readonly events: readonly BatchEvent[]; readonly also: readonly StreamEvents[] }
  | { readonly ok: false; readonly refusal: Refusal };

export function accepted(events: readonly BatchEvent[], also: readonly StreamEvents[] = []): BatchDecision {
  return { ok: true, events, also };
}

export function refused(refusal: Refusal): BatchDecision {
  return { ok: false, refusal };
}
