/**
 * The API's conventions over real HTTP: idempotency, versions (ETag / If-Match), problem details for every
 * kind of bad request, body limits, media types, security headers, CORS, the OpenAPI document and the
 * offline API reference.
 */
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setUpPlant } from '../../src/demo/plant.ts';
import { startServer, type Answer, type Server } from './harness.ts';

const SITE = 'PLANT-A';
const EXAMPLES = resolve(import.meta.dirname, '../../examples/procedures');
let server: Server;

beforeAll(async () => {
  server = await startServer({ engine: 'sqlite', site: SITE });
  await setUpPlant(server.engine, { site: SITE, proceduresDir: EXAMPLES, procedures: ['px10-compression.yaml'] });
}, 120_000);
afterAll(async () => {
  await server?.close();
});

const size = async () => (await server.store.head()).size;
function expectProblem(answer: Answer, status: number, code: string): void {
  expect(answer.status, answer.text).toBe(status);
  expect(answer.headers.get('content-type')).toBe('application/problem+json');
  expect(answer.body).toMatchObject({ type: `https://openbes.dev/problems/${code}`, status, code });
  expect(typeof answer.body.title).toBe('string');
  expect(typeof answer.body.detail).toBe('string');
  expect(answer.text).not.toMatch(/\bat .*\.ts:\d+/);
}

describe('Idempotency-Key', () => {
  it('answers a retry with the first answer and records one set of events', async () => {
    const headers = { 'idempotency-key': 'mark-dirty-1' };
    const first = await server.request('POST', '/api/equipment/HT-01/mark-dirty', { as: 'olivia', body: { reason: 'spill' }, headers });
    expect(first.status).toBe(200);
    const after = await size();
    const retry = await server.request('POST', '/api/equipment/HT-01/mark-dirty', { as: 'olivia', body: { reason: 'spill' }, headers });
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers.get('etag')).toBe(first.headers.get('etag'));
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(await size()).toBe(after);
  });

  it('answers a retried refusal with the same refusal, recorded once', async () => {
    const headers = { 'idempotency-key': 'release-again-1' };
    const first = await server.request('POST', '/api/lots/API-2611/release', { as: 'quinn', body: {}, headers });
    expectProblem(first, 422, 'lot_not_in_quarantine');
    const after = await size();
    const retry = await server.request('POST', '/api/lots/API-2611/release', { as: 'quinn', body: {}, headers });
    expect(retry.body).toEqual(first.body);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(await size()).toBe(after);
  });

  it('refuses the same key with another body (422 idempotency_key_reused), recording nothing', async () => {
    const headers = { 'idempotency-key': 'mark-dirty-2' };
    expect((await server.request('POST', '/api/equipment/GRN-01/mark-dirty', { as: 'olivia', body: { reason: 'spill' }, headers })).status).toBe(200);
    const after = await size();
    const other = await server.request('POST', '/api/equipment/GRN-01/mark-dirty', { as: 'olivia', body: { reason: 'another spill' }, headers });
    expectProblem(other, 422, 'idempotency_key_reused');
    expect(await size()).toBe(after);
  });

  it('rejects a malformed key with 400', async () => {
    const answer = await server.request('POST', '/api/equipment/GRN-01/mark-dirty', { as: 'olivia', body: { reason: 'x' }, headers: { 'idempotency-key': 'x'.repeat(201) } });
    expectProblem(answer, 400, 'invalid_request');
    expect(answer.body.errors[0].path).toBe('header.idempotency-key');
  });
});

