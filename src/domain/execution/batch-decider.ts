/**
 * The batch decider: every command on a batch is checked here and either yields events (for the batch and
 * the streams it touches) or a refusal with a stable code and a sentence for the operator.
 */
import type { BatchContext, BatchDecision } from './batch-context.ts';
import type { BatchCommand } from './batch-commands.ts';
import type { BatchEvent } from './batch-events.ts';
import { evolveBatch, initialBatchState, type BatchState } from './batch-state.ts';
import { decideComplete, decideVerify } from './decide-complete.ts';
import { decideCompleteBatch } from './decide-complete-batch.ts';
import { decideConsume } from './decide-consume.ts';
import { decideCreate } from './decide-create.ts';
import { decidePlaceHold, decideReleaseHold } from './decide-holds.ts';
import { decideCorrect, decideRecord } from './decide-record.ts';
import { decideStart } from './decide-start.ts';
import { decideEndExcursion, decideReportExcursion } from './decide-process.ts';

/** Decides one batch command; pure. */
export function decideBatch(state: BatchState, command: BatchCommand, ctx: BatchContext): BatchDecision {
  switch (command.type) {
    case 'CreateBatch':
      return decideCreate(state, command, ctx);
    case 'StartStep':
      return decideStart(state, command, ctx);
    case 'RecordValue':
      return decideRecord(state, command, ctx);
    case 'CorrectValue':
      return decideCorrect(state, command, ctx);
    case 'ConsumeMaterial':
      return decideConsume(state, command, ctx);
    case 'CompleteStep':
      return decideComplete(state, command, ctx);
    case 'VerifyStep':
      return decideVerify(state, command, ctx);
    case 'PlaceHold':
      return decidePlaceHold(state, command, ctx);
    case 'ReleaseHold':
      return decideReleaseHold(state, command, ctx);
    case 'CompleteBatch':
      return decideCompleteBatch(state, command, ctx);
    case 'ReportProcessExcursion':
      return decideReportExcursion(state, command, ctx);
    case 'EndProcessExcursion':
      return decideEndExcursion(state, command, ctx);
  }
}

export const batchDecider = {
  initialState: initialBatchState,
  decide: decideBatch,
  evolve: evolveBatch,
} as const;

export type { BatchState, BatchEvent, BatchCommand };
