/** Creating a batch: only from an effective procedure version, within its batch-size range. */
import { roleCheck } from '../resources/roles.ts';
import { refuse } from '../shared/refusal.ts';
import { accepted, refused, type BatchContext, type BatchDecision } from './batch-context.ts';
import type { CreateBatch } from './batch-commands.ts';
import type { BatchEvent } from './batch-events.ts';
import { evolveBatch, type BatchState } from './batch-state.ts';
import { skipsDue } from './graph.ts';

export function decideCreate(state: BatchState, command: CreateBatch, ctx: BatchContext): BatchDecision {
  const c = command.data;
  if (state.created) return refused(refuse('batch_exists', `Batch ${c.batchId} already exists.`, { batchId: c.batchId }).refusal);
  const role = roleCheck(ctx.actor.roles, ['supervisor'], 'Creating a batch');
  if (role) return refused(role);
  if (c.site !== ctx.actor.site) {
    return refused(refuse('role_not_permitted', `You are signed in at site ${ctx.actor.site} and cannot create a batch for site ${c.site}.`, { site: c.site }).refusal);
  }
  const version = ctx.procedureVersion;
  if (version === undefined) {
    return refused(refuse('version_not_found', `${c.procedure} has no version ${c.version}.`, { procedure: c.procedure, version: c.version }).refusal);
  }
  if (version.status !== 'effective') {
    return refused(
      refuse('version_not_effective', `${c.procedure} version ${c.version} is ${version.status.replace('_', ' ')}; only the effective version can start new batches.`, {
        procedure: c.procedure,
        version: c.version,
        status: version.status,
      }).refusal,
    );
  }
  const def = version.definition;
  const size = def.batchSize;
  if (size !== undefined) {
    if (c.batchSize === undefined || !Number.isFinite(c.batchSize) || c.batchSize <= 0) {
      return refused(refuse('invalid_value', `Give the batch size in ${size.unit}.`, { field: 'batchSize' }).refusal);
    }
    if ((size.min !== undefined && c.batchSize < size.min) || (size.max !== undefined && c.batchSize > size.max)) {
      return refused(
        refuse('invalid_value', `A batch of ${c.procedure} must be between ${size.min ?? 0} and ${size.max ?? '∞'} ${size.unit}; ${c.batchSize} was asked.`, {
          field: 'batchSize',
          min: size.min,
          max: size.max,
        }).refusal,
      );
    }
  }
  const created: BatchEvent = {
    type: 'BatchCreated',
    data: {
      batchId: c.batchId,
      site: c.site,
      procedure: c.procedure,
      version: c.version,
      definition: def,
      ...(c.batchSize !== undefined ? { batchSize: c.batchSize } : {}),
      ...(c.lot !== undefined ? { lot: c.lot } : {}),
      ...(def.product !== undefined ? { product: def.product } : {}),
    },
  };
  // First steps whose condition is already false (e.g. on batch size) are skipped from the start.
  return accepted([created, ...skipsDue(evolveBatch(state, created))]);
}
