/**
 * The authorization matrix: every route the app serves × every role, no principal, and a principal of
 * another site. Table-driven from the app's own routes, so a route added without an access rule fails here.
 */
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Actor } from '../../src/domain/shared/decider.ts';
import { ROLES, type Role } from '../../src/domain/resources/roles.ts';
import { must, setUpPlant } from '../../src/demo/plant.ts';
import { executeCommand } from '../../src/engine/resource-commands.ts';
import { executeBatchCommand } from '../../src/engine/batch-commands.ts';
import { accessKey, ROUTE_ACCESS } from '../../src/server/access.ts';
import { startServer, type Server } from './harness.ts';

const SITE = 'PLANT-A';
const OTHER = 'PLANT-B';
const EXAMPLES = resolve(import.meta.dirname, '../../examples/procedures');

/** A real record for every path parameter, so an allowed call reaches its handler. */
const PARAMS: Record<string, string> = {
  batchId: 'B-0001',
  stepId: 'line-clearance',
  holdId: 'H1',
  equipmentId: 'P-01',
  lotId: 'API-2611',
  personId: 'olivia',
  procedure: 'PX10-COMPRESSION',
  version: '1',
  siteId: SITE,
  file: 'swagger-ui.css',
};
/** A body each command's schema accepts, so another site's principal gets as far as the site check. */
const VALID: Record<string, unknown> = {
  // Any registered person may be granted a role at one's own site: a role the domain refuses keeps them where they are.
  grant: { role: 'no-such-role' },
  revoke: { role: 'operator' },
  deactivate: { reason: 'left' },
  training: { procedure: 'PX10-COMPRESSION', version: 1 },
  clean: { validForMs: 1000 },
  calibrate: { dueDate: '2027-01-01' },
  adjust: { quantity: 1, reason: 'count' },
  values: { fieldId: 'area_clear', value: true },
  corrections: { fieldId: 'area_clear', value: true, reason: 'typo' },
  consumptions: { material: 'api', lotId: 'API-2611', quantity: 1, unit: 'kg' },
};
const validBody = (path: string): unknown => {
  const last = path.split('/').at(-1)!;
  if (last === 'grant-role') return VALID.grant;
  if (last === 'revoke-role') return VALID.revoke;
  if (VALID[last] !== undefined) return VALID[last];
  return ['mark-dirty', 'start-maintenance', 'take-out-of-service', 'reject', 'holds', 'release'].includes(last) && !path.includes('/lots/:lotId/release') ? { reason: 'because' } : {};
};

/** Routes that address one record of a site: another site's principal must get 404. */
const SITE_BOUND = ['batchId', 'equipmentId', 'lotId', 'personId'];

let server: Server;
let routes: { method: string; path: string }[];

beforeAll(async () => {
  server = await startServer({ engine: 'sqlite', site: SITE });
  await setUpPlant(server.engine, { site: SITE, proceduresDir: EXAMPLES, procedures: ['px10-compression.yaml'] });
  for (const site of [SITE, OTHER]) {
    const setup: Actor = { id: 'system:setup', name: 'Set-up', site, roles: ['admin'] };
    for (const role of ROLES) {
      const id = `m-${role}`;
      if (site === SITE) must(await executeCommand(server.engine, 'person', id, { type: 'RegisterPerson', data: { personId: id, username: id, name: `Matrix ${role}` } }, setup), id);
      must(await executeCommand(server.engine, 'person', id, { type: 'GrantRole', data: { site, role } }, setup), `${id} at ${site}`);
    }
  }
  const sam = { id: 'sam', name: 'Sam Supervisor', site: SITE, roles: ['supervisor'] };
  must(await executeBatchCommand(server.engine, 'B-0001', { type: 'CreateBatch', data: { batchId: 'B-0001', site: SITE, procedure: 'PX10-COMPRESSION', version: 1, batchSize: 150_000 } }, sam), 'batch');
  must(await executeBatchCommand(server.engine, 'B-0001', { type: 'PlaceHold', data: { reason: 'matrix test hold' } }, sam), 'hold');
  // app.routes lists a route once per handler of its chain (validators, then the handler).
  const seen = new Set<string>();
  routes = server.app.routes.filter((r) => r.method !== 'ALL' && !seen.has(accessKey(r.method, r.path)) && seen.add(accessKey(r.method, r.path))).map((r) => ({ method: r.method, path: r.path }));
}, 120_000);
afterAll(async () => {
  await server?.close();
});

const concrete = (path: string) => path.replace(/:(\w+)/g, (_, name: string) => encodeURIComponent(PARAMS[name] ?? `unknown-${name}`));
const call = (route: { method: string; path: string }, as?: string, site?: string, body: unknown = {}) =>
  server.request(route.method, concrete(route.path), { ...(as !== undefined ? { as, site } : {}), ...(route.method === 'POST' ? { body } : {}) });

