/** Batches: create from an effective version, list, read with every step's status and blockers, holds, completion. */
import type { z } from '@hono/zod-openapi';
import { createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { BatchCommand } from '../../domain/execution/batch-commands.ts';
import type { BatchState } from '../../domain/execution/batch-state.ts';
import { executeBatchCommand } from '../../engine/batch-commands.ts';
import type { CommandOptions } from '../../engine/engine.ts';
import { commandAnswer, commandOptions, createdAnswer, etag } from '../command.ts';
import { actorOf, type AppEnv } from '../principal.ts';
import { BatchesQuery, BatchParams, BatchSummary, BatchView, CreateBatchBody, HoldParams, PlaceHoldBody, ReleaseHoldBody } from '../schemas/batches.ts';
import { CommandHeaders, COMMAND_ANSWERS, CREATE_ANSWERS, jsonBody, ok, page } from '../schemas/common.ts';
import { EmptyBody } from '../schemas/equipment.ts';
import { batchSummary, batchView } from '../views/batch-view.ts';
import { atSite, loadAtSite } from '../visibility.ts';
import { allOf, pageOf, type Api, type RouteDeps } from './deps.ts';

export const tags = ['Batches'];

const list = createRoute({ method: 'get', path: '/api/batches', tags, summary: 'List the batches of your site', request: { query: BatchesQuery }, responses: ok(page(BatchSummary), 'Batches, by id') });
const get = createRoute({
  method: 'get',
  path: '/api/batches/{batchId}',
  tags,
  summary: "Get a batch: every step's status, fields, values and what blocks it",
  request: { params: BatchParams },
  responses: ok(BatchView, 'The batch (ETag: its version)'),
});
const create = createRoute({
  method: 'post',
  path: '/api/batches',
  tags,
  summary: 'Create a batch at your site from the effective version of a procedure (supervisor)',
  request: { headers: CommandHeaders, body: jsonBody(CreateBatchBody) },
  responses: CREATE_ANSWERS,
});
const placeHold = createRoute({
  method: 'post',
  path: '/api/batches/{batchId}/holds',
  tags,
  summary: 'Hold a step or the whole batch (supervisor, QA)',
  request: { params: BatchParams, headers: CommandHeaders, body: jsonBody(PlaceHoldBody) },
  responses: COMMAND_ANSWERS,
});
const releaseHold = createRoute({
  method: 'post',
  path: '/api/batches/{batchId}/holds/{holdId}/release',
  tags,
  summary: 'Release a hold (supervisor, QA; a deviation\'s hold: QA only)',
  request: { params: HoldParams, headers: CommandHeaders, body: jsonBody(ReleaseHoldBody) },
  responses: COMMAND_ANSWERS,
});
const complete = createRoute({
  method: 'post',
  path: '/api/batches/{batchId}/complete',
  tags,
  summary: 'Complete the batch: every step done or skipped, nothing on hold (supervisor, QA)',
  request: { params: BatchParams, headers: CommandHeaders, body: jsonBody(EmptyBody) },
  responses: COMMAND_ANSWERS,
});

/** Runs a command on a batch as the principal; the route has checked the batch is of their site. */
export async function runOnBatch(c: Context<AppEnv>, deps: RouteDeps, batchId: string, command: BatchCommand, options: CommandOptions) {
  return executeBatchCommand(deps.engine, batchId, command, actorOf(c.get('principal')), options);
}

export function batchRoutes(app: Api, deps: RouteDeps): void {
  app.openapi(list, async (c) => {
    const site = c.get('principal').site;
    const query = c.req.valid('query');
    const items = (await allOf<BatchState>(deps.store, 'batch'))
      .filter((b) => atSite(b, site) && (query.status === undefined || b.state.status === query.status))
      .map(batchSummary);
    return c.json(pageOf(items, (b) => b.id, query), 200);
  });

  app.openapi(get, async (c) => {
    const batch = await loadAtSite<BatchState>(deps.engine, 'batch', c.req.valid('param').batchId, c.get('principal').site);
    return c.json(batchView(batch, deps.now().toISOString()) as z.infer<typeof BatchView>, 200, { etag: etag(batch.version) });
  });

  app.openapi(create, async (c) => {
    const body = c.req.valid('json');
    const command: BatchCommand = { type: 'CreateBatch', data: { ...body, site: c.get('principal').site } };
    const outcome = await runOnBatch(c, deps, body.batchId, command, commandOptions(c.req.valid('header')));
    return createdAnswer(c, outcome, body.batchId, `/api/batches/${body.batchId}`);
  });

  app.openapi(placeHold, async (c) => {
    const { batchId } = c.req.valid('param');
    await loadAtSite<BatchState>(deps.engine, 'batch', batchId, c.get('principal').site);
    const outcome = await runOnBatch(c, deps, batchId, { type: 'PlaceHold', data: c.req.valid('json') }, commandOptions(c.req.valid('header')));
    return commandAnswer(c, outcome, batchId);
  });

  app.openapi(releaseHold, async (c) => {
    const { batchId, holdId } = c.req.valid('param');
    await loadAtSite<BatchState>(deps.engine, 'batch', batchId, c.get('principal').site);
    const outcome = await runOnBatch(c, deps, batchId, { type: 'ReleaseHold', data: { holdId, ...c.req.valid('json') } }, commandOptions(c.req.valid('header')));
    return commandAnswer(c, outcome, batchId);
  });

  app.openapi(complete, async (c) => {
    const { batchId } = c.req.valid('param');
    await loadAtSite<BatchState>(deps.engine, 'batch', batchId, c.get('principal').site);
    const outcome = await runOnBatch(c, deps, batchId, { type: 'CompleteBatch', data: {} }, commandOptions(c.req.valid('header')));
    return commandAnswer(c, outcome, batchId);
  });
}
