/**
 * The HTTP application. Until the API lands (issue 4) it answers health checks and shows the state of
 * the ledger on a placeholder page.
 */
import { Hono } from 'hono';
import type { LedgerStore } from '../store/ledger-store.ts';
import { registerWebApp } from './web/register-web-app.ts';

export interface AppDeps {
  readonly store: LedgerStore;
  readonly version: string;
}

/** Builds the Hono application; the caller decides how to serve it. */
export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  app.get('/api/health', async (c) => {
    const head = await deps.store.head();
    return c.json({ status: 'ok', version: deps.version, log: { size: head.size, rootHash: head.rootHash } });
  });
  registerWebApp(app);
  app.notFound((c) =>
    c.json({ type: 'about:blank', title: 'Not Found', status: 404, code: 'not_found', detail: `no route for ${c.req.method} ${c.req.path}` }, 404, {
      'content-type': 'application/problem+json',
    }),
  );
  app.onError((error, c) => {
    console.error('[http]', error);
    return c.json({ type: 'about:blank', title: 'Internal Server Error', status: 500, code: 'internal_error', detail: 'the server could not answer; the error was logged' }, 500, {
      'content-type': 'application/problem+json',
    });
  });
  return app;
}
