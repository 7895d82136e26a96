/**
 * Test fixture: the world around a batch (equipment and lots with their stream versions), the context the
 * engine would gather for a command, and a runner that plays accepted commands into a scenario — applying
 * the events for other streams (`also`) to the world as the store would in the same transaction.
 */
import { evolveEquipment } from '../resources/equipment-state.ts';
import type { EquipmentEvent } from '../resources/equipment-events.ts';
import type { LotEvent } from '../resources/lot-events.ts';
import { evolveLot, initialLotState } from '../resources/lot-state.ts';
import type { PersonState } from '../resources/person-state.ts';
import type { DomainEvent } from '../shared/decider.ts';
import type { BatchContext, StreamEvents, Versioned } from './batch-context.ts';
import type { BatchCommand, EnteredValue, SignatureInput, ProducedLotInput } from './batch-commands.ts';
import { decideBatch } from './batch-decider.ts';
import type { BatchEvent } from './batch-events.ts';
import { evolveBatch, initialBatchState, type BatchState } from './batch-state.ts';
import { procedure, PROCEDURE, VERSION } from './test-procedure.ts';
import { actorOf, equipment, lots, SITE } from './test-resources.ts';
import type { EquipmentState } from '../resources/equipment-state.ts';
import type { LotState } from '../resources/lot-state.ts';
import { evolveDeviation, initialDeviationState, type DeviationEvent, type DeviationState } from '../quality/deviation-state.ts';

export interface World {
  readonly equipment: Readonly<Record<string, Versioned<EquipmentState>>>;
  readonly lots: Readonly<Record<string, Versioned<LotState>>>;
  /** Events appended to deviation streams, by stream. */
  readonly deviations: Readonly<Record<string, readonly DomainEvent[]>>;
}

export const initialWorld: World = { equipment, lots, deviations: {} };

/** Applies another stream's events to the world, insisting on the version the decision was made at. */
export function applyAlso(world: World, also: readonly StreamEvents[]): World {
  let next = world;
  for (const s of also) {
    const [kind, ...rest] = s.streamId.split('-');
    const id = rest.join('-');
    if (kind === 'equipment') {
      const current = next.equipment[id];
      if (current === undefined || current.version !== s.expectedVersion) throw new Error(`stale expected version for ${s.streamId}`);
      const state = (s.events as EquipmentEvent[]).reduce(evolveEquipment, current.state);
      next = { ...next, equipment: { ...next.equipment, [id]: { state, version: current.version + s.events.length } } };
    } else if (kind === 'lot') {
      const current = next.lots[id];
      if ((current?.version ?? 'no_stream') !== s.expectedVersion) throw new Error(`stale expected version for ${s.streamId}`);
      const state = (s.events as LotEvent[]).reduce(evolveLot, current?.state ?? initialLotState);
      next = { ...next, lots: { ...next.lots, [id]: { state, version: (current?.version ?? 0) + s.events.length } } };
    } else if (kind === 'deviation') {
      if (next.deviations[s.streamId] !== undefined || s.expectedVersion !== 'no_stream') throw new Error(`deviation stream ${s.streamId} already exists`);
      next = { ...next, deviations: { ...next.deviations, [s.streamId]: s.events } };
    } else throw new Error(`unexpected stream ${s.streamId}`);
  }
  return next;
}

export interface ContextOptions {
  readonly site?: string;
  /** The procedure version CreateBatch finds; null when there is none. Default: PX10-COMPRESSION v2, effective. */
  readonly procedureVersion?: BatchContext['procedureVersion'] | null;
  /** Overrides the person record (e.g. none at all). */
  readonly person?: PersonState | null;
  /**
   * The state of the world's deviations: by default QA has decided their disposition (their lifecycle is
   * src/domain/quality's); 'open' leaves them as raised; 'closed' closes them too.
   */
  readonly deviations?: DeviationMode;
}

export type DeviationMode = 'open' | 'dispositioned' | 'closed';

/** The world's deviations as the engine would read them for a command. */
export function deviationsOf(world: World, mode: DeviationMode): Record<string, DeviationState> {
  const decided = (id: string): DeviationEvent[] => [
    { type: 'DeviationTriaged', data: { deviationId: id, severity: 'major', previousSeverity: 'major', category: 'value', impact: 'fixture triage', investigator: 'u-quinn', signatures: [], by: 'u-quinn', at: '2026-11-24T12:00:00.000Z' } },
    { type: 'DispositionDecided', data: { deviationId: id, disposition: 'continue', rationale: 'fixture disposition', signatures: [], by: 'u-quinn', at: '2026-11-24T12:00:00.000Z' } },
  ];
  const closed = (id: string): DeviationEvent[] => [
    { type: 'InvestigationRecorded', data: { deviationId: id, rootCause: 'fixture root cause', rootCauseCategory: 'method', by: 'u-quinn', at: '2026-11-24T12:00:00.000Z' } },
    { type: 'DeviationClosed', data: { deviationId: id, summary: 'fixture closure', signature: { meaning: 'approved', by: 'u-qa-lead', name: 'Fixture QA lead', at: '2026-11-24T12:00:00.000Z' }, by: 'u-qa-lead', at: '2026-11-24T12:00:00.000Z' } },
  ];
  return Object.fromEntries(
    Object.entries(world.deviations).map(([stream, events]) => {
      const id = stream.slice('deviation-'.length);
      const all = [...(events as DeviationEvent[]), ...(mode === 'open' ? [] : decided(id)), ...(mode === 'closed' ? closed(id) : [])];
      return [id, all.reduce(evolveDeviation, initialDeviationState)];
    }),
  );
}

