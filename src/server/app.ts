/**
 * The HTTP application: every engine command over HTTP, its OpenAPI 3.1 document and reference, and the
 * browser UI (src/server/web). Authentication and signing are given (src/identity
 * implements them); everything else a request meets is wired here, in this order: request id and log,
 * security headers, CORS, body limits, the access table (authentication, then roles), media types, the
 * route's schema, the route.
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { requestId } from 'hono/request-id';
import type { Engine } from '../engine/engine.ts';
import type { LedgerStore } from '../store/ledger-store.ts';
import { accessKey, ROUTE_ACCESS, type AccessRule, type AccessTable } from './access.ts';
import { authorize } from './authorize.ts';
import { bodyLimits, consoleLogger, corsFor, notModified, requestLog, requireMediaType, securityHeaders, type Logger } from './hygiene.ts';
import type { AppEnv, Signer } from './principal.ts';
import { problem, problemResponse, ProblemError, toProblem, validationProblem } from './problem.ts';
import { batchStepRoutes } from './routes/batch-steps.ts';
import { batchRoutes } from './routes/batches.ts';
import type { Api, PersonRegistrar } from './routes/deps.ts';
import { docsRoutes } from './routes/docs.ts';
import { equipmentRoutes } from './routes/equipment.ts';
import { lotRoutes } from './routes/lots.ts';
import { peopleRoutes } from './routes/people.ts';
import { procedureRoutes } from './routes/procedures.ts';
import { refusalRoutes } from './routes/refusals.ts';
import { siteRoutes } from './routes/sites.ts';
import { registerWebApp } from './web/register-web-app.ts';

export interface AppDeps {
  readonly store: LedgerStore;
  readonly engine: Engine;
  readonly version: string;
  /** Sets `principal` on the context and calls next, or answers 401 (problem+json) without calling next. */
  readonly authenticate: MiddlewareHandler<AppEnv>;
  /** Re-authenticates a person at signing and binds the signature to the record hash. */
  readonly signer: Signer;
  /** Origins allowed to call the API from a browser, with credentials; exact matches only. */
  readonly corsOrigins: readonly string[];
  /** The server clock, for what the API computes at read time (equipment readiness, step blockers). */
  readonly now: () => Date;
  /** Registers people so that they can sign in (the identity module); without it, the engine alone. */
  readonly registerPerson?: PersonRegistrar;
  /** Routes anyone may call (sign-in, CSRF token): each is made public in the access table. */
  readonly registerPublicRoutes?: (app: Api) => void;
  /** Routes that need a principal; each needs its rule in `access`. */
  readonly registerRoutes?: (app: Api) => void;
  /** Access rules of the routes `registerRoutes` adds (keys as in ROUTE_ACCESS: `METHOD /path/:param`). */
  readonly access?: AccessTable;
  readonly logger?: Logger;
}

const JSON_ROUTES = new Set(Object.keys(ROUTE_ACCESS).filter((key) => key.startsWith('POST ')));
const YAML_ROUTES = new Set(['POST /api/procedures', 'POST /api/procedures/check']);

const health = createRoute({
  method: 'get',
  path: '/api/health',
  tags: ['Server'],
  summary: 'Health and the ledger head (public)',
  security: [],
  responses: {
    200: {
      description: 'The server is up',
      content: { 'application/json': { schema: z.object({ status: z.literal('ok'), version: z.string(), log: z.object({ size: z.number().int(), rootHash: z.string() }) }) } },
    },
  },
});

/** Builds the application; the caller decides how to serve it. */
export function createApp(deps: AppDeps): OpenAPIHono<AppEnv> {
  const logger = deps.logger ?? consoleLogger;
  const app = new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw new ProblemError(validationProblem(result.error, result.target));
    },
  });
  // Core rules come last: nothing registered by a hook can loosen them.
  const table: Record<string, AccessRule> = { ...deps.access, ...ROUTE_ACCESS };

  app.use('*', requestId());
  app.use('*', requestLog(logger));
  app.use('*', securityHeaders());
  app.use('*', corsFor(deps.corsOrigins));
  app.use('/api/*', bodyLimits());
  app.use('*', authorize(table, deps.authenticate));
  app.use('/api/*', requireMediaType(JSON_ROUTES, YAML_ROUTES));
  app.use('/api/*', notModified());

  app.openapi(health, async (c) => {
    const head = await deps.store.head();
    return c.json({ status: 'ok' as const, version: deps.version, log: { size: head.size, rootHash: head.rootHash } }, 200);
  });
  docsRoutes(app, { version: deps.version });

  const routeDeps = { store: deps.store, engine: deps.engine, signer: deps.signer, now: deps.now, ...(deps.registerPerson ? { registerPerson: deps.registerPerson } : {}) };
  siteRoutes(app, routeDeps);
  peopleRoutes(app, routeDeps);
  equipmentRoutes(app, routeDeps);
  lotRoutes(app, routeDeps);
  procedureRoutes(app, routeDeps);
  batchRoutes(app, routeDeps);
  batchStepRoutes(app, routeDeps);
  refusalRoutes(app, routeDeps);

  if (deps.registerPublicRoutes !== undefined) {
    const before = app.routes.length;
    deps.registerPublicRoutes(app);
    for (const route of app.routes.slice(before)) {
      const key = accessKey(route.method, route.path);
      if (route.method !== 'ALL' && table[key] === undefined) table[key] = { kind: 'public' };
    }
  }
  deps.registerRoutes?.(app);
  // The browser UI: middleware after every API route, so /api/* keeps its answers, rules and 404s.
  registerWebApp(app);

  app.notFound((c) => problemResponse(c, problem(404, 'not_found', `There is no route ${c.req.method} ${c.req.path}.`)));
  app.onError((error, c) => {
    const mapped = toProblem(error, c);
    if (mapped.unexpected) logger.error(`[http] ${c.get('requestId')} ${c.req.method} ${c.req.path} failed`, error);
    return problemResponse(c, mapped.problem, mapped.headers);
  });
  return app;
}
