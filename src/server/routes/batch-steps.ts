/** The step commands of a batch: start, record and correct values, charge material, complete and verify (signed). */
import type { z } from '@hono/zod-openapi';
import { createRoute } from '@hono/zod-openapi';
import type { BatchCommand } from '../../domain/execution/batch-commands.ts';
import type { BatchState } from '../../domain/execution/batch-state.ts';
import type { Context } from 'hono';
import { commandAnswer, commandOptions, type CommandHeaderValues } from '../command.ts';
import type { AppEnv } from '../principal.ts';
import { CompleteStepBody, ConsumeBody, CorrectValueBody, RecordValueBody, StartStepBody, StepParams, VerifyStepBody } from '../schemas/batches.ts';
import { CommandHeaders, COMMAND_ANSWERS, jsonBody } from '../schemas/common.ts';
import { signStep } from '../signing.ts';
import { loadAtSite } from '../visibility.ts';
import { runOnBatch, tags } from './batches.ts';
import type { Api, RouteDeps } from './deps.ts';

const route = <S extends z.ZodType>(path: string, summary: string, body: S, description?: string) =>
  createRoute({
    method: 'post',
    path: `/api/batches/{batchId}/steps/{stepId}/${path}`,
    tags,
    summary,
    ...(description !== undefined ? { description } : {}),
    request: { params: StepParams, headers: CommandHeaders, body: jsonBody(body) },
    responses: COMMAND_ANSWERS,
  });

const start = route('start', "Start a step (the step's role): its equipment is checked and allocated", StartStepBody);
const record = route('values', 'Record a value; an out-of-spec value is recorded and starts its exception path', RecordValueBody);
const correct = route('corrections', 'Correct a recorded value, with the reason', CorrectValueBody);
const consume = route('consumptions', 'Charge material from a lot (weighed on the balance when the procedure says so)', ConsumeBody);
const complete = route('complete', 'Complete a step; signed when the procedure says so', CompleteStepBody, 'With `signature`, your password re-authenticates you and the signature is bound to the hash of the step content as recorded now.');
const verify = route('verify', 'Verify a step as a second person (signed, meaning "verified")', VerifyStepBody, 'Nobody verifies a step they took part in.');

export function batchStepRoutes(app: Api, deps: RouteDeps): void {
  /** Runs a step command on a batch of the principal's site (404 for any other). */
  const run = async (c: Context<AppEnv>, batchId: string, command: BatchCommand, headers: CommandHeaderValues) => {
    await loadAtSite<BatchState>(deps.engine, 'batch', batchId, c.get('principal').site);
    return commandAnswer(c, await runOnBatch(c, deps, batchId, command, commandOptions(headers)), batchId);
  };
  app.openapi(start, async (c) => {
    const { batchId, stepId } = c.req.valid('param');
    return run(c, batchId, { type: 'StartStep', data: { stepId, ...c.req.valid('json') } }, c.req.valid('header'));
  });
  app.openapi(record, async (c) => {
    const { batchId, stepId } = c.req.valid('param');
    return run(c, batchId, { type: 'RecordValue', data: { stepId, ...c.req.valid('json') } }, c.req.valid('header'));
  });
  app.openapi(correct, async (c) => {
    const { batchId, stepId } = c.req.valid('param');
    return run(c, batchId, { type: 'CorrectValue', data: { stepId, ...c.req.valid('json') } }, c.req.valid('header'));
  });
  app.openapi(consume, async (c) => {
    const { batchId, stepId } = c.req.valid('param');
    return run(c, batchId, { type: 'ConsumeMaterial', data: { stepId, ...c.req.valid('json') } }, c.req.valid('header'));
  });

  app.openapi(complete, async (c) => {
    const { batchId, stepId } = c.req.valid('param');
    const batch = await loadAtSite<BatchState>(deps.engine, 'batch', batchId, c.get('principal').site);
    const { signature: given, producedLot } = c.req.valid('json');
    const required = batch.state.definition?.steps.find((s) => s.id === stepId)?.sign;
    const signed = await signStep(c, deps, batch, stepId, required, given, commandOptions(c.req.valid('header')));
    const command: BatchCommand = { type: 'CompleteStep', data: { stepId, ...(signed.signature ? { signature: signed.signature } : {}), ...(producedLot ? { producedLot } : {}) } };
    return commandAnswer(c, await runOnBatch(c, deps, batchId, command, signed.options), batchId);
  });

  app.openapi(verify, async (c) => {
    const { batchId, stepId } = c.req.valid('param');
    const batch = await loadAtSite<BatchState>(deps.engine, 'batch', batchId, c.get('principal').site);
    const signed = await signStep(c, deps, batch, stepId, 'verified', c.req.valid('json').signature, commandOptions(c.req.valid('header')));
    const command: BatchCommand = { type: 'VerifyStep', data: { stepId, ...(signed.signature ? { signature: signed.signature } : {}) } };
    return commandAnswer(c, await runOnBatch(c, deps, batchId, command, signed.options), batchId);
  });
}
