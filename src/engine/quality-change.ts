/** Running change-control commands people give (request, attach the drafted version, assess, submit). */
import type { Actor } from '../domain/shared/decider.ts';
import type { ChangePersonCommand } from '../domain/change/change-commands.ts';
import { decideChange, type ChangeContext } from '../domain/change/change-decider.ts';
import type { ChangeState } from '../domain/change/change-state.ts';
import type { CapaState } from '../domain/quality/capa-state.ts';
import type { ProcedureState } from '../domain/procedure/lifecycle.ts';
import { refuse } from '../domain/shared/refusal.ts';
import type { CommandOptions, Engine, Outcome } from './engine.ts';

const PERSON_COMMANDS = new Set<string>(['RequestChange', 'AttachVersion', 'AssessImpact', 'SubmitChange']);

/** Runs one command on a change request, with the procedure (and CAPA) it names. */
export async function executeChangeCommand(engine: Engine, changeId: string, command: ChangePersonCommand, actor: Actor, options?: CommandOptions): Promise<Outcome> {
  return engine.execute<ChangeState>(
    'change',
    changeId,
    command,
    actor,
    async (snapshot, base) => {
      if (!PERSON_COMMANDS.has(command.type)) return refuse('invalid_value', `${command.type} is not given directly: sign the decision task instead.`, { command: command.type });
      if (command.type === 'RequestChange' && command.data.changeId !== changeId) {
        return refuse('invalid_value', `The change id ${command.data.changeId} does not match ${changeId}.`, { field: 'changeId' });
      }
      const code = command.type === 'RequestChange' ? command.data.procedure : snapshot.state.procedure;
      const capaId = command.type === 'RequestChange' ? command.data.capaId : undefined;
      const [procedure, capa] = await Promise.all([
        code ? engine.load<ProcedureState>('procedure', code) : undefined,
        capaId !== undefined ? engine.load<CapaState>('capa', capaId) : undefined,
      ]);
      const ctx: ChangeContext = {
        ...base,
        ...(procedure !== undefined && procedure.version > 0 ? { procedure } : {}),
        ...(capa !== undefined && capa.version > 0 ? { capa: capa.state } : {}),
      };
      return decideChange(snapshot.state, command, ctx);
    },
    options,
  );
}
