/**
 * Running deviation commands people give (report, investigation, closure). Triage and disposition are
 * signed decisions: they run through quality-decisions.ts.
 */
import type { Actor } from '../domain/shared/decider.ts';
import type { BatchState } from '../domain/execution/batch-state.ts';
import type { DeviationPersonCommand } from '../domain/quality/deviation-commands.ts';
import { decideDeviation, type DeviationContext } from '../domain/quality/deviation-decider.ts';
import type { DeviationState } from '../domain/quality/deviation-state.ts';
import { refuse } from '../domain/shared/refusal.ts';
import type { CommandOptions, Engine, Outcome } from './engine.ts';

const PERSON_COMMANDS = new Set<string>(['RaiseDeviation', 'RecordInvestigation', 'CloseDeviation']);

/** Runs one command on a deviation; a report against a batch also goes on the batch, in the same transaction. */
export async function executeDeviationCommand(engine: Engine, deviationId: string, command: DeviationPersonCommand, actor: Actor, options?: CommandOptions): Promise<Outcome> {
  return engine.execute<DeviationState>(
    'deviation',
    deviationId,
    command,
    actor,
    async (snapshot, base) => {
      if (!PERSON_COMMANDS.has(command.type)) {
        return refuse('invalid_value', `${command.type} is not given directly: sign the decision task instead.`, { command: command.type });
      }
      if (command.type === 'RaiseDeviation' && command.data.deviationId !== deviationId) {
        return refuse('invalid_value', `The deviation id ${command.data.deviationId} does not match ${deviationId}.`, { field: 'deviationId' });
      }
      let ctx: DeviationContext = base;
      if (command.type === 'RaiseDeviation' && command.data.batchId !== undefined) {
        const batch = await engine.load<BatchState>('batch', command.data.batchId);
        if (batch.version > 0) ctx = { ...base, batch };
      }
      return decideDeviation(snapshot.state, command, ctx);
    },
    options,
  );
}
