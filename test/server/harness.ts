/**
 * A real server for the API tests: the app on @hono/node-server at a free port of 127.0.0.1, on SQLite or
 * PostgreSQL, with the test authenticator and signer, a clock the test moves, and the log kept for asserts.
 */
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { createApp, type AppDeps } from '../../src/server/app.ts';
import { createEngine, type Engine } from '../../src/engine/engine.ts';
import { createLedgerStore, type LedgerStore } from '../../src/store/ledger-store.ts';
import { openSqliteBackend } from '../../src/store/sqlite/backend.ts';
import { openPostgresBackend } from '../../src/store/postgres/backend.ts';
import { createTestDatabase } from '../../src/store/postgres/test-database.ts';
import type { Backend } from '../../src/store/backend.ts';
import { createTestAuthenticator, testAuthorization } from '../../src/server/testing/test-authenticator.ts';
import { createTestSigner } from '../../src/server/testing/test-signer.ts';

export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The body as JSON (undefined when it is not JSON). */
  readonly body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface Server {
  readonly url: string;
  readonly app: ReturnType<typeof createApp>;
  readonly store: LedgerStore;
  readonly engine: Engine;
  readonly signer: ReturnType<typeof createTestSigner>;
  readonly logs: string[];
  /** The server's scratch folder (its SQLite database, keys, checkpoints). */
  readonly dir: string;
  /** Moves the clock of the engine and the API forward. */
  advance(minutes: number): void;
  now(): Date;
  /** Sends a request as `person` at `site` (no person: unauthenticated). */
  request(method: string, path: string, options?: { as?: string; site?: string; body?: unknown; raw?: string; headers?: Record<string, string> }): Promise<Answer>;
  close(): Promise<void>;
}

export async function startServer(options: { engine: 'sqlite' | 'postgres'; site: string; start?: Date; deps?: Partial<AppDeps> }): Promise<Server> {
  const cleanups: (() => Promise<void>)[] = [];
  let now = options.start ?? new Date('2026-11-25T06:00:00.000Z');
  const clock = () => now;
  const dir = await mkdtemp(join(tmpdir(), 'bes-api-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  let backend: Backend;
  if (options.engine === 'sqlite') backend = openSqliteBackend({ file: join(dir, 'openbes.db') });
  else {
    const db = await createTestDatabase('bes_api');
    cleanups.push(db.drop);
    backend = await openPostgresBackend({ connectionString: db.url });
  }
  const store = await createLedgerStore({ backend, clock });
  cleanups.push(() => store.close());
  const engine = createEngine({ store, clock });
  const signer = createTestSigner();
  const logs: string[] = [];
  const app = createApp({
    store,
    engine,
    version: 'test',
    authenticate: createTestAuthenticator(engine),
    signer,
    corsOrigins: ['https://ui.plant.example'],
    now: clock,
    logger: { info: (m) => logs.push(m), error: (m, e) => logs.push(`${m} ${e instanceof Error ? e.stack : String(e)}`) },
    ...options.deps,
  });
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    dir,
    url,
    app,
    store,
    engine,
    signer,
    logs,
    advance: (minutes) => {
      now = new Date(now.getTime() + minutes * 60_000);
    },
    now: () => now,
    async request(method, path, o = {}) {
      const headers: Record<string, string> = { ...(o.as !== undefined ? { authorization: testAuthorization(o.as, o.site ?? options.site) } : {}) };
      let body: string | undefined;
      if (o.raw !== undefined) body = o.raw;
      else if (o.body !== undefined) {
        body = JSON.stringify(o.body);
        headers['content-type'] = 'application/json';
      }
      const response = await fetch(`${url}${path}`, { method, headers: { ...headers, ...o.headers }, ...(body !== undefined ? { body } : {}) });
      const text = await response.text();
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      return { status: response.status, headers: response.headers, text, body: parsed };
    },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      for (const c of cleanups.reverse()) await c();
    },
  };
}
