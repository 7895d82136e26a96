/**
 * Running batch commands: gathers what the decision may look at (the person, the equipment and lots the
 * command names, the procedure version), then lets the engine decide and append.
 */
import type { Actor } from '../domain/shared/decider.ts';
import { decideBatch } from '../domain/execution/batch-decider.ts';
import type { BatchCommand } from '../domain/execution/batch-commands.ts';
import type { BatchContext, Versioned } from '../domain/execution/batch-context.ts';
import type { BatchState } from '../domain/execution/batch-state.ts';
import type { EquipmentState } from '../domain/resources/equipment-state.ts';
import type { LotState } from '../domain/resources/lot-state.ts';
import type { PersonState } from '../domain/resources/person-state.ts';
import type { DeviationState } from '../domain/quality/deviation-state.ts';
import { procedureVersionStatus } from '../domain/procedure/lifecycle.ts';
import type { ProcedureState } from '../domain/procedure/lifecycle.ts';
import type { CommandOptions, Engine, Outcome } from './engine.ts';

/** Ids of equipment and lots a command names, read from the command and the batch it acts on. */
export function namedResources(state: BatchState, command: BatchCommand): { equipment: string[]; lots: string[] } {
  const equipment = new Set<string>();
  const lots = new Set<string>();
  switch (command.type) {
    case 'StartStep':
      for (const id of Object.values(command.data.equipment ?? {})) equipment.add(id);
      break;
    case 'ConsumeMaterial':
      lots.add(command.data.lotId);
      if (command.data.balanceId !== undefined) equipment.add(command.data.balanceId);
      break;
    case 'RecordValue':
    case 'CorrectValue': {
      const field = state.definition?.steps.find((s) => s.id === command.data.stepId)?.fields.find((f) => f.id === command.data.fieldId);
      if (typeof command.data.value === 'string' && field?.type === 'lot') lots.add(command.data.value.trim());
      if (typeof command.data.value === 'string' && field?.type === 'equipment') equipment.add(command.data.value.trim());
      break;
    }
    case 'CompleteStep':
      for (const id of Object.values(state.steps[command.data.stepId]?.equipment ?? {})) equipment.add(id);
      if (command.data.producedLot !== undefined) lots.add(command.data.producedLot.lotId);
      break;
  }
  return { equipment: [...equipment], lots: [...lots] };
}

async function loadAll<S>(engine: Engine, kind: 'equipment' | 'lot', ids: readonly string[]): Promise<Record<string, Versioned<S>>> {
  const entries = await Promise.all(ids.map(async (id) => [id, await engine.load<S>(kind, id)] as const));
  return Object.fromEntries(entries.filter(([, s]) => s.version > 0));
}

/** Commands whose decision reads the batch's deviations: a deviation's hold, and the batch's release. */
const DEVIATION_AWARE = new Set<BatchCommand['type']>(['ReleaseHold', 'ReleaseBatch', 'RejectBatch']);

/** The current state of each of a batch's deviations. */
export async function loadDeviations(engine: Engine, ids: readonly string[]): Promise<Record<string, DeviationState>> {
  const entries = await Promise.all(ids.map(async (id) => [id, (await engine.load<DeviationState>('deviation', id)).state] as const));
  return Object.fromEntries(entries);
}

/** Runs one command on a batch. */
export async function executeBatchCommand(engine: Engine, batchId: string, command: BatchCommand, actor: Actor, options?: CommandOptions): Promise<Outcome> {
  return engine.execute<BatchState>(
    'batch',
    batchId,
    command,
    actor,
    async (snapshot, base) => {
      const state = snapshot.state;
      const named = namedResources(state, command);
      const [person, equipment, lots, procedureVersion, deviations] = await Promise.all([
        engine.load<PersonState>('person', actor.id),
        loadAll<EquipmentState>(engine, 'equipment', named.equipment),
        loadAll<LotState>(engine, 'lot', named.lots),
        command.type === 'CreateBatch' ? engine.load<ProcedureState>('procedure', command.data.procedure) : undefined,
        DEVIATION_AWARE.has(command.type) ? loadDeviations(engine, state.deviations) : undefined,
      ]);
      const ctx: BatchContext = {
        ...base,
        ...(person.version > 0 ? { person: person.state } : {}),
        equipment,
        lots,
        ...(deviations !== undefined ? { deviations } : {}),
        ...(command.type === 'CreateBatch' && procedureVersion !== undefined
          ? (() => {
              const found = procedureVersionStatus(procedureVersion.state, command.data.version);
              return found === undefined ? {} : { procedureVersion: found };
            })()
          : {}),
      };
      return decideBatch(state, command, ctx);
    },
    options,
  );
}