describe('ETag and If-Match', () => {
  it('gives the stream version as ETag, and refuses a stale If-Match with 412 and the current version', async () => {
    const read = await server.request('GET', '/api/equipment/FBD-01', { as: 'max' });
    expect(read.status).toBe(200);
    const tag = read.headers.get('etag')!;
    expect(tag).toBe(`"${read.body.version}"`);
    const changed = await server.request('POST', '/api/equipment/FBD-01/start-maintenance', { as: 'max', body: { reason: 'seal' }, headers: { 'if-match': tag } });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).toBe(`"${read.body.version + 1}"`);
    const after = await size();
    const stale = await server.request('POST', '/api/equipment/FBD-01/complete-maintenance', { as: 'max', body: {}, headers: { 'if-match': tag } });
    expectProblem(stale, 412, 'version_mismatch');
    expect(stale.body.details.currentVersion).toBe(read.body.version + 1);
    expect(stale.headers.get('etag')).toBe(`"${read.body.version + 1}"`);
    expect(await size()).toBe(after);
    const current = await server.request('POST', '/api/equipment/FBD-01/complete-maintenance', { as: 'max', body: {}, headers: { 'if-match': changed.headers.get('etag')! } });
    expect(current.status).toBe(200);
  });

  it('refuses a stale If-Match on a signed step before asking for the password', async () => {
    await server.request('POST', '/api/batches', { as: 'sam', body: { batchId: 'B-IFM', procedure: 'PX10-COMPRESSION', version: 1, batchSize: 150_000 } });
    await server.request('POST', '/api/batches/B-IFM/steps/line-clearance/start', { as: 'olivia', body: {} });
    const calls = server.signer.calls.length;
    const stale = await server.request('POST', '/api/batches/B-IFM/steps/line-clearance/complete', { as: 'olivia', body: { signature: { meaning: 'performed', password: 'x' } }, headers: { 'if-match': '"1"' } });
    expectProblem(stale, 412, 'version_mismatch');
    expect(server.signer.calls.length).toBe(calls);
  });

  it('answers 304 to a GET whose If-None-Match is the current ETag', async () => {
    const read = await server.request('GET', '/api/lots/LAC-0907', { as: 'olivia' });
    const again = await server.request('GET', '/api/lots/LAC-0907', { as: 'olivia', headers: { 'if-none-match': read.headers.get('etag')! } });
    expect(again.status).toBe(304);
    expect(again.text).toBe('');
    expect(again.headers.get('etag')).toBe(read.headers.get('etag'));
    expect((await server.request('GET', '/api/lots/LAC-0907', { as: 'olivia', headers: { 'if-none-match': '"0"' } })).status).toBe(200);
  });

  it('rejects a malformed If-Match with 400', async () => {
    expectProblem(await server.request('POST', '/api/equipment/FBD-01/mark-dirty', { as: 'olivia', body: { reason: 'x' }, headers: { 'if-match': 'W/"3"' } }), 400, 'invalid_request');
  });
});

describe('bad requests are problems, and change nothing', () => {
  it('413 for a body over 256 KiB (1 MiB for a procedure)', async () => {
    const before = await size();
    expectProblem(await server.request('POST', '/api/equipment/P-01/mark-dirty', { as: 'olivia', raw: JSON.stringify({ reason: 'x'.repeat(300 * 1024) }), headers: { 'content-type': 'application/json' } }), 413, 'body_too_large');
    const yaml = `procedure: BIG\ntitle: big\n# ${'x'.repeat(600 * 1024)}\nsteps: []\n`;
    expect((await server.request('POST', '/api/procedures/check', { as: 'erin', raw: yaml, headers: { 'content-type': 'text/yaml' } })).status).toBe(200);
    // In process: over a socket, the server answers 413 and closes while a client is still sending 1 MiB.
    const big = await server.app.request('/api/procedures/check', { method: 'POST', body: yaml + yaml, headers: { 'content-type': 'text/yaml', authorization: 'Bearer test:erin@PLANT-A' } });
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ code: 'body_too_large', status: 413 });
    expect(await size()).toBe(before);
  });

  it('415 for a body that is not JSON, or none declared', async () => {
    expectProblem(await server.request('POST', '/api/equipment/P-01/mark-dirty', { as: 'olivia', raw: 'reason=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 415, 'unsupported_media_type');
    expectProblem(await server.request('POST', '/api/equipment/P-01/mark-dirty', { as: 'olivia', raw: '{"reason":"x"}', headers: { 'content-type': 'text/plain' } }), 415, 'unsupported_media_type');
    expectProblem(await server.request('POST', '/api/lots/API-2611/release', { as: 'quinn' }), 415, 'unsupported_media_type');
    expectProblem(await server.request('POST', '/api/batches', { as: 'sam', raw: 'procedure: X', headers: { 'content-type': 'text/yaml' } }), 415, 'unsupported_media_type');
  });

  it('400 for malformed JSON and for a body the schema rejects, naming each field', async () => {
    expectProblem(await server.request('POST', '/api/equipment/P-01/mark-dirty', { as: 'olivia', raw: '{"reason": ', headers: { 'content-type': 'application/json' } }), 400, 'malformed_body');
    const wrong = await server.request('POST', '/api/lots', { as: 'olivia', body: { lotId: 'L 1', material: 'X', quantity: '5', unit: 'kg', expiry: '2027-01-01', colour: 'red' } });
    expectProblem(wrong, 400, 'invalid_request');
    const paths = wrong.body.errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['body.lotId', 'body.quantity', 'body']));
    expect(wrong.body.detail).toMatch(/^body\./);
    expectProblem(await server.request('GET', '/api/equipment?limit=0', { as: 'olivia' }), 400, 'invalid_request');
    expectProblem(await server.request('GET', '/api/equipment/P%2001', { as: 'olivia' }), 400, 'invalid_request');
  });

  it('404 for an unknown route or record; 403 at a site where one holds no role', async () => {
    expectProblem(await server.request('GET', '/api/nothing-here', { as: 'olivia' }), 404, 'not_found');
    expectProblem(await server.request('DELETE', '/api/batches/B-IFM', { as: 'olivia' }), 404, 'not_found');
    expectProblem(await server.request('GET', '/api/batches/B-NONE', { as: 'olivia' }), 404, 'not_found');
    expectProblem(await server.request('GET', '/api/batches/B-IFM', { as: 'olivia', site: 'PLANT-Z' }), 403, 'role_not_permitted');
  });

  it('401 without a principal, 403 without the role', async () => {
    expectProblem(await server.request('GET', '/api/batches'), 401, 'unauthenticated');
    const forbidden = await server.request('POST', '/api/lots/API-2611/reject', { as: 'olivia', body: { reason: 'x' } });
    expectProblem(forbidden, 403, 'role_not_permitted');
    expect(forbidden.body.detail).toBe('Rejecting a lot needs the qa role; you hold operator');
  });

  it('answers a failure of the server with 500 and no internals, and logs it', async () => {
    const broken = await startServer({ engine: 'sqlite', site: SITE });
    await broken.store.close();
    try {
      const answer = await broken.request('GET', '/api/health');
      expectProblem(answer, 500, 'internal_error');
      expect(answer.text).not.toMatch(/sqlite|database|Error:/i);
      expect(broken.logs.some((l) => l.includes('/api/health failed'))).toBe(true);
    } finally {
      await broken.close().catch(() => {});
    }
  });
});

