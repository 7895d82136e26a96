/**
 * Running CAPA commands (people's, and the automation's batch outcomes), and reading a CAPA's closed loop:
 * deviation → CAPA → change → version → the batches since.
 */
import type { Actor } from '../domain/shared/decider.ts';
import type { CapaCommand, CapaPersonCommand, RecordBatchOutcome } from '../domain/quality/capa-commands.ts';
import { decideCapa, type CapaContext } from '../domain/quality/capa-decider.ts';
import type { CapaState } from '../domain/quality/capa-state.ts';
import type { ChangeState } from '../domain/change/change-state.ts';
import type { DeviationState } from '../domain/quality/deviation-state.ts';
import { closedLoop, type ClosedLoop } from '../domain/quality/closed-loop.ts';
import { refuse } from '../domain/shared/refusal.ts';
import type { Snapshot } from './snapshots.ts';
import type { CommandOptions, Engine, Outcome } from './engine.ts';

const PERSON_COMMANDS = new Set<string>(['OpenCapa', 'AddCapaAction', 'SubmitCapa', 'CompleteCapaAction']);

async function run(engine: Engine, capaId: string, command: CapaCommand, actor: Actor, options?: CommandOptions): Promise<Outcome> {
  return engine.execute<CapaState>(
    'capa',
    capaId,
    command,
    actor,
    async (snapshot, base) => {
      if (command.type === 'OpenCapa' && command.data.capaId !== capaId) return refuse('invalid_value', `The CAPA id ${command.data.capaId} does not match ${capaId}.`, { field: 'capaId' });
      let ctx: CapaContext = base;
      if (command.type === 'OpenCapa') {
        const ids = Array.isArray(command.data.deviations) ? command.data.deviations : [];
        const loaded = await Promise.all(ids.map(async (id) => [id, await engine.load<DeviationState>('deviation', id)] as const));
        ctx = { ...base, deviations: Object.fromEntries(loaded.filter(([, d]) => d.version > 0)) };
      } else if (command.type === 'CompleteCapaAction') {
        const changeId = snapshot.state.actions.find((a) => a.id === command.data.actionId)?.changeId;
        if (changeId !== undefined) ctx = { ...base, changes: { [changeId]: (await engine.load<ChangeState>('change', changeId)).state } };
      }
      return decideCapa(snapshot.state, command, ctx);
    },
    options,
  );
}

/** Runs one command a person gives on a CAPA (approval and the effectiveness verdict are signed decisions). */
export async function executeCapaCommand(engine: Engine, capaId: string, command: CapaPersonCommand, actor: Actor, options?: CommandOptions): Promise<Outcome> {
  if (!PERSON_COMMANDS.has(command.type)) {
    return engine.execute('capa', capaId, command, actor, () => refuse('invalid_value', `${command.type} is not given directly: sign the decision task instead.`, { command: command.type }), options);
  }
  return run(engine, capaId, command, actor, options);
}

/** Feeds a CAPA the outcome of a batch (the quality automation, as the system). */
export async function recordBatchOutcome(engine: Engine, capaId: string, command: RecordBatchOutcome, actor: Actor, options?: CommandOptions): Promise<Outcome> {
  return run(engine, capaId, command, actor, options);
}

/** Completes a CAPA action as the system (a change made its version effective). */
export async function completeActionAsSystem(engine: Engine, capaId: string, actionId: string, evidence: string, actor: Actor, options?: CommandOptions): Promise<Outcome> {
  return run(engine, capaId, { type: 'CompleteCapaAction', data: { actionId, evidence } }, actor, options);
}

/** The closed loop of a CAPA, from the current states of everything it links; undefined when there is no such CAPA. */
export async function loadClosedLoop(engine: Engine, capaId: string): Promise<ClosedLoop | undefined> {
  const capa = await engine.load<CapaState>('capa', capaId);
  if (capa.version === 0) return undefined;
  const deviations = Object.fromEntries(await Promise.all(capa.state.deviations.map(async (id) => [id, (await engine.load<DeviationState>('deviation', id)).state] as const)));
  const allChanges = await engine.store.listDocuments<Snapshot<ChangeState>>('change');
  const linked = new Set(capa.state.actions.map((a) => a.changeId).filter((id) => id !== undefined));
  const changes = Object.fromEntries(allChanges.map((d) => d.state).filter((c) => c.capaId === capaId || linked.has(c.id)).map((c) => [c.id, c]));
  return closedLoop(capa.state, deviations, changes);
}
