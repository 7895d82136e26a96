/** Material lots: receipt, QA disposition, inventory corrections. */
import type { z } from '@hono/zod-openapi';
import { createRoute } from '@hono/zod-openapi';
import type { LotState } from '../../domain/resources/lot-state.ts';
import type { Snapshot } from '../../engine/snapshots.ts';
import { executeCommand, type CommandOf } from '../../engine/resource-commands.ts';
import { commandAnswer, commandOptions, createdAnswer, etag } from '../command.ts';
import { actorOf } from '../principal.ts';
import { CommandHeaders, COMMAND_ANSWERS, CREATE_ANSWERS, jsonBody, ok, page, PageQuery } from '../schemas/common.ts';
import { EmptyBody } from '../schemas/equipment.ts';
import { AdjustLotBody, LotParams, LotView, ReceiveLotBody, RejectLotBody } from '../schemas/lots.ts';
import { atSite, loadAtSite } from '../visibility.ts';
import { allOf, pageOf, type Api, type RouteDeps } from './deps.ts';

const tags = ['Lots'];

const COMMANDS = [
  { path: 'release', type: 'ReleaseLot', body: EmptyBody, summary: 'Release a quarantined, unexpired lot for use (QA)' },
  { path: 'reject', type: 'RejectLot', body: RejectLotBody, summary: 'Reject a lot: it may never be used (QA)' },
  { path: 'adjust', type: 'AdjustLot', body: AdjustLotBody, summary: 'Correct the quantity on hand after a count (supervisor, QA)' },
] as const;

function view(lot: Snapshot<LotState>): z.infer<typeof LotView> {
  const { registered: _registered, ...state } = lot.state;
  return { ...state, consumptions: [...state.consumptions], version: lot.version };
}

const list = createRoute({ method: 'get', path: '/api/lots', tags, summary: 'List the lots of your site', request: { query: PageQuery }, responses: ok(page(LotView), 'Lots, by id') });
const get = createRoute({ method: 'get', path: '/api/lots/{lotId}', tags, summary: 'Get a lot', request: { params: LotParams }, responses: ok(LotView, 'The lot (ETag: its version)') });
const receive = createRoute({
  method: 'post',
  path: '/api/lots',
  tags,
  summary: 'Receive a lot at your site (operator, supervisor, QA)',
  request: { headers: CommandHeaders, body: jsonBody(ReceiveLotBody) },
  responses: CREATE_ANSWERS,
});

export function lotRoutes(app: Api, deps: RouteDeps): void {
  app.openapi(list, async (c) => {
    const site = c.get('principal').site;
    const items = (await allOf<LotState>(deps.store, 'lot')).filter((l) => atSite(l, site)).map(view);
    return c.json(pageOf(items, (l) => l.id, c.req.valid('query')), 200);
  });

  app.openapi(get, async (c) => {
    const lot = await loadAtSite<LotState>(deps.engine, 'lot', c.req.valid('param').lotId, c.get('principal').site);
    return c.json(view(lot), 200, { etag: etag(lot.version) });
  });

  app.openapi(receive, async (c) => {
    const principal = c.get('principal');
    const body = c.req.valid('json');
    const command: CommandOf<'lot'> = { type: 'ReceiveLot', data: { ...body, site: principal.site } };
    const outcome = await executeCommand(deps.engine, 'lot', body.lotId, command, actorOf(principal), commandOptions(c.req.valid('header')));
    return createdAnswer(c, outcome, body.lotId, `/api/lots/${body.lotId}`);
  });

  for (const spec of COMMANDS) {
    const route = createRoute({
      method: 'post',
      path: `/api/lots/{lotId}/${spec.path}`,
      tags,
      summary: spec.summary,
      request: { params: LotParams, headers: CommandHeaders, body: jsonBody(spec.body as z.ZodType<Record<string, unknown>>) },
      responses: COMMAND_ANSWERS,
    });
    app.openapi(route, async (c) => {
      const principal = c.get('principal');
      const { lotId } = c.req.valid('param');
      await loadAtSite<LotState>(deps.engine, 'lot', lotId, principal.site);
      const command = { type: spec.type, data: c.req.valid('json') } as CommandOf<'lot'>;
      const outcome = await executeCommand(deps.engine, 'lot', lotId, command, actorOf(principal), commandOptions(c.req.valid('header')));
      return commandAnswer(c, outcome, lotId);
    });
  }
}
