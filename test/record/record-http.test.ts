/**
 * The record routes and the live stream through real HTTP, on an OpenAPIHono app whose test middleware
 * sets the principal (the authentication the lead wires in front of them): who may read what, at which
 * site, and a stream that filters, hides other sites, resumes without gap or duplicate, and cleans up.
 */
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { OpenAPIHono } from '@hono/zod-openapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatchCommand } from '../../src/domain/execution/batch-commands.ts';
import type { Actor } from '../../src/domain/shared/decider.ts';
import { executeBatchCommand } from '../../src/engine/batch-commands.ts';
import { executeCommand } from '../../src/engine/resource-commands.ts';
import { actorOf } from '../../src/demo/plant.ts';
import type { BatchRecord } from '../../src/record/record-schema.ts';
import { registerRecordRoutes } from '../../src/server/record/record-routes.ts';
import { registerStreamRoutes } from '../../src/server/stream/stream-routes.ts';
import type { AppEnv, Principal } from '../../src/server/principal.ts';
import type { Role } from '../../src/domain/resources/roles.ts';
import type { EventStore } from '../../src/store/event-store.ts';
import { SITE, openPlant, runPx10Batch, type Plant } from './px10-fixture.ts';
import { connectSse, type SseMessage } from './sse-client.ts';

const OTHER_SITE = 'PLANT-B';
const principal = (personId: string, site: string, roles: Role[]): Principal => ({ personId, username: personId, name: personId, site, roles, via: 'session' });
const PRINCIPALS: Record<string, Principal> = {
  olivia: principal('olivia', SITE, ['operator']),
  sam: principal('sam', SITE, ['supervisor']),
  max: principal('max', SITE, ['maintenance']),
  bob: principal('bob', OTHER_SITE, ['supervisor']),
};

let plant: Plant;
let server: ServerType;
let base: string;
let app: OpenAPIHono<AppEnv>;
let subscriptions = 0;

