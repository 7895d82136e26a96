/** Sites: the register of plants this server keeps apart. */
import { createRoute, z } from '@hono/zod-openapi';
import { siteDecider } from '../../domain/resources/site-decide.ts';
import type { SiteState } from '../../domain/resources/site-state.ts';
import { actorOf } from '../principal.ts';
import { createdAnswer, commandOptions, etag } from '../command.ts';
import { problemError } from '../problem.ts';
import { CommandHeaders, Id, CREATE_ANSWERS, jsonBody, ok, page, PageQuery } from '../schemas/common.ts';
import { RegisterSiteBody, SiteView } from '../schemas/sites.ts';
import { allOf, pageOf, type Api, type RouteDeps } from './deps.ts';

const tags = ['Sites'];

const list = createRoute({ method: 'get', path: '/api/sites', tags, summary: 'List the sites', request: { query: PageQuery }, responses: ok(page(SiteView), 'Sites, by id') });

const get = createRoute({
  method: 'get',
  path: '/api/sites/{siteId}',
  tags,
  summary: 'Get a site',
  request: { params: z.object({ siteId: Id }) },
  responses: ok(SiteView, 'The site (ETag: its version)'),
});

const register = createRoute({
  method: 'post',
  path: '/api/sites',
  tags,
  summary: 'Register a site (admin)',
  request: { headers: CommandHeaders, body: jsonBody(RegisterSiteBody) },
  responses: CREATE_ANSWERS,
});

export function siteRoutes(app: Api, deps: RouteDeps): void {
  app.openapi(list, async (c) => {
    const sites = (await allOf<SiteState>(deps.store, 'site')).map((s) => ({ id: s.state.id, name: s.state.name, version: s.version }));
    return c.json(pageOf(sites, (s) => s.id, c.req.valid('query')), 200);
  });

  app.openapi(get, async (c) => {
    const { siteId } = c.req.valid('param');
    const site = await deps.engine.load<SiteState>('site', siteId);
    if (site.version === 0) throw problemError(404, 'not_found', `There is no site ${siteId}.`, { details: { kind: 'site', id: siteId } });
    return c.json({ id: site.state.id, name: site.state.name, version: site.version }, 200, { etag: etag(site.version) });
  });

  app.openapi(register, async (c) => {
    const body = c.req.valid('json');
    const command = { type: 'RegisterSite' as const, data: body };
    const outcome = await deps.engine.execute<SiteState>(
      'site',
      body.siteId,
      command,
      actorOf(c.get('principal')),
      (snapshot, ctx) => siteDecider.decide(snapshot.state, command, ctx),
      commandOptions(c.req.valid('header')),
    );
    return createdAnswer(c, outcome, body.siteId, `/api/sites/${encodeURIComponent(body.siteId)}`);
  });
}
