/**
 * Procedures over HTTP: checking without storing (diagnostics with line and column), uploading a draft as
 * YAML or JSON, the review and approval cycle with its segregation of duties, and reading versions back.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setUpStaff } from '../../src/demo/plant.ts';
import { startServer, type Server } from './harness.ts';

const SITE = 'PLANT-A';
const CLEANING = resolve(import.meta.dirname, '../../examples/procedures/cleaning-tablet-press.yaml');
let server: Server;
let yaml: string;

beforeAll(async () => {
  server = await startServer({ engine: 'sqlite', site: SITE });
  await setUpStaff(server.engine, SITE);
  yaml = await readFile(CLEANING, 'utf8');
}, 60_000);
afterAll(async () => {
  await server?.close();
});

const sendYaml = (as: string, path: string, text: string, headers: Record<string, string> = {}) =>
  server.request('POST', path, { as, raw: text, headers: { 'content-type': 'text/yaml', ...headers } });

describe('checking a procedure', () => {
  it('answers the diagnostics with line and column, and stores nothing', async () => {
    const before = (await server.store.head()).size;
    const broken = yaml.replace('role: operator\n    standard: 10m', 'role: opertor\n    standard: 10m');
    const answer = await sendYaml('erin', '/api/procedures/check', broken);
    expect(answer.status).toBe(200);
    expect(answer.body.ok).toBe(false);
    const unknown = answer.body.diagnostics.find((d: { code: string }) => d.code === 'unknown_role');
    expect(unknown).toMatchObject({ severity: 'error', step: 'prepare', line: expect.any(Number), column: expect.any(Number) });
    expect(unknown.message).toMatch(/did you mean 'operator'/);
    expect(broken.split('\n')[unknown.line - 1]).toMatch(/role: opertor/);
    const clean = await server.request('POST', '/api/procedures/check', { as: 'quinn', body: { source: yaml } });
    expect(clean.body).toMatchObject({ ok: true, procedure: 'CLN-TP-001' });
    const syntax = await sendYaml('erin', '/api/procedures/check', 'procedure: [\n');
    expect(syntax.body.diagnostics[0]).toMatchObject({ code: 'yaml_syntax', line: expect.any(Number) });
    expect((await server.store.head()).size).toBe(before);
  });
});

describe('the life of a procedure', () => {
  it('is drafted by an engineer, approved by QA (never by its author) and made effective', async () => {
    const before = (await server.store.head()).size;
    const invalid = await sendYaml('erin', '/api/procedures', yaml.replace('role: operator\n    standard: 10m', 'role: opertor\n    standard: 10m'));
    expect(invalid.status).toBe(422);
    expect(invalid.body).toMatchObject({ code: 'invalid_definition' });
    expect(invalid.body.detail).toMatch(/line \d+, column \d+/);
    expect(invalid.body.details.diagnostics.length).toBeGreaterThan(0);
    expect((await server.store.head()).size).toBe(before);
    expect((await sendYaml('quinn', '/api/procedures', yaml)).status).toBe(403);

    const drafted = await sendYaml('erin', '/api/procedures', yaml, { 'idempotency-key': 'draft-cln-1' });
    expect(drafted.status).toBe(201);
    expect(drafted.body).toMatchObject({ id: 'CLN-TP-001', procedureVersion: 1, version: 1 });
    expect(drafted.headers.get('location')).toBe('/api/procedures/CLN-TP-001/versions/1');
    const replay = await sendYaml('erin', '/api/procedures', yaml, { 'idempotency-key': 'draft-cln-1' });
    expect(replay.body).toEqual(drafted.body);
    const second = await server.request('POST', '/api/procedures', { as: 'erin', body: { source: yaml.replace('rev B', 'rev C') } });
    expect(second.body.procedureVersion).toBe(2);

    const v1 = '/api/procedures/CLN-TP-001/versions/1';
    expect((await server.request('POST', `${v1}/approve`, { as: 'quinn', body: {} })).body.code).toBe('invalid_transition');
    expect((await server.request('POST', `${v1}/submit`, { as: 'erin', body: {} })).status).toBe(200);
    expect((await server.request('POST', `${v1}/approve`, { as: 'erin', body: {} })).status).toBe(403);
    expect((await server.request('POST', `${v1}/approve`, { as: 'quinn', body: {} })).status).toBe(200);
    expect((await server.request('POST', `${v1}/make-effective`, { as: 'quinn', body: {} })).status).toBe(200);
    expect((await server.request('POST', '/api/procedures/CLN-TP-001/versions/2/retire', { as: 'quinn', body: {} })).status).toBe(200);
    expect((await server.request('POST', '/api/procedures/CLN-TP-001/versions/9/submit', { as: 'erin', body: {} })).body.code).toBe('version_not_found');

    const procedure = await server.request('GET', '/api/procedures/CLN-TP-001', { as: 'olivia' });
    expect(procedure.body).toMatchObject({
      procedure: 'CLN-TP-001',
      effectiveVersion: 1,
      versions: [
        { version: 1, status: 'effective', approved: true, draftedBy: 'erin', approvedBy: 'quinn' },
        { version: 2, status: 'retired', approved: false },
      ],
    });
    expect(procedure.headers.get('etag')).toBe(`"${procedure.body.version}"`);
    const version = await server.request('GET', v1, { as: 'olivia' });
    expect(version.body.source).toBe(yaml);
    expect(version.body.definition.steps[0].id).toBe('prepare');
    expect((await server.request('GET', '/api/procedures', { as: 'olivia' })).body.items.map((p: { procedure: string }) => p.procedure)).toEqual(['CLN-TP-001']);
    expect((await server.request('GET', '/api/procedures/NOPE', { as: 'olivia' })).status).toBe(404);
    expect((await server.request('GET', '/api/procedures/CLN-TP-001/versions/3', { as: 'olivia' })).status).toBe(404);
  });
});
