/**
 * The batch record of a PX10 batch run through the engine, on SQLite and PostgreSQL: what it says, that
 * it verifies offline against the installation's key, and that its signatures show whether they still
 * cover their data.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBatchRecord } from '../../src/record/build-record.ts';
import type { BatchRecord, StepRecord } from '../../src/record/record-schema.ts';
import { verifyBatchRecord } from '../../src/record/verify-record.ts';
import { parseVerifierKey } from '../../src/store/ledger/checkpoint-note.ts';
import { loadTrustedVerifiers } from '../../src/store/ledger/signing-key.ts';
import { postgresAvailable, requirePostgresInCi } from '../../src/store/postgres/test-database.ts';
import { openPlant, runPx10Batch, type Plant } from './px10-fixture.ts';

const pg = await postgresAvailable();
requirePostgresInCi(pg);

const stepOf = (record: BatchRecord, id: string): StepRecord => record.sections.flatMap((s) => s.steps).find((s) => s.id === id)!;

for (const engineName of ['sqlite', 'postgres'] as const) {
  const skip = engineName === 'postgres' && !pg.ok;
  describe.skipIf(skip)(`the record of a PX10 batch on ${engineName}${skip && !pg.ok ? ` (skipped: ${pg.reason})` : ''}`, () => {
    let plant: Plant;
    let record: BatchRecord;
    beforeAll(async () => {
      plant = await openPlant(engineName);
      await runPx10Batch(plant, 'B-0001');
      record = (await buildBatchRecord(plant.store, 'B-0001', { verifiers: await loadTrustedVerifiers(plant.keysDir), seal: true }))!;
    }, 120_000);
    afterAll(async () => plant?.cleanup());

    it('has the header: batch, lot, site, procedure version and who created and completed it', () => {
      expect(record.format).toBe('openbes-batch-record/1');
      expect(record.header).toMatchObject({
        batchId: 'B-0001',
        lot: 'LOT-B-0001',
        product: 'PX10',
        site: 'PLANT-A',
        kind: 'batch',
        procedure: { code: 'PX10-COMPRESSION', version: 1, sop: 'SOP-PRD-014 rev C', approved: { id: 'quinn', name: 'Quinn QA' }, effective: { id: 'quinn' } },
        batchSize: { value: 150_000, unit: 'tablets' },
        status: 'completed',
        created: { id: 'sam', name: 'Sam Supervisor' },
        completed: { id: 'sam', name: 'Sam Supervisor' },
      });
      expect(record.header.producedLots.map((l) => l.lotId)).toEqual(['GRAN-B-0001', 'TAB-B-0001']);
    });

    it('lists the steps in procedure order, grouped by unit procedure and operation', () => {
      expect(record.sections.map((s) => `${s.unitProcedure?.id}/${s.operation?.id}: ${s.steps.map((t) => t.id).join(',')}`)).toEqual([
        'dispensing/clearance: line-clearance',
        'dispensing/weighing: dispense-api,dispense-excipients',
        'granulation/wet-massing: granulate',
        'granulation/drying: dry',
        'granulation/final-blend: blend',
        'compression/setup: press-setup',
        'compression/run: compress',
        'reconciliation/yield: reconcile',
      ]);
      expect(record.sections.flatMap((s) => s.steps).every((s) => s.status === 'done')).toBe(true);
    });

    it('shows each step: who started, completed and verified it, equipment and materials', () => {
      const api = stepOf(record, 'dispense-api');
      expect(api.started).toMatchObject({ id: 'olivia', name: 'Olivia Operator' });
      expect(api.verified).toMatchObject({ id: 'sam', name: 'Sam Supervisor' });
      expect(api.equipment).toEqual([{ alias: 'api-balance', equipmentId: 'BAL-01', class: 'balance' }]);
      expect(api.materials).toEqual([
        expect.objectContaining({ alias: 'api', materialCode: 'PX10-API', lotId: 'API-2611', quantity: 1.5, unit: 'kg', balanceId: 'BAL-01', target: expect.objectContaining({ quantity: 1.5, unit: 'kg' }) }),
      ]);
      expect(stepOf(record, 'blend').producedLot).toEqual({ lotId: 'GRAN-B-0001', quantity: 30, unit: 'kg' });
    });

    it('records every value with its limits and evaluation, samples with mean, min and max, and the out-of-spec one', () => {
      const hardness = stepOf(record, 'compress').fields.find((f) => f.id === 'hardness')!;
      expect(hardness).toMatchObject({ unit: 'kP', limits: { spec: { min: 8, max: 12 }, alert: { min: 9, max: 11 } } });
      expect(hardness.entries.map((e) => [e.round, e.evaluation])).toEqual([
        [1, 'in_spec'],
        [2, 'out_of_spec'],
        [3, 'in_spec'],
      ]);
      expect(hardness.entries[1]!.value).toEqual({ values: [7.1, 7.3, 7.0, 7.4, 7.2, 7.1, 7.5, 7.0, 7.2, 7.3], mean: 7.21, min: 7, max: 7.5 });
      const yieldField = stepOf(record, 'reconcile').fields.find((f) => f.id === 'yield')!;
      expect(yieldField.entries[0]).toMatchObject({ value: 97.3, by: 'system', computed: 'good_tablets / batch_size * 100' });
    });

    it('shows the process excursions of a step, from leaving its specification to coming back', () => {
      expect(stepOf(record, 'compress').excursions).toEqual([
        {
          tag: 'press/compression-force',
          source: 'P-01/compression-force',
          unit: 'kN',
          limits: { spec: { min: 10, max: 20 }, alert: { min: 12, max: 18 } },
          started: expect.objectContaining({ value: 21.4 }),
          ended: expect.objectContaining({ value: 17.9 }),
        },
      ]);
    });

    it('keeps corrections with old value, new value, reason, who and when', () => {
      const pressure = stepOf(record, 'line-clearance').fields.find((f) => f.id === 'booth_pressure')!;
      expect(pressure.entries[0]).toMatchObject({ value: 11, evaluation: 'alert' });
      expect(pressure.corrections).toEqual([
        expect.objectContaining({ previous: 11, value: 15, evaluation: 'in_spec', reason: 'read the wrong gauge; booth gauge shows 15 Pa', by: 'olivia', name: 'Olivia Operator' }),
      ]);
      expect(pressure.current).toEqual({ value: 15, evaluation: 'in_spec' });
    });

    it('shows each signature with printed name, meaning and whether it still covers the data', () => {
      const all = record.sections.flatMap((s) => s.steps.flatMap((step) => step.signatures.map((sig) => ({ step: step.id, ...sig }))));
      expect(all.map((s) => [s.step, s.meaning, s.name, s.valid])).toEqual([
        ['line-clearance', 'verified', 'Sam Supervisor', true],
        ['dispense-api', 'performed', 'Olivia Operator', true],
        ['dispense-api', 'verified', 'Sam Supervisor', true],
        ['dispense-excipients', 'verified', 'Sara Supervisor', true],
        ['press-setup', 'verified', 'Sam Supervisor', true],
        ['compress', 'performed', 'Olivia Operator', false],
        ['reconcile', 'reviewed', 'Sam Supervisor', true],
      ]);
      // The supervisor's correction after signing is what the compression signature no longer covers.
      const compress = stepOf(record, 'compress');
      const correction = compress.fields.find((f) => f.id === 'thickness')!.corrections[0]!;
      expect(compress.signatures[0]).toMatchObject({ validWhenSigned: true, valid: false, changedBy: [correction.position] });
      expect(compress.signatures[0]!.recordHash).toBe(compress.signatures[0]!.contentHashWhenSigned);
    });

    it('has the holds and releases, the deviations, and the refused attempts', () => {
      expect(record.holds).toEqual([
        expect.objectContaining({ holdId: 'H1', stepId: null, deviationId: 'B-0001-D1', released: expect.objectContaining({ id: 'quinn', reason: expect.stringMatching(/press adjusted/) }) }),
      ]);
      expect(record.deviations.map((d) => [d.deviationId, d.severity, d.group, d.fieldId, d.status])).toEqual([
        ['B-0001-D1', 'major', 'value', 'hardness', 'dispositioned'],
        ['B-0001-D2', 'minor', 'process', null, 'open'],
        ['B-0001-D3', 'minor', 'process', null, 'open'],
        ['B-0001-D4', 'minor', 'value', 'thickness', 'open'],
      ]);
      expect(record.deviations[1]!.message).toMatch(/P-01\/compression-force .* left its specification: 21.4 kN/);
      expect(record.deviations[2]!.message).toMatch(/In-process checks in "Compress the tablets" were missed/);
      expect(stepOf(record, 'compress').deviations).toEqual(['B-0001-D1', 'B-0001-D2', 'B-0001-D3', 'B-0001-D4']);
      expect(record.refusals.map((r) => [r.code, r.by, r.command])).toEqual([
        ['role_not_permitted', 'olivia', 'CreateBatch'],
        ['sequence_violation', 'olivia', 'StartStep'],
        ['invalid_value', 'oscar', 'RecordValue'],
        ['batch_on_hold', 'olivia', 'CompleteStep'],
      ]);
      expect(record.refusals[1]!.message).toMatch(/cannot start yet/);
    });

    it('holds every event of the batch in the audit trail, with its chain verified and proven in the signed log', async () => {
      const batchEvents = await plant.store.readStream('batch-B-0001');
      const trail = record.auditTrail.filter((e) => e.streamId === 'batch-B-0001');
      expect(trail.map((e) => [e.globalPosition, e.type, e.hash])).toEqual(batchEvents.map((e) => [e.globalPosition, e.type, e.hash]));
      const v = record.verification;
      expect(v.eventsVerified).toBe(true);
      expect(v.problems).toEqual([]);
      expect(v.streams.find((s) => s.streamId === 'batch-B-0001')).toEqual({ streamId: 'batch-B-0001', complete: true, events: batchEvents.length, head: batchEvents.at(-1)!.hash, chainVerified: true });
      expect(v.unsealed).toEqual([]);
      expect(v.proofs.map((p) => p.globalPosition)).toEqual(record.auditTrail.map((e) => e.globalPosition));
      expect(v.checkpoint!.size).toBeGreaterThanOrEqual(record.auditTrail.at(-1)!.globalPosition);
      expect(v.publicKey!.vkey).toBe((await readFile(join(plant.keysDir, 'ledger.vkey'), 'utf8')).trim());
    });

    it('verifies offline, as a file, against the published key', async () => {
      const copy = JSON.parse(JSON.stringify(record)) as unknown;
      const key = parseVerifierKey((await readFile(join(plant.keysDir, 'ledger.vkey'), 'utf8')).trim());
      const report = verifyBatchRecord(copy, { verifiers: [key] });
      expect(report.problems).toEqual([]);
      expect(report).toMatchObject({ ok: true, batchId: 'B-0001', keySource: 'given', events: record.auditTrail.length, proofsVerified: record.auditTrail.length, signatures: { total: 7, valid: 6 } });
      expect(report.warnings.join('\n')).toMatch(/"performed" signature of Olivia Operator on step "compress".*changed after signing/);
    });
  });
}
