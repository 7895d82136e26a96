/**
 * The PX10 example batch over HTTP, by three people — Olivia the operator, Sam the supervisor who creates,
 * verifies and reconciles, Quinn from QA who releases the hold — from creation to completion, with the
 * mistakes people make refused (code and sentence), signatures bound to the step content, and the record
 * and the refusal log read back through the API. On SQLite, and on PostgreSQL where it is available (CI).
 */
import { decideDeviationOnce } from '../../src/demo/deviation-decisions.ts';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { setUpPlant } from '../../src/demo/plant.ts';
import { TEST_SIGNING_PASSWORD } from '../../src/server/testing/test-signer.ts';
import { postgresAvailable, requirePostgresInCi } from '../../src/store/postgres/test-database.ts';
import { startServer, type Answer, type Server } from './harness.ts';

const SITE = 'PLANT-A';
const EXAMPLES = resolve(import.meta.dirname, '../../examples/procedures');
const pg = await postgresAvailable();
requirePostgresInCi(pg);

const servers: Server[] = [];
afterAll(async () => {
  for (const s of servers) await s.close();
});

const ten = (v: number) => Array.from({ length: 10 }, (_, i) => Math.round((v + (i % 3) * 0.1) * 10) / 10);
const sign = (meaning: 'performed' | 'verified' | 'reviewed', password = TEST_SIGNING_PASSWORD) => ({ signature: { meaning, password } });