/** The context the engine gathers for `who` acting at `now`: every piece of equipment and lot of the world. */
export function contextFor(who: PersonState, now: string, world: World = initialWorld, options: ContextOptions = {}): BatchContext {
  const version = options.procedureVersion === undefined ? { status: 'effective', definition: procedure } : options.procedureVersion;
  const person = options.person === undefined ? who : options.person;
  return {
    now,
    actor: actorOf(who, options.site ?? SITE),
    ...(person === null ? {} : { person }),
    equipment: world.equipment,
    lots: world.lots,
    ...(version === null ? {} : { procedureVersion: version }),
    deviations: deviationsOf(world, options.deviations ?? 'dispositioned'),
  };
}

/** A batch as a run of accepted commands left it, and the world beside it. */
export interface Scenario {
  readonly state: BatchState;
  readonly events: readonly BatchEvent[];
  readonly world: World;
}

export const emptyScenario: Scenario = { state: initialBatchState, events: [], world: initialWorld };

/** Plays one command that must be accepted; a refusal means the scenario itself is wrong. */
export function perform(s: Scenario, command: BatchCommand, who: PersonState, now: string, options: ContextOptions = {}): Scenario {
  const decision = decideBatch(s.state, command, contextFor(who, now, s.world, options));
  if (!decision.ok) throw new Error(`${command.type} refused in scenario: ${decision.refusal.code}: ${decision.refusal.message}`);
  return { state: decision.events.reduce(evolveBatch, s.state), events: [...s.events, ...decision.events], world: applyAlso(s.world, decision.also) };
}

// Commands --------------------------------------------------------------------------------------------

export const BATCH = 'B-1';

export const cmd = {
  /** `batchSize` null: none given. */
  create: (batchSize: number | null = 100_000, batchId = BATCH, site = SITE): BatchCommand => ({
    type: 'CreateBatch',
    data: { batchId, site, procedure: PROCEDURE, version: VERSION, ...(batchSize !== null ? { batchSize } : {}), lot: 'PX10-2611-01' },
  }),
  start: (stepId: string, equipmentIds?: Record<string, string>): BatchCommand => ({ type: 'StartStep', data: { stepId, ...(equipmentIds ? { equipment: equipmentIds } : {}) } }),
  record: (stepId: string, fieldId: string, value: EnteredValue): BatchCommand => ({ type: 'RecordValue', data: { stepId, fieldId, value } }),
  correct: (stepId: string, fieldId: string, value: EnteredValue, reason: string): BatchCommand => ({ type: 'CorrectValue', data: { stepId, fieldId, value, reason } }),
  consume: (lotId: string, quantity: number, options: { unit?: string; balanceId?: string | null; stepId?: string; material?: string } = {}): BatchCommand => ({
    type: 'ConsumeMaterial',
    data: {
      stepId: options.stepId ?? 'charge',
      material: options.material ?? 'granulate',
      lotId,
      quantity,
      unit: options.unit ?? 'kg',
      ...(options.balanceId === null ? {} : { balanceId: options.balanceId ?? 'BAL-01' }),
    },
  }),
  complete: (stepId: string, signature?: SignatureInput, producedLot?: ProducedLotInput): BatchCommand => ({
    type: 'CompleteStep',
    data: { stepId, ...(signature ? { signature } : {}), ...(producedLot ? { producedLot } : {}) },
  }),
  /** `signature` null: not signed. */
  verify: (stepId: string, signature: SignatureInput | null = { meaning: 'verified' }): BatchCommand => ({
    type: 'VerifyStep',
    data: { stepId, ...(signature ? { signature } : {}) },
  }),
  hold: (reason: string, stepId?: string): BatchCommand => ({ type: 'PlaceHold', data: { reason, ...(stepId ? { stepId } : {}) } }),
  releaseHold: (holdId: string, reason: string): BatchCommand => ({ type: 'ReleaseHold', data: { holdId, reason } }),
  completeBatch: (): BatchCommand => ({ type: 'CompleteBatch', data: {} }),
};

/** Ten hardness samples (kP) with the given mean, spread ±0.2 around it. */
export function hardness(mean: number): number[] {
  return [0.2, -0.2, 0.1, -0.1, 0, 0, 0.2, -0.2, 0.1, -0.1].map((d) => Math.round((mean + d) * 10) / 10);
}