describe('HTTP hygiene', () => {
  it('sends security headers and a request id on every answer', async () => {
    for (const answer of [await server.request('GET', '/api/health'), await server.request('GET', '/api/batches'), await server.request('GET', '/')]) {
      expect(answer.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
      expect(answer.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
      expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
      expect(answer.headers.get('referrer-policy')).toBe('no-referrer');
      expect(answer.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    }
    const id = (await server.request('GET', '/api/health')).headers.get('x-request-id')!;
    expect(server.logs.some((l) => l.includes(id) && l.includes('GET /api/health 200'))).toBe(true);
  });

  it('allows CORS with credentials for the configured origin only', async () => {
    const allowed = await server.request('OPTIONS', '/api/batches', { headers: { origin: 'https://ui.plant.example', 'access-control-request-method': 'POST' } });
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://ui.plant.example');
    expect(allowed.headers.get('access-control-allow-credentials')).toBe('true');
    const other = await server.request('GET', '/api/health', { headers: { origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    expect(other.headers.get('access-control-allow-credentials')).toBeNull();
    const preflight = await server.request('OPTIONS', '/api/batches', { headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('serves the browser UI at / (or says it is not built) under the same CSP, no inline scripts', async () => {
    const page = await server.request('GET', '/', { headers: { accept: 'text/html' } });
    expect([200, 503]).toContain(page.status);
    expect(page.text).toMatch(/OpenBES/);
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
    expect(page.headers.get('content-security-policy')).not.toMatch(/script-src[^;]*unsafe-inline/);
  });
});

describe('the OpenAPI document and the reference', () => {
  it('is OpenAPI 3.1, public, with problem details and the command headers', async () => {
    const doc = await server.request('GET', '/api/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toBe('3.1.0');
    expect(doc.body.components.schemas.Problem).toBeDefined();
    const complete = doc.body.paths['/api/batches/{batchId}/steps/{stepId}/complete'].post;
    expect(complete.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['batchId', 'stepId', 'idempotency-key', 'if-match']));
    expect(complete.responses['422'].content['application/problem+json']).toBeDefined();
    expect(doc.body.paths['/api/procedures'].post.requestBody.content['text/yaml']).toBeDefined();
  });

  it('serves Swagger UI from the server itself, pointing at the document', async () => {
    const index = await server.request('GET', '/api/docs');
    expect(index.status).toBe(200);
    expect(index.text).not.toMatch(/https?:\/\//);
    const scripts = [...index.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    for (const asset of scripts) expect((await server.request('GET', asset)).status, asset).toBe(200);
    expect((await server.request('GET', '/api/docs/openbes-init.js')).text).toMatch(/url: '\/api\/openapi.json'/);
    expect((await server.request('GET', '/api/docs/swagger-ui-bundle.js')).headers.get('content-type')).toMatch(/javascript/);
    expectProblem(await server.request('GET', '/api/docs/package.json'), 404, 'not_found');
    expectProblem(await server.request('GET', '/api/docs/..%2Fpackage.json'), 404, 'not_found');
  });
});
