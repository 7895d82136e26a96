/**
 * For tests: a small API served over real HTTP (port 0) with the identity middleware and routes, a dummy
 * reading route, a dummy changing route that counts what it changed, and a dummy signing route that uses
 * the Signer; a clock the test moves; the progressive delays recorded instead of waited; people set up
 * through the engine. A client that keeps the session cookie by hand, as a browser would.
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { OpenAPIHono } from '@hono/zod-openapi';
import { HTTPException } from 'hono/http-exception';
import type { Actor } from '../../domain/shared/decider.ts';
import type { SignatureMeaning } from '../../domain/procedure/definition.ts';
import { createEngine, type Engine } from '../../engine/engine.ts';
import { executeCommand } from '../../engine/resource-commands.ts';
import { createIdentity, type Identity } from '../../identity/identity.ts';
import { hashPassword } from '../../identity/password-hash.ts';
import { registerPerson } from '../../identity/register-person.ts';
import { DEFAULT_IDENTITY_SETTINGS, type IdentitySettings } from '../../identity/settings.ts';
import { openTestDatabases, type EngineName, type TestDatabases } from '../../identity/store/contract/test-databases.ts';
import type { RecordedEvent } from '../../store/event-store.ts';
import { actorOf, type AppEnv } from '../principal.ts';
import { createAuthentication } from './authentication.ts';
import { problem } from './problem.ts';
import { registerAuthRoutes } from './routes.ts';
import { createSigner } from './signer.ts';

export const SITE = 'S1';
export const PASSWORD = 'plum orchard by the river';
const SETUP: Actor = { id: 'system:test-setup', name: 'Test set-up', site: SITE, roles: ['admin'] };

export interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly headers: Headers;
  /** The session cookie the answer set ('' when it cleared it), if it touched it. */
  readonly cookie: string | undefined;
}

export interface Request {
  readonly cookie?: string;
  readonly csrf?: string;
  /** Default: the server's own origin on state-changing requests; null: none. */
  readonly origin?: string | null;
  readonly headers?: Record<string, string>;
  readonly body?: unknown;
}

export interface TestServer {
  readonly url: string;
  readonly identity: Identity;
  readonly engine: Engine;
  readonly dbs: TestDatabases;
  /** Milliseconds the server would have waited before each failed answer. */
  readonly delays: number[];
  readonly warnings: string[];
  /** How many times the dummy changing route changed something. */
  changes(): number;
  now(): Date;
  advance(ms: number): void;
  request(method: string, path: string, options?: Request): Promise<Answer>;
  /** Signs in; fails the test when refused. */
  login(username: string, password?: string, site?: string): Promise<{ cookie: string; csrf: string; body: Record<string, unknown> }>;
  /** Registers a person with roles at sites and a password (not temporary); acknowledges their e-signature if asked. */
  addPerson(id: string, roles: readonly (readonly [string, string])[], options?: { password?: string; acknowledge?: boolean; generic?: boolean }): Promise<void>;
  /** The security events recorded so far. */
  securityEvents(): Promise<RecordedEvent[]>;
  close(): Promise<void>;
}

/** Starts the test API on a fresh database of `engine`. */
export async function startTestServer(engineName: EngineName, settings: Partial<IdentitySettings> = {}): Promise<TestServer> {
  let now = new Date('2026-11-24T08:00:00.000Z');
  const clock = () => now;
  const dbs = await openTestDatabases(engineName, clock);
  const engine = createEngine({ store: dbs.events, clock });
  const delays: number[] = [];
  const warnings: string[] = [];
  const identity = createIdentity({
    store: dbs.identity,
    engine,
    settings: { ...DEFAULT_IDENTITY_SETTINGS, ...settings },
    now: clock,
    sleep: async (ms) => {
      delays.push(ms);
    },
    warn: (m) => warnings.push(m),
  });
  let changes = 0;
  const signer = createSigner(identity);

  const app = new OpenAPIHono<AppEnv>();
  app.use('/api/*', createAuthentication(identity));
  registerAuthRoutes(app, identity);
  app.get('/api/whoami', (c) => c.json(c.get('principal')));
  app.post('/api/things', (c) => {
    changes++;
    return c.json({ changed: changes, by: actorOf(c.get('principal')) });
  });
  app.post('/api/sign', async (c) => {
    const { meaning, password, recordHash } = (await c.req.json()) as { meaning: SignatureMeaning; password: string; recordHash: string };
    const result = await signer.sign(c, { meaning, password }, recordHash);
    if (!result.ok) return problem(c, result.refusal);
    return c.json(result);
  });
  app.onError((error, c) => {
    if (error instanceof HTTPException)
      return problem(c, { code: error.status === 415 ? 'unsupported_media_type' : 'invalid_request', message: error.message, details: {} });
    throw error;
  });

  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  async function request(method: string, path: string, options: Request = {}): Promise<Answer> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.cookie) headers.cookie = options.cookie;
    if (options.csrf) headers['x-csrf-token'] = options.csrf;
    const origin = options.origin === undefined ? (['GET', 'HEAD'].includes(method) ? undefined : url) : options.origin;
    if (origin !== null && origin !== undefined) headers.origin = origin;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${url}${path}`, { method, headers, ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}) });
    const text = await response.text();
    const set = response.headers.getSetCookie().find((c) => c.startsWith('__Host-bes_session=') || c.startsWith('bes_session='));
    const cookie = set === undefined ? undefined : set.split(';')[0]!.endsWith('=') ? '' : set.split(';')[0]!;
    return { status: response.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>), headers: response.headers, cookie };
  }

  return {
    url,
    identity,
    engine,
    dbs,
    delays,
    warnings,
    changes: () => changes,
    now: () => now,
    advance(ms) {
      now = new Date(now.getTime() + ms);
    },
    request,
    async login(username, password = PASSWORD, site) {
      const answer = await request('POST', '/api/session', { body: { username, password, ...(site ? { site } : {}) } });
      if (answer.status !== 200 || !answer.cookie) throw new Error(`login of ${username} refused: ${answer.status} ${JSON.stringify(answer.body)}`);
      return { cookie: answer.cookie, csrf: answer.body.csrfToken as string, body: answer.body };
    },
    async addPerson(id, roles, options = {}) {
      const registered = await registerPerson(identity, { personId: id, username: id, name: `Person ${id}`, accountKind: options.generic ? 'generic' : 'personal' }, SETUP);
      if (!registered.ok) throw new Error(`registering ${id}: ${registered.refusal.code}`);
      for (const [site, role] of roles) {
        const granted = await executeCommand(engine, 'person', id, { type: 'GrantRole', data: { site, role } }, { ...SETUP, site });
        if (!granted.ok) throw new Error(`granting ${role} to ${id}: ${granted.refusal.code}`);
      }
      await identity.store.setPassword(id, await hashPassword(options.password ?? PASSWORD), now.toISOString(), false);
      if (options.acknowledge) {
        const self: Actor = { id, name: `Person ${id}`, site: roles[0]?.[0] ?? SITE, roles: [] };
        const ack = await executeCommand(engine, 'person', id, { type: 'AcknowledgeESignature', data: { textVersion: '1' } }, self);
        if (!ack.ok) throw new Error(`acknowledging for ${id}: ${ack.refusal.code}`);
      }
    },
    securityEvents: () => dbs.events.readStream('security'),
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await dbs.dispose();
    },
  };
}