describe('the access table', () => {
  it('has a rule for every route the app serves, and no rule for a route that does not exist', () => {
    const keys = routes.map((r) => accessKey(r.method, r.path));
    expect(new Set(keys).size).toBeGreaterThan(50);
    expect(keys.filter((k) => ROUTE_ACCESS[k] === undefined)).toEqual([]);
    expect(Object.keys(ROUTE_ACCESS).filter((k) => !keys.includes(k))).toEqual([]);
  });

  it('covers every operation of the OpenAPI document', async () => {
    const doc = (await server.request('GET', '/api/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
    const operations = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => accessKey(m, path.replace(/\{(\w+)\}/g, ':$1'))));
    expect(operations.length).toBeGreaterThan(45);
    expect(operations.filter((k) => ROUTE_ACCESS[k] === undefined)).toEqual([]);
  });

  it('refuses a route that was registered without a rule, without running it', async () => {
    let ran = false;
    const extra = await startServer({
      engine: 'sqlite',
      site: SITE,
      deps: {
        registerRoutes: (app: OpenAPIHono<never>) => {
          app.get('/api/unlisted', (c) => {
            ran = true;
            return c.json({});
          });
          app.get('/api/listed', (c) => c.json({ listed: true }));
        },
        registerPublicRoutes: (app: OpenAPIHono<never>) => {
          app.get('/api/public-hook', (c) => c.json({ open: true }));
        },
        access: { 'GET /api/listed': { kind: 'roles', roles: ['qa'], action: 'Reading the listed route' }, 'GET /api/health': { kind: 'roles', roles: ['admin'], action: 'x' } },
      } as never,
    });
    try {
      const unlisted = await extra.request('GET', '/api/unlisted', { as: 'nobody' });
      expect(unlisted.status).toBe(500);
      expect(unlisted.body).toMatchObject({ code: 'internal_error' });
      expect(ran).toBe(false);
      expect((await extra.request('GET', '/api/public-hook')).status).toBe(200);
      expect((await extra.request('GET', '/api/listed')).status).toBe(401);
      // A hook cannot loosen or tighten a core rule.
      expect((await extra.request('GET', '/api/health')).status).toBe(200);
    } finally {
      await extra.close();
    }
  });
});

describe('every route × every role, no principal, another site', () => {
  it('answers each caller as its rule says', { timeout: 120_000 }, async () => {
    const failures: string[] = [];
    for (const route of routes) {
      const key = accessKey(route.method, route.path);
      const rule = ROUTE_ACCESS[key]!;
      const label = `${key}`;
      const anonymous = await call(route);
      if (rule.kind === 'public') {
        if (anonymous.status >= 400) failures.push(`${label} without a principal: ${anonymous.status}, expected a public answer`);
        continue;
      }
      if (anonymous.status !== 401 || anonymous.body?.code !== 'unauthenticated') failures.push(`${label} without a principal: ${anonymous.status}, expected 401`);
      for (const role of ROLES) {
        const answer = await call(route, `m-${role}`);
        const allowed = rule.kind === 'authenticated' || rule.roles.includes(role as Role);
        if (allowed && (answer.status === 401 || answer.status === 403 || answer.status >= 500)) failures.push(`${label} as ${role}: ${answer.status} ${answer.text}`);
        if (!allowed && (answer.status !== 403 || answer.body?.code !== 'role_not_permitted')) failures.push(`${label} as ${role}: ${answer.status}, expected 403 role_not_permitted`);
        if (answer.headers.get('content-type')?.startsWith('application/problem+json') && answer.body?.status !== answer.status) failures.push(`${label} as ${role}: problem status ${answer.body?.status} ≠ ${answer.status}`);
      }
      if (rule.kind === 'roles') {
        const role = rule.roles[0]!;
        const elsewhere = await call(route, `m-${role}`, OTHER, validBody(route.path));
        const bound = SITE_BOUND.some((p) => route.path.includes(`:${p}`)) && !route.path.endsWith('/grant-role');
        if (bound && elsewhere.status !== 404) failures.push(`${label} as ${role} of ${OTHER}: ${elsewhere.status}, expected 404`);
        if (!bound && [401, 403, 404].includes(elsewhere.status) && !route.path.includes(':procedure') && !route.path.includes(':siteId')) failures.push(`${label} as ${role} of ${OTHER}: ${elsewhere.status}`);
        if (route.method === 'GET' && !bound && elsewhere.status === 200) {
          const items = (elsewhere.body as { items?: { id?: string; site?: string }[] }).items ?? [];
          const leaked = items.filter((i) => i.site === SITE || ['B-0001', 'P-01', 'API-2611', 'olivia'].includes(i.id ?? ''));
          if (leaked.length > 0) failures.push(`${label} as ${role} of ${OTHER} lists ${leaked.map((i) => i.id).join(', ')} of ${SITE}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });
});
