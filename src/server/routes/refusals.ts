/** The refused actions of a site, newest first: who tried what, on what, and why it was refused. */
import { createRoute, z } from '@hono/zod-openapi';
import type { CommandRefusedData } from '../../engine/refusals.ts';
import { refusalStream } from '../../engine/refusals.ts';
import { HistoryQuery, newestFirst } from '../history.ts';
import { ok } from '../schemas/common.ts';
import type { Api, RouteDeps } from './deps.ts';

const RefusalView = z
  .object({
    position: z.number().int(),
    at: z.string(),
    by: z.string(),
    roles: z.array(z.string()),
    subject: z.string().openapi({ description: 'The record the command was for, e.g. batch-B-0141' }),
    command: z.string(),
    input: z.unknown(),
    code: z.string(),
    message: z.string(),
    details: z.record(z.string(), z.unknown()),
  })
  .openapi('Refusal');

const list = createRoute({
  method: 'get',
  path: '/api/refusals',
  tags: ['Refusals'],
  summary: 'The refused actions at your site, newest first (the prevented errors)',
  request: { query: HistoryQuery },
  responses: ok(z.object({ items: z.array(RefusalView), next: z.number().int().optional() }), 'One page of refusals'),
});

export function refusalRoutes(app: Api, deps: RouteDeps): void {
  app.openapi(list, async (c) => {
    const { events, next } = await newestFirst(deps.store, refusalStream(c.get('principal').site), c.req.valid('query'));
    const items = events.map((e) => {
      const d = e.data as CommandRefusedData;
      return { position: e.streamPosition, at: e.recordedAt, by: e.actor, roles: [...d.roles], subject: d.subject, command: d.command, input: d.input, code: d.code, message: d.message, details: { ...d.details } };
    });
    return c.json(next === undefined ? { items } : { items, next }, 200);
  });
}
