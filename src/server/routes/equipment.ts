/** Equipment: registration, cleaning, calibration, maintenance and service status; readiness and logbook. */
import type { z } from '@hono/zod-openapi';
import { createRoute } from '@hono/zod-openapi';
import type { EquipmentRequirement } from '../../domain/procedure/definition.ts';
import type { EquipmentEvent } from '../../domain/resources/equipment-events.ts';
import { logbookEntry } from '../../domain/resources/equipment-logbook.ts';
import { equipmentReadiness } from '../../domain/resources/equipment-readiness.ts';
import type { EquipmentState } from '../../domain/resources/equipment-state.ts';
import { equipmentStream } from '../../domain/resources/streams.ts';
import type { Snapshot } from '../../engine/snapshots.ts';
import { executeCommand, type CommandOf } from '../../engine/resource-commands.ts';
import { commandAnswer, commandOptions, createdAnswer, etag } from '../command.ts';
import { HistoryQuery, newestFirst } from '../history.ts';
import { actorOf } from '../principal.ts';
import { CommandHeaders, COMMAND_ANSWERS, CREATE_ANSWERS, jsonBody, ok, page, PageQuery } from '../schemas/common.ts';
import {
  CalibrationBody,
  CleaningBody,
  EmptyBody,
  EquipmentDetail,
  EquipmentParams,
  EquipmentView,
  Logbook,
  ReadinessQuery,
  ReasonBody,
  RegisterEquipmentBody,
} from '../schemas/equipment.ts';
import { atSite, loadAtSite } from '../visibility.ts';
import { allOf, pageOf, type Api, type RouteDeps } from './deps.ts';

const tags = ['Equipment'];

const COMMANDS = [
  { path: 'clean', type: 'RecordCleaning', body: CleaningBody, summary: 'Record a cleaning (operator, supervisor)' },
  { path: 'mark-dirty', type: 'MarkDirty', body: ReasonBody, summary: 'Declare it soiled (operator, supervisor, QA)' },
  { path: 'calibrate', type: 'RecordCalibration', body: CalibrationBody, summary: 'Record a calibration and the next due date (maintenance, QA)' },
  { path: 'start-maintenance', type: 'StartMaintenance', body: ReasonBody, summary: 'Start maintenance (maintenance)' },
  { path: 'complete-maintenance', type: 'CompleteMaintenance', body: EmptyBody, summary: 'Complete maintenance: it is dirty until cleaned (maintenance)' },
  { path: 'take-out-of-service', type: 'TakeOutOfService', body: ReasonBody, summary: 'Take it out of service (supervisor, QA, maintenance)' },
  { path: 'return-to-service', type: 'ReturnToService', body: EmptyBody, summary: 'Return it to service: it is dirty until cleaned (supervisor, QA, maintenance)' },
] as const;

type ReadinessOptions = z.infer<typeof ReadinessQuery>;

function view(eq: Snapshot<EquipmentState>, now: Date, options: ReadinessOptions = {}): z.infer<typeof EquipmentView> {
  const s = eq.state;
  const require = (options.require ?? 'clean,calibrated').split(',') as EquipmentRequirement[];
  const notReady = equipmentReadiness(s, require, now.toISOString(), options.batch ?? '');
  return {
    id: s.id,
    site: s.site,
    name: s.name,
    class: s.class,
    status: s.status,
    ...(s.cleanUntil !== undefined ? { cleanUntil: s.cleanUntil } : {}),
    ...(s.calibrationDue !== undefined ? { calibrationDue: s.calibrationDue } : {}),
    ...(s.inUseBy !== undefined ? { inUseBy: s.inUseBy } : {}),
    ...(s.statusReason !== undefined ? { statusReason: s.statusReason } : {}),
    readiness: notReady === undefined ? { ready: true, reasons: [] } : { ready: false, reasons: notReady.details.reasons as string[], message: notReady.message },
    version: eq.version,
  };
}

