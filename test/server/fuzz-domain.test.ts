/**
 * Fuzzing through to the rules: well-formed commands with arbitrary values (odd quantities, units, dates,
 * field ids, equipment, steps) from real people. Whatever the values, the answer is never a 5xx, and the log
 * grows by exactly what the answers say: the events of each accepted command (its `log` positions) and one
 * recorded refusal for each 422.
 */
import { resolve } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { setUpPlant } from '../../src/demo/plant.ts';
import { executeBatchCommand } from '../../src/engine/batch-commands.ts';
import { startServer, type Server } from './harness.ts';

const SITE = 'PLANT-A';
const EXAMPLES = resolve(import.meta.dirname, '../../examples/procedures');
let server: Server;

beforeAll(async () => {
  server = await startServer({ engine: 'sqlite', site: SITE });
  await setUpPlant(server.engine, { site: SITE, proceduresDir: EXAMPLES, procedures: ['px10-compression.yaml'] });
  const sam = { id: 'sam', name: 'Sam Supervisor', site: SITE, roles: ['supervisor'] };
  await executeBatchCommand(server.engine, 'B-0001', { type: 'CreateBatch', data: { batchId: 'B-0001', site: SITE, procedure: 'PX10-COMPRESSION', version: 1, batchSize: 150_000 } }, sam);
}, 120_000);
afterAll(async () => {
  await server?.close();
});

const word = fc.oneof(fc.constantFrom('line-clearance', 'dispense-api', 'granulate', 'compress', 'api', 'BAL-01', 'P-01', 'API-2611', 'kg', 'g', 'tablets', 'area_clear', 'hardness'), fc.string({ maxLength: 12 }));
const number = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer(), fc.constantFrom(0, -1, 1e308, -1e308, 5e-324, 2 ** 53, 0.1));
const date = fc.oneof(fc.constantFrom('2027-01-01', '2026-02-30', '9999-12-31', '0000-01-01', '2026-11-25T06:00:00Z', '+275760-09-13'), fc.string({ maxLength: 12 }));
const value = fc.oneof(number, fc.boolean(), fc.string({ maxLength: 20 }), fc.array(number, { maxLength: 12 }));
const step = fc.constantFrom('line-clearance', 'dispense-api', 'dispense-excipients', 'compress', 'reconcile', 'nope');

const command = fc.oneof(
  fc.record({ path: step.map((s) => `/api/batches/B-0001/steps/${s}/start`), body: fc.record({ equipment: fc.dictionary(word, word, { maxKeys: 3 }) }, { requiredKeys: [] }) }),
  fc.record({ path: step.map((s) => `/api/batches/B-0001/steps/${s}/values`), body: fc.record({ fieldId: word, value }) }),
  fc.record({ path: step.map((s) => `/api/batches/B-0001/steps/${s}/corrections`), body: fc.record({ fieldId: word, value, reason: fc.string({ maxLength: 10 }) }) }),
  fc.record({ path: step.map((s) => `/api/batches/B-0001/steps/${s}/consumptions`), body: fc.record({ material: word, lotId: word, quantity: number, unit: word, balanceId: word }, { requiredKeys: ['material', 'lotId', 'quantity', 'unit'] }) }),
  fc.record({ path: step.map((s) => `/api/batches/B-0001/steps/${s}/complete`), body: fc.record({ producedLot: fc.record({ lotId: fc.constantFrom('GEN-1', 'GEN-2'), quantity: number, unit: word, expiry: date }) }, { requiredKeys: [] }) }),
  fc.record({ path: fc.constant('/api/batches/B-0001/holds'), body: fc.record({ reason: fc.string({ maxLength: 10 }), stepId: word }, { requiredKeys: ['reason'] }) }),
  fc.record({ path: fc.constantFrom('/api/batches/B-0001/holds/H1/release', '/api/batches/B-0001/holds/H2/release'), body: fc.record({ reason: fc.string({ maxLength: 10 }) }) }),
  fc.record({ path: fc.constantFrom('/api/equipment/P-01/clean', '/api/equipment/BAL-01/clean'), body: fc.record({ validForMs: number }) }),
  fc.record({ path: fc.constantFrom('/api/equipment/P-01/calibrate', '/api/equipment/BAL-02/calibrate'), body: fc.record({ dueDate: date }) }),
  fc.record({ path: fc.constant('/api/lots'), body: fc.record({ lotId: fc.constantFrom('FZ-1', 'FZ-2', 'FZ-3'), material: word, quantity: number, unit: word, expiry: date }) }),
  fc.record({ path: fc.constantFrom('/api/lots/API-2611/adjust', '/api/lots/FZ-1/adjust'), body: fc.record({ quantity: number, reason: fc.string({ maxLength: 10 }) }) }),
  fc.record({ path: fc.constant('/api/batches'), body: fc.record({ batchId: fc.constantFrom('FZ-B1', 'FZ-B2'), procedure: fc.constantFrom('PX10-COMPRESSION', 'NOPE'), version: fc.integer({ min: -1, max: 3 }), batchSize: number }, { requiredKeys: ['batchId', 'procedure', 'version'] }) }),
);

it('never answers 5xx, and the log grows by exactly the events and refusals the answers report', { timeout: 240_000 }, async () => {
  let expected = (await server.store.head()).size;
  const statuses = new Map<number, number>();
  await fc.assert(
    fc.asyncProperty(fc.constantFrom('olivia', 'sam', 'quinn', 'max'), command, async (person, { path, body }) => {
      const answer = await server.request('POST', path, { as: person, body });
      statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
      expect(answer.status, `${person} ${path} ${JSON.stringify(body)}: ${answer.text}`).toBeLessThan(500);
      if (answer.status < 300) expected += answer.body.log.last - answer.body.log.first + 1;
      if (answer.status === 422) expected += 1;
      expect((await server.store.head()).size, `${person} ${path} ${JSON.stringify(body)}: ${answer.status}`).toBe(expected);
      server.advance(7);
    }),
    // The server keeps its state between runs, so shrinking would replay into another state: report the first failure.
    { numRuns: 300, endOnFailure: true, seed: Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31) },
  );
  expect((statuses.get(200) ?? 0) + (statuses.get(201) ?? 0)).toBeGreaterThan(0);
  expect(statuses.get(422)).toBeGreaterThan(0);
  expect(server.logs.filter((l) => l.includes('failed'))).toEqual([]);
});