for (const engineName of ['sqlite', 'postgres'] as const) {
  const skip = engineName === 'postgres' && !pg.ok;
  describe.skipIf(skip)(`the PX10 batch over HTTP on ${engineName}${skip && !pg.ok ? ` (skipped: ${pg.reason})` : ''}`, () => {
    it('runs from creation to completion, refusing wrong actions with their codes and sentences', { timeout: 180_000 }, async () => {
      const server = await startServer({ engine: engineName, site: SITE });
      servers.push(server);
      await setUpPlant(server.engine, { site: SITE, proceduresDir: EXAMPLES, procedures: ['px10-compression.yaml'] });
      const batch = '/api/batches/B-0001';
      const step = (id: string, action: string) => `${batch}/steps/${id}/${action}`;
      let refusals = 0;

      const send = (person: string, path: string, body: unknown) => server.request('POST', path, { as: person, body, headers: { 'idempotency-key': randomUUID() } });
      const ok = async (person: string, path: string, body: unknown = {}): Promise<Answer> => {
        const answer = await send(person, path, body);
        expect(answer.status, `${person} POST ${path}: ${answer.text}`).toBeLessThan(300);
        expect(answer.headers.get('etag')).toBe(`"${answer.body.version}"`);
        server.advance(5);
        return answer;
      };
      const refused = async (person: string, path: string, body: unknown, code: string, status = 422): Promise<string> => {
        const answer = await send(person, path, body);
        expect(answer.status, `${person} POST ${path}: ${answer.text}`).toBe(status);
        expect(answer.headers.get('content-type')).toBe('application/problem+json');
        expect(answer.body).toMatchObject({ type: `https://openbes.dev/problems/${code}`, status, code });
        expect(answer.body.detail.length).toBeGreaterThan(10);
        if (status === 422 && code !== 'signature_password_wrong') refusals++;
        return answer.body.detail as string;
      };

      // An operator cannot create a batch (the route table already says no); a supervisor can, from the effective version.
      await refused('olivia', '/api/batches', { batchId: 'B-0001', procedure: 'PX10-COMPRESSION', version: 1, batchSize: 150_000 }, 'role_not_permitted', 403);
      expect(await refused('sam', '/api/batches', { batchId: 'B-0001', procedure: 'PX10-COMPRESSION', version: 1, batchSize: 50_000 }, 'invalid_value')).toMatch(/between/);
      const created = await ok('sam', '/api/batches', { batchId: 'B-0001', procedure: 'PX10-COMPRESSION', version: 1, batchSize: 150_000 });
      expect(created.status).toBe(201);
      expect(created.headers.get('location')).toBe(batch);

      // What blocks each step, as the batch shows it.
      const fresh = await server.request('GET', batch, { as: 'olivia' });
      expect(fresh.status).toBe(200);
      const granulate = fresh.body.steps.find((s: { id: string }) => s.id === 'granulate');
      expect(granulate.blockedBy.map((b: { code: string }) => b.code)).toEqual(['sequence_violation']);
      expect(fresh.body.steps.find((s: { id: string }) => s.id === 'line-clearance').blockedBy).toEqual([]);

      // Line clearance, verified by a second person.
      expect(await refused('olivia', step('granulate', 'start'), { equipment: { granulator: 'GRN-01' } }, 'sequence_violation')).toMatch(/must be done first/);
      await ok('olivia', step('line-clearance', 'start'));
      await ok('olivia', step('line-clearance', 'values'), { fieldId: 'area_clear', value: true });
      await ok('olivia', step('line-clearance', 'values'), { fieldId: 'booth_pressure', value: 15 });
      await ok('olivia', step('line-clearance', 'complete'));
      expect(await refused('olivia', step('line-clearance', 'verify'), sign('verified'), 'self_verification')).toMatch(/second person/);
      // What the signer puts on the answer (a rotated session cookie) reaches the client, refused or not.
      const selfVerify = await send('olivia', step('line-clearance', 'verify'), sign('verified'));
      expect(selfVerify.headers.get('x-test-signed')).toMatch(/^sha256:/);
      refusals++;
      await refused('sam', step('line-clearance', 'verify'), {}, 'signature_required');
      await ok('sam', step('line-clearance', 'verify'), sign('verified'));

      // Dispensing the active substance: a signed step; a wrong password signs nothing and records nothing.
      await ok('olivia', step('dispense-api', 'start'), { equipment: { 'api-balance': 'BAL-01' } });
      await ok('olivia', step('dispense-api', 'consumptions'), { material: 'api', lotId: 'API-2611', quantity: 1.5, unit: 'kg', balanceId: 'BAL-01' });
      await refused('olivia', step('dispense-api', 'complete'), {}, 'signature_required');
      const sizeBefore = (await server.store.head()).size;
      await refused('olivia', step('dispense-api', 'complete'), sign('performed', 'wrong password'), 'signature_password_wrong');
      expect((await server.store.head()).size).toBe(sizeBefore);
      await ok('olivia', step('dispense-api', 'complete'), sign('performed'));
      await ok('sam', step('dispense-api', 'verify'), sign('verified'));

      await ok('olivia', step('dispense-excipients', 'start'), { equipment: { 'floor-balance': 'BAL-02', 'api-balance': 'BAL-01' } });
      expect(await refused('olivia', step('dispense-excipients', 'consumptions'), { material: 'lactose', lotId: 'LAC-0907', quantity: 18.5, unit: 'kg', balanceId: 'BAL-02' }, 'quantity_out_of_tolerance')).toMatch(/18 kg/);
      for (const [material, lotId, quantity, balanceId] of [
        ['lactose', 'LAC-0907', 18, 'BAL-02'],
        ['mcc', 'MCC-3310', 9, 'BAL-02'],
        ['ccs', 'CCS-1204', 1200, 'BAL-01'],
        ['mgst', 'MGS-0415', 0.3, 'BAL-01'],
        ['water', 'PW-1125', 9, 'BAL-02'],
      ] as const) {
        await ok('olivia', step('dispense-excipients', 'consumptions'), { material, lotId, quantity, unit: material === 'ccs' ? 'g' : 'kg', balanceId });
      }
      await ok('olivia', step('dispense-excipients', 'complete'));
      await ok('sam', step('dispense-excipients', 'verify'), sign('verified'));

      // Granulation, drying, blending makes the granulate lot.
      await ok('olivia', step('granulate', 'start'), { equipment: { granulator: 'GRN-01' } });
      await ok('olivia', step('granulate', 'values'), { fieldId: 'water_addition_time', value: 4 });
      await ok('olivia', step('granulate', 'values'), { fieldId: 'end_point_power', value: 5.2 });
      await ok('olivia', step('granulate', 'complete'));
      await ok('olivia', step('dry', 'start'), { equipment: { dryer: 'FBD-01' } });
      await ok('olivia', step('dry', 'values'), { fieldId: 'lod', value: 2.1 });
      await ok('olivia', step('dry', 'complete'));
      await ok('olivia', step('blend', 'start'), { equipment: { blender: 'BLD-01' } });
      await ok('olivia', step('blend', 'values'), { fieldId: 'blend_time', value: 10 });
      const expiry = new Date(server.now().getTime() + 30 * 86_400_000).toISOString().slice(0, 10);
      await refused('olivia', step('blend', 'complete'), {}, 'invalid_value');
      await ok('olivia', step('blend', 'complete'), { producedLot: { lotId: 'GRAN-B-0001', quantity: 30, unit: 'kg', expiry } });
      expect((await server.request('GET', '/api/lots/GRAN-B-0001', { as: 'quinn' })).body).toMatchObject({ status: 'quarantine', producedBy: 'B-0001', onHand: 30 });

      // Press set-up.
      await ok('olivia', step('press-setup', 'start'), { equipment: { press: 'P-01' } });
      await ok('olivia', step('press-setup', 'values'), { fieldId: 'press_scanned', value: 'P-01' });
      await refused('olivia', step('press-setup', 'values'), { fieldId: 'punch_set', value: 'P 12' }, 'invalid_value');
      await ok('olivia', step('press-setup', 'values'), { fieldId: 'punch_set', value: 'PX10-P001' });
      await ok('olivia', step('press-setup', 'values'), { fieldId: 'tooling_inspected', value: true });
      await ok('olivia', step('press-setup', 'complete'));
      await ok('sam', step('press-setup', 'verify'), sign('verified'));

      // Compression: an out-of-spec hardness is recorded, raises a deviation and holds the batch until QA releases it.
      await ok('olivia', step('compress', 'start'), { equipment: { press: 'P-01', tester: 'HT-01' } });
      await ok('olivia', step('compress', 'consumptions'), { material: 'granulate', lotId: 'GRAN-B-0001', quantity: 30, unit: 'kg' });
      await ok('olivia', step('compress', 'values'), { fieldId: 'hardness', value: ten(10) });
      await ok('olivia', step('compress', 'values'), { fieldId: 'ipc_weight', value: ten(200) });
      await ok('olivia', step('compress', 'values'), { fieldId: 'thickness', value: ten(4.1) });
      server.advance(30);
      await ok('olivia', step('compress', 'values'), { fieldId: 'hardness', value: [7.1, 7.3, 7.0, 7.4, 7.2, 7.1, 7.5, 7.0, 7.2, 7.3] });
      expect(await refused('olivia', step('compress', 'complete'), sign('performed'), 'batch_on_hold')).toMatch(/B-0001-D1/);
      const held = await server.request('GET', batch, { as: 'quinn' });
      expect(held.body.holds).toMatchObject([{ id: 'H1', deviationId: 'B-0001-D1' }]);
      expect(held.body.deviations).toEqual(['B-0001-D1']);
      expect(held.body.steps.find((s: { id: string }) => s.id === 'compress').blockedBy[0]).toMatchObject({ code: 'batch_on_hold' });
      await refused('sam', `${batch}/holds/H1/release`, { reason: 'press adjusted' }, 'role_not_permitted');
      await refused('quinn', `${batch}/holds/H1/release`, { reason: 'press adjusted' }, 'deviation_not_dispositioned');
      // Triage, investigation and disposition are routed decisions (their HTTP API comes with the decisions work).
      await decideDeviationOnce(server.engine, 'B-0001-D1', SITE, { dir: server.dir, clock: () => server.now() });
      await ok('quinn', `${batch}/holds/H1/release`, { reason: 'Investigation D1 opened; press adjusted; continue with 100 % hardness testing' });
      await ok('olivia', step('compress', 'values'), { fieldId: 'hardness', value: ten(10.2) });
      await ok('olivia', step('compress', 'complete'), sign('performed'));

      // Reconciliation: the system calculates the yield; the supervisor signs it, making the tablet lot.
      await ok('sam', step('reconcile', 'start'));
      expect(await refused('sam', step('reconcile', 'values'), { fieldId: 'yield', value: 99 }, 'invalid_value')).toMatch(/calculat/i);
      await ok('sam', step('reconcile', 'values'), { fieldId: 'good_tablets', value: 146_000 });
      await ok('sam', step('reconcile', 'values'), { fieldId: 'rejected_tablets', value: 2_000 });
      await ok('sam', step('reconcile', 'values'), { fieldId: 'ipc_tablets', value: 1_500 });
      await ok('sam', step('reconcile', 'complete'), { ...sign('reviewed'), producedLot: { lotId: 'TAB-B-0001', quantity: 146_000, unit: 'tablets', expiry: '2028-11-30' } });
      const completed = await ok('sam', `${batch}/complete`);

      // The record, read back.
      const record = await server.request('GET', batch, { as: 'quinn' });
      expect(record.headers.get('etag')).toBe(`"${completed.body.version}"`);
      expect(record.body.status).toBe('completed');
      expect(record.body.steps.every((s: { status: string; blockedBy: unknown[] }) => s.status === 'done' && s.blockedBy.length === 0)).toBe(true);
      const reconcile = record.body.steps.find((s: { id: string }) => s.id === 'reconcile');
      expect(reconcile.fields.find((f: { id: string }) => f.id === 'yield')).toMatchObject({ value: 97.3, computed: true });

      // Each signature carries the hash the signer bound it to, and no password is stored or logged.
      const events = await server.store.readStream('batch-B-0001');
      const signed = events.flatMap((e) => ((e.data as { signature?: { recordHash?: string } }).signature?.recordHash ? [(e.data as { signature: { recordHash: string } }).signature.recordHash] : []));
      // Olivia's own verifications and the signing while on hold re-authenticated, then the rules refused them.
      const made = server.signer.calls.filter((call) => call.ok).map((call) => call.recordHash);
      expect(made).toHaveLength(10);
      expect(signed).toHaveLength(7);
      for (const hash of signed) expect(made).toContain(hash);
      const everything = JSON.stringify(await server.store.readAll({ limit: 10_000 }));
      expect(everything).not.toContain(TEST_SIGNING_PASSWORD);
      expect(everything).not.toContain('wrong password');
      expect(server.logs.join('\n')).not.toContain(TEST_SIGNING_PASSWORD);

      // The refused actions at the site, newest first, as the API lists them.
      const page1 = await server.request('GET', '/api/refusals?limit=5', { as: 'quinn' });
      expect(page1.status).toBe(200);
      expect(page1.body.items).toHaveLength(5);
      expect(page1.body.items[0]).toMatchObject({ code: 'invalid_value', by: 'sam', subject: 'batch-B-0001', command: 'RecordValue' });
      const page2 = await server.request('GET', `/api/refusals?limit=200&before=${page1.body.next}`, { as: 'quinn' });
      expect(page1.body.items.length + page2.body.items.length).toBe(refusals);
      expect(page2.body.next).toBeUndefined();
      expect(page2.body.items.at(-1)).toMatchObject({ code: 'invalid_value', by: 'sam', command: 'CreateBatch' });
      expect(server.logs.filter((l) => / 5\d\d /.test(l))).toEqual([]);
    });
  });
}