const list = createRoute({
  method: 'get',
  path: '/api/equipment',
  tags,
  summary: 'List the equipment of your site, with readiness',
  request: { query: PageQuery.extend(ReadinessQuery.shape) },
  responses: ok(page(EquipmentView), 'Equipment, by id'),
});
const get = createRoute({
  method: 'get',
  path: '/api/equipment/{equipmentId}',
  tags,
  summary: 'Get a piece of equipment with its readiness and the latest logbook entries',
  request: { params: EquipmentParams, query: ReadinessQuery },
  responses: ok(EquipmentDetail, 'The equipment (ETag: its version)'),
});
const logbook = createRoute({
  method: 'get',
  path: '/api/equipment/{equipmentId}/logbook',
  tags,
  summary: 'The logbook, newest first',
  request: { params: EquipmentParams, query: HistoryQuery },
  responses: ok(Logbook, 'One page of the logbook'),
});
const register = createRoute({
  method: 'post',
  path: '/api/equipment',
  tags,
  summary: 'Register equipment at your site (admin, engineer)',
  request: { headers: CommandHeaders, body: jsonBody(RegisterEquipmentBody) },
  responses: CREATE_ANSWERS,
});

export function equipmentRoutes(app: Api, deps: RouteDeps): void {
  const readLogbook = async (id: string, query: z.infer<typeof HistoryQuery>) => {
    const { events, next } = await newestFirst(deps.store, equipmentStream(id), query);
    const items = events.map((e) => ({ position: e.streamPosition, at: e.recordedAt, by: e.actor, type: e.type, entry: logbookEntry({ type: e.type, data: e.data } as EquipmentEvent) }));
    return next === undefined ? { items } : { items, next };
  };

  app.openapi(list, async (c) => {
    const site = c.get('principal').site;
    const query = c.req.valid('query');
    const now = deps.now();
    const items = (await allOf<EquipmentState>(deps.store, 'equipment')).filter((e) => atSite(e, site)).map((e) => view(e, now, query));
    return c.json(pageOf(items, (e) => e.id, query), 200);
  });

  app.openapi(get, async (c) => {
    const { equipmentId } = c.req.valid('param');
    const eq = await loadAtSite<EquipmentState>(deps.engine, 'equipment', equipmentId, c.get('principal').site);
    const detail = { ...view(eq, deps.now(), c.req.valid('query')), logbook: await readLogbook(equipmentId, { limit: 20 }) };
    return c.json(detail, 200, { etag: etag(eq.version) });
  });

  app.openapi(logbook, async (c) => {
    const { equipmentId } = c.req.valid('param');
    await loadAtSite<EquipmentState>(deps.engine, 'equipment', equipmentId, c.get('principal').site);
    return c.json(await readLogbook(equipmentId, c.req.valid('query')), 200);
  });

  app.openapi(register, async (c) => {
    const principal = c.get('principal');
    const body = c.req.valid('json');
    const command: CommandOf<'equipment'> = { type: 'RegisterEquipment', data: { ...body, site: principal.site } };
    const outcome = await executeCommand(deps.engine, 'equipment', body.equipmentId, command, actorOf(principal), commandOptions(c.req.valid('header')));
    return createdAnswer(c, outcome, body.equipmentId, `/api/equipment/${body.equipmentId}`);
  });

  for (const spec of COMMANDS) {
    const route = createRoute({
      method: 'post',
      path: `/api/equipment/{equipmentId}/${spec.path}`,
      tags,
      summary: spec.summary,
      request: { params: EquipmentParams, headers: CommandHeaders, body: jsonBody(spec.body as z.ZodType<Record<string, unknown>>) },
      responses: COMMAND_ANSWERS,
    });
    app.openapi(route, async (c) => {
      const principal = c.get('principal');
      const { equipmentId } = c.req.valid('param');
      await loadAtSite<EquipmentState>(deps.engine, 'equipment', equipmentId, principal.site);
      const command = { type: spec.type, data: c.req.valid('json') } as CommandOf<'equipment'>;
      const outcome = await executeCommand(deps.engine, 'equipment', equipmentId, command, actorOf(principal), commandOptions(c.req.valid('header')));
      return commandAnswer(c, outcome, equipmentId);
    });
  }
}