beforeAll(async () => {
  plant = await openPlant('sqlite');
  await runPx10Batch(plant, 'B-0001', { until: 8 });
  // The live stream's store counts its open subscriptions, to see them closed when clients leave.
  const store: EventStore = plant.store;
  const counting = {
    readAll: store.readAll.bind(store),
    getDocument: store.getDocument.bind(store),
    head: store.head.bind(store),
    subscribe: (after: number, handler: Parameters<EventStore['subscribe']>[1]) => {
      subscriptions++;
      const unsubscribe = store.subscribe(after, handler);
      return () => {
        subscriptions--;
        unsubscribe();
      };
    },
  };
  app = new OpenAPIHono<AppEnv>();
  app.use('*', async (c, next) => {
    const who = c.req.header('x-test-person');
    if (who !== undefined) c.set('principal', PRINCIPALS[who]!);
    await next();
  });
  registerRecordRoutes(app, { store: plant.store, keysDir: plant.keysDir });
  registerStreamRoutes(app, { store: counting, heartbeatMs: 100 });
  await new Promise<void>((ready) => {
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => ready());
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 120_000);
afterAll(async () => {
  // Keep-alive sockets of finished requests would hold close() open.
  (server as unknown as { closeAllConnections?: () => void })?.closeAllConnections?.();
  await new Promise((done) => server?.close(done));
  await plant?.cleanup();
});

const get = (path: string, who?: string, headers: Record<string, string> = {}) => fetch(`${base}${path}`, { headers: { ...(who ? { 'x-test-person': who } : {}), ...headers } });
const stream = (query: string, who: string, headers: Record<string, string> = {}) => connectSse(`${base}/api/stream${query}`, { 'x-test-person': who, ...headers });
const payload = (m: SseMessage) => JSON.parse(m.data) as { position: number; stream: string; kind: string; id: string; site: string | null; type: string; actor: string; data: Record<string, unknown> };
const batch = async (batchId: string, person: string, command: BatchCommand, site = SITE) => executeBatchCommand(plant.engine, batchId, command, await actorOf(plant.engine, person, site));
const setupAt = (site: string): Actor => ({ id: 'system:setup', name: 'Plant set-up', site, roles: ['admin'] });
const head = async () => (await plant.store.head()).size;
async function settled(done: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !done(); i++) await new Promise((r) => setTimeout(r, 20));
}

describe('GET /api/batches/{id}/record', () => {
  it('answers the JSON record to a reader at the batch site', async () => {
    const response = await get('/api/batches/B-0001/record', 'olivia');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const record = (await response.json()) as BatchRecord;
    expect(record.header).toMatchObject({ batchId: 'B-0001', site: SITE, status: 'in_progress' });
    expect(record.verification.unsealed).toEqual([]);
  });

  it('answers HTML to a browser, and at record.html', async () => {
    for (const response of [await get('/api/batches/B-0001/record', 'sam', { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' }), await get('/api/batches/B-0001/record.html', 'sam')]) {
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await response.text()).toContain('<h1>Batch record B-0001</h1>');
    }
  });

  it("answers another site's batch as not found, a missing role as forbidden, nobody as unauthorized", async () => {
    const cases: [string, string | undefined, number, string][] = [
      ['/api/batches/B-0001/record', 'bob', 404, 'batch_not_found'],
      ['/api/batches/B-0001/record.html', 'bob', 404, 'batch_not_found'],
      ['/api/batches/NO-SUCH/record', 'olivia', 404, 'batch_not_found'],
      ['/api/batches/B-0001/record', 'max', 403, 'role_not_permitted'],
      ['/api/batches/B-0001/record', undefined, 401, 'not_authenticated'],
    ];
    for (const [path, who, status, code] of cases) {
      const response = await get(path, who);
      expect(response.status).toBe(status);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect(await response.json()).toMatchObject({ status, code });
    }
    // Not even the existence of another site's batch shows: the same answer as for no batch at all.
    const other = (await (await get('/api/batches/B-0001/record', 'bob')).json()) as { detail: string };
    expect(other.detail).toBe(`there is no batch B-0001 at site ${OTHER_SITE}`);
  });

  it('is in the OpenAPI document with the live stream', () => {
    const doc = app.getOpenAPIDocument({ openapi: '3.0.0', info: { title: 'test', version: '1' } });
    expect(Object.keys(doc.paths ?? {})).toEqual(['/api/batches/{id}/record', '/api/batches/{id}/record.html', '/api/stream']);
  });
});

describe('GET /api/stream', () => {
  it('delivers new events as they are committed, filtered by batch, with the global position as id', async () => {
    const sse = await stream('?batch=B-0001', 'olivia');
    expect(sse.status).toBe(200);
    expect(sse.headers.get('content-type')).toMatch(/^text\/event-stream/);
    await batch('B-0002', 'sam', { type: 'CreateBatch', data: { batchId: 'B-0002', site: SITE, procedure: 'PX10-COMPRESSION', version: 1, batchSize: 150_000 } });
    const consumed = await batch('B-0001', 'olivia', { type: 'ConsumeMaterial', data: { stepId: 'dispense-api', material: 'api', lotId: 'API-2611', quantity: 1.5, unit: 'kg', balanceId: 'BAL-01' } });
    const message = await sse.next();
    sse.close();
    const event = payload(message);
    expect(message.event).toBe('event');
    expect(message.id).toBe(String(event.position));
    expect(event).toMatchObject({ stream: 'batch-B-0001', kind: 'batch', id: 'B-0001', site: SITE, type: 'MaterialConsumed', actor: 'olivia', data: { lotId: 'API-2611' } });
    expect(event.position).toBe(consumed.ok ? consumed.firstGlobalPosition : -1);
  });

  it("never sends another site's events", async () => {
    const atA = await stream('', 'sam');
    const atB = await stream('', 'bob');
    await executeCommand(plant.engine, 'equipment', 'EQ-B1', { type: 'RegisterEquipment', data: { equipmentId: 'EQ-B1', site: OTHER_SITE, name: 'Press at B', class: 'tablet-press' } }, setupAt(OTHER_SITE));
    // Sam holds no role at site B: refused there, recorded in site B's refusals.
    const refused = await batch('B-0100', 'sam', { type: 'CreateBatch', data: { batchId: 'B-0100', site: OTHER_SITE, procedure: 'PX10-COMPRESSION', version: 1, batchSize: 150_000 } }, OTHER_SITE);
    expect(refused.ok).toBe(false);
    await batch('B-0003', 'sam', { type: 'CreateBatch', data: { batchId: 'B-0003', site: SITE, procedure: 'PX10-COMPRESSION', version: 1, batchSize: 150_000 } });
    const seenAtA = payload(await atA.next());
    expect(seenAtA).toMatchObject({ stream: 'batch-B-0003', type: 'BatchCreated' });
    const seenAtB = (await atB.until((m) => m.event === 'refusal')).map(payload);
    expect(seenAtB.map((e) => [e.stream, e.type])).toEqual([
      ['equipment-EQ-B1', 'EquipmentRegistered'],
      ['refusals-PLANT-B', 'CommandRefused'],
    ]);
    await expect(atB.next(500)).rejects.toThrow(/no message/);
    atA.close();
    atB.close();
  });

  it('filters by kind: refusals only', async () => {
    const sse = await stream('?kind=refusal', 'sam');
    await batch('B-0004', 'olivia', { type: 'CreateBatch', data: { batchId: 'B-0004', site: SITE, procedure: 'PX10-COMPRESSION', version: 1, batchSize: 150_000 } });
    const message = await sse.next();
    sse.close();
    expect(message.event).toBe('refusal');
    expect(payload(message)).toMatchObject({ kind: 'refusal', stream: `refusals-${SITE}`, actor: 'olivia', data: { code: 'role_not_permitted', subject: 'batch-B-0004' } });
  });

  it('shows maintenance equipment events but no batch events', async () => {
    const sse = await stream('', 'max');
    await batch('B-0005', 'sam', { type: 'CreateBatch', data: { batchId: 'B-0005', site: SITE, procedure: 'PX10-COMPRESSION', version: 1, batchSize: 150_000 } });
    await executeCommand(plant.engine, 'equipment', 'BAL-02', { type: 'RecordCleaning', data: { validForMs: 86_400_000 } }, await actorOf(plant.engine, 'olivia', SITE));
    const message = await sse.next();
    sse.close();
    expect(payload(message)).toMatchObject({ kind: 'equipment', stream: 'equipment-BAL-02' });
  });

  it('resumes from Last-Event-ID without a gap or a duplicate', async () => {
    const partial = await stream('', 'sam', { 'last-event-id': '0' });
    const firstTen = await Promise.all(Array.from({ length: 10 }, () => partial.next()));
    partial.close();
    const lastSeen = firstTen.at(-1)!.id!;
    await batch('B-0002', 'olivia', { type: 'StartStep', data: { stepId: 'line-clearance' } });
    await batch('B-0002', 'olivia', { type: 'RecordValue', data: { stepId: 'line-clearance', fieldId: 'area_clear', value: true } });
    const end = await head();

    const resumed = await stream('', 'sam', { 'last-event-id': lastSeen });
    const rest = await resumed.until((m) => Number(m.id) === end);
    resumed.close();
    const whole = await stream('?after=0', 'sam');
    const all = await whole.until((m) => Number(m.id) === end);
    whole.close();

    const ids = [...firstTen, ...rest].map((m) => Number(m.id));
    expect(ids).toEqual(all.map((m) => Number(m.id)));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(all.map(payload).some((e) => e.stream.endsWith(OTHER_SITE) || e.stream === 'equipment-EQ-B1')).toBe(false);
  });

  it('sends heartbeats and closes its subscription when the client leaves', async () => {
    // Earlier clients of this file have left; the server notices within moments.
    await settled(() => subscriptions === 0);
    expect(subscriptions).toBe(0);
    const sse = await stream('', 'olivia');
    try {
      await expect(sse.next(350)).rejects.toThrow(/no message/);
      expect(sse.comments).toContain(': connected');
      expect(sse.comments.filter((c) => c === ': heartbeat').length).toBeGreaterThanOrEqual(2);
      expect(subscriptions).toBe(1);
    } finally {
      sse.close();
    }
    await settled(() => subscriptions === 0);
    expect(subscriptions).toBe(0);
  });

  it('refuses another site, unknown kinds, positions beyond the log, and nobody', async () => {
    const cases: [string, string | undefined, Record<string, string>, number, string][] = [
      [`?site=${OTHER_SITE}`, 'olivia', {}, 403, 'site_mismatch'],
      ['?kind=batch,secrets', 'olivia', {}, 400, 'invalid_request'],
      ['', 'olivia', { 'last-event-id': String((await head()) + 1) }, 400, 'invalid_request'],
      ['', 'olivia', { 'last-event-id': 'abc' }, 400, 'invalid_request'],
      ['?after=-1', 'olivia', {}, 400, 'invalid_request'],
      ['', undefined, {}, 401, 'not_authenticated'],
    ];
    for (const [query, who, headers, status, code] of cases) {
      const response = await get(`/api/stream${query}`, who, headers);
      expect(response.status).toBe(status);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect(await response.json()).toMatchObject({ status, code });
    }
    // The caller's own site is a valid filter.
    const own = await stream(`?site=${SITE}&kind=batch`, 'olivia');
    expect(own.status).toBe(200);
    own.close();
  });
});
