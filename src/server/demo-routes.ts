/** `GET /api/demo`: the demo sign-ins, for the login page — answered only by a server in demo mode. */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { DemoAccounts } from '../demo/demo-accounts.ts';
import type { AppEnv } from './principal.ts';
import { problem, problemResponse } from './problem.ts';

const DemoView = z
  .object({
    demo: z.literal(true),
    site: z.string(),
    people: z.array(z.object({ username: z.string(), password: z.string(), name: z.string(), roles: z.array(z.string()) })),
  })
  .openapi('DemoAccounts');

const route = createRoute({
  method: 'get',
  path: '/api/demo',
  tags: ['Server'],
  summary: 'The demo sign-ins (demo mode only; 404 on a production server)',
  security: [],
  responses: {
    200: { description: 'Demo mode: who to sign in as', content: { 'application/json': { schema: DemoView } } },
    404: { description: 'Not a demo server' },
  },
});

export function registerDemoRoutes(app: OpenAPIHono<AppEnv>, accounts: () => DemoAccounts | undefined): void {
  app.openapi(route, (c) => {
    const demo = accounts();
    if (demo === undefined) return problemResponse(c, problem(404, 'not_found', 'This server does not run in demo mode.')) as never;
    return c.json({ demo: true as const, site: demo.site, people: demo.people.map((p) => ({ ...p, roles: [...p.roles] })) }, 200);
  });
}
