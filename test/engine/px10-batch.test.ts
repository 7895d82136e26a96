/**
 * The example batch, end to end through the engine and the real store: the PX10 procedure from its YAML,
 * people, equipment and lots set up through their own commands, a batch run from creation to completion
 * with the mistakes people make refused, and one out-of-spec hardness that raises a deviation and holds
 * the batch until QA decides its disposition and releases the hold. Runs on SQLite, and on PostgreSQL where
 * it is available (always in CI).
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { BatchCommand } from '../../src/domain/execution/batch-commands.ts';
import type { BatchState } from '../../src/domain/execution/batch-state.ts';
import type { EquipmentState } from '../../src/domain/resources/equipment-state.ts';
import type { LotState } from '../../src/domain/resources/lot-state.ts';
import type { DeviationState } from '../../src/domain/quality/deviation-state.ts';
import { executeBatchCommand } from '../../src/engine/batch-commands.ts';
import { executeDecisionCommand } from '../../src/engine/quality-decisions.ts';
import { createEngine, type Engine, type Outcome } from '../../src/engine/engine.ts';
import type { PreventedErrors } from '../../src/engine/refusals.ts';
import { actorOf, setUpPlant } from '../../src/demo/plant.ts';
import { createLedgerStore, type LedgerStore } from '../../src/store/ledger-store.ts';
import { loadOrCreateLedgerKey } from '../../src/store/ledger/signing-key.ts';
import { openSqliteBackend } from '../../src/store/sqlite/backend.ts';
import { openPostgresBackend } from '../../src/store/postgres/backend.ts';
import { createTestDatabase, postgresAvailable, requirePostgresInCi } from '../../src/store/postgres/test-database.ts';
import { verifyStore } from '../../src/store/verify-store.ts';
import type { Backend } from '../../src/store/backend.ts';

const SITE = 'PLANT-A';
const EXAMPLES = resolve(import.meta.dirname, '../../examples/procedures');
const pg = await postgresAvailable();
requirePostgresInCi(pg);

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function openOn(engineName: 'sqlite' | 'postgres', clock: () => Date): Promise<{ store: LedgerStore; keysDir: string; checkpointFile: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'bes-px10-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  let backend: Backend;
  if (engineName === 'sqlite') backend = openSqliteBackend({ file: join(dir, 'openbes.db') });
  else {
    const db = await createTestDatabase('bes_px10');
    cleanups.push(db.drop);
    backend = await openPostgresBackend({ connectionString: db.url });
  }
  const keysDir = join(dir, 'keys');
  const checkpointFile = join(dir, 'checkpoints.jsonl');
  const key = await loadOrCreateLedgerKey(keysDir, 'plant-a');
  const store = await createLedgerStore({ backend, clock, checkpoints: { key, file: checkpointFile, everyEvents: 100, everyMs: 0 } });
  cleanups.push(() => store.close());
  return { store, keysDir, checkpointFile };
}

const samples = (...values: number[]) => values;
/** What a client would send as Idempotency-Key: one per user action, the same on a retry. */
const keyOf = (person: string, command: BatchCommand, at: Date) => createHash('sha256').update(`${person}|${JSON.stringify(command)}|${at.toISOString()}`).digest('hex');
const ten = (v: number) => Array.from({ length: 10 }, (_, i) => Math.round((v + (i % 3) * 0.1) * 10) / 10);

for (const engineName of ['sqlite', 'postgres'] as const) {
  const skip = engineName === 'postgres' && !pg.ok;
  describe.skipIf(skip)(`the PX10 example batch on ${engineName}${skip && !pg.ok ? ` (skipped: ${pg.reason})` : ''}`, () => {
    it('runs from creation to completion, refusing wrong actions and holding on an out-of-spec value', { timeout: 120_000 }, async () => {
      let now = new Date('2026-11-25T06:00:00.000Z');
      const clock = () => now;
      const advance = (minutes: number) => {
        now = new Date(now.getTime() + minutes * 60_000);
      };
      const { store, keysDir, checkpointFile } = await openOn(engineName, clock);
      const engine: Engine = createEngine({ store, clock });
      await setUpPlant(engine, { site: SITE, proceduresDir: EXAMPLES, procedures: ['px10-compression.yaml'] });

      const batchId = 'B-0001';
      const as = (person: string) => async (command: BatchCommand): Promise<Outcome> =>
        executeBatchCommand(engine, batchId, command, await actorOf(engine, person, SITE), { idempotencyKey: keyOf(person, command, now) });
      const ok = async (person: string, command: BatchCommand) => {
        const outcome = await as(person)(command);
        if (!outcome.ok) throw new Error(`${person} ${command.type} refused: [${outcome.refusal.code}] ${outcome.refusal.message}`);
        advance(5);
        return outcome;
      };
      const refused = async (person: string, command: BatchCommand, code: string) => {
        const outcome = await as(person)(command);
        expect(outcome.ok ? 'accepted' : outcome.refusal.code).toBe(code);
        return outcome.ok ? '' : outcome.refusal.message;
      };
      const sign = (meaning: 'performed' | 'verified' | 'reviewed') => ({ signature: { meaning } });

      // An operator cannot create a batch; a supervisor can, from the effective version only.
      await refused('olivia', { type: 'CreateBatch', data: { batchId, site: SITE, procedure: 'PX10-COMPRESSION', version: 1, batchSize: 150_000 } }, 'role_not_permitted');
      await refused('sam', { type: 'CreateBatch', data: { batchId, site: SITE, procedure: 'PX10-COMPRESSION', version: 2, batchSize: 150_000 } }, 'version_not_found');
      await refused('sam', { type: 'CreateBatch', data: { batchId, site: SITE, procedure: 'PX10-COMPRESSION', version: 1, batchSize: 50_000 } }, 'invalid_value');
      await ok('sam', { type: 'CreateBatch', data: { batchId, site: SITE, procedure: 'PX10-COMPRESSION', version: 1, batchSize: 150_000 } });

      // Line clearance, verified by a second person.
      await refused('olivia', { type: 'StartStep', data: { stepId: 'granulate', equipment: { granulator: 'GRN-01' } } }, 'sequence_violation');
      await ok('olivia', { type: 'StartStep', data: { stepId: 'line-clearance' } });
      await ok('olivia', { type: 'RecordValue', data: { stepId: 'line-clearance', fieldId: 'area_clear', value: true } });
      await ok('olivia', { type: 'RecordValue', data: { stepId: 'line-clearance', fieldId: 'booth_pressure', value: 15 } });
      await ok('olivia', { type: 'CompleteStep', data: { stepId: 'line-clearance' } });
      await refused('olivia', { type: 'VerifyStep', data: { stepId: 'line-clearance', ...sign('verified') } }, 'self_verification');
      await ok('sam', { type: 'VerifyStep', data: { stepId: 'line-clearance', ...sign('verified') } });

      // Dispensing: the untrained operator is stopped; the active substance is weighed on the calibrated balance.
      const notTrained = await refused('uma', { type: 'StartStep', data: { stepId: 'dispense-api', equipment: { 'api-balance': 'BAL-01' } } }, 'not_trained');
      expect(notTrained).toMatch(/PX10-COMPRESSION/);
      await ok('olivia', { type: 'StartStep', data: { stepId: 'dispense-api', equipment: { 'api-balance': 'BAL-01' } } });
      await ok('olivia', { type: 'ConsumeMaterial', data: { stepId: 'dispense-api', material: 'api', lotId: 'API-2611', quantity: 1.5, unit: 'kg', balanceId: 'BAL-01' } });
      await refused('olivia', { type: 'CompleteStep', data: { stepId: 'dispense-api' } }, 'signature_required');
      await ok('olivia', { type: 'CompleteStep', data: { stepId: 'dispense-api', ...sign('performed') } });
      await ok('sam', { type: 'VerifyStep', data: { stepId: 'dispense-api', ...sign('verified') } });

      await ok('oscar', { type: 'StartStep', data: { stepId: 'dispense-excipients', equipment: { 'floor-balance': 'BAL-02', 'api-balance': 'BAL-01' } } });
      const tooMuch = await refused('oscar', { type: 'ConsumeMaterial', data: { stepId: 'dispense-excipients', material: 'lactose', lotId: 'LAC-0907', quantity: 18.5, unit: 'kg', balanceId: 'BAL-02' } }, 'quantity_out_of_tolerance');
      expect(tooMuch).toMatch(/18 kg/);
      await refused('oscar', { type: 'ConsumeMaterial', data: { stepId: 'dispense-excipients', material: 'lactose', lotId: 'MCC-3310', quantity: 18, unit: 'kg', balanceId: 'BAL-02' } }, 'material_not_usable');
      for (const [material, lotId, quantity, balanceId] of [
        ['lactose', 'LAC-0907', 18, 'BAL-02'],
        ['mcc', 'MCC-3310', 9, 'BAL-02'],
        ['ccs', 'CCS-1204', 1200, 'BAL-01'],
        ['mgst', 'MGS-0415', 0.3, 'BAL-01'],
        ['water', 'PW-1125', 9, 'BAL-02'],
      ] as const) {
        const unit = material === 'ccs' ? 'g' : 'kg';
        await ok('oscar', { type: 'ConsumeMaterial', data: { stepId: 'dispense-excipients', material, lotId, quantity, unit, balanceId } });
      }
      await ok('oscar', { type: 'CompleteStep', data: { stepId: 'dispense-excipients' } });
      await ok('sara', { type: 'VerifyStep', data: { stepId: 'dispense-excipients', ...sign('verified') } });

      // Granulation, drying within the wet-mass hold time, blending makes the granulate lot.
      await ok('olivia', { type: 'StartStep', data: { stepId: 'granulate', equipment: { granulator: 'GRN-01' } } });
      await ok('olivia', { type: 'RecordValue', data: { stepId: 'granulate', fieldId: 'water_addition_time', value: 4 } });
      await ok('olivia', { type: 'RecordValue', data: { stepId: 'granulate', fieldId: 'end_point_power', value: 5.2 } });
      await ok('olivia', { type: 'CompleteStep', data: { stepId: 'granulate' } });
      await ok('olivia', { type: 'StartStep', data: { stepId: 'dry', equipment: { dryer: 'FBD-01' } } });
      await ok('olivia', { type: 'RecordValue', data: { stepId: 'dry', fieldId: 'lod', value: 2.1 } });
      await ok('olivia', { type: 'CompleteStep', data: { stepId: 'dry' } });
      await ok('olivia', { type: 'StartStep', data: { stepId: 'blend', equipment: { blender: 'BLD-01' } } });
      await ok('olivia', { type: 'RecordValue', data: { stepId: 'blend', fieldId: 'blend_time', value: 10 } });
      const expiry = new Date(now.getTime() + 30 * 86_400_000).toISOString().slice(0, 10);
      await refused('olivia', { type: 'CompleteStep', data: { stepId: 'blend' } }, 'invalid_value');
      await ok('olivia', { type: 'CompleteStep', data: { stepId: 'blend', producedLot: { lotId: 'GRAN-B-0001', quantity: 30, unit: 'kg', expiry } } });

      // Press set-up: the punch set number must have its format.
      await ok('oscar', { type: 'StartStep', data: { stepId: 'press-setup', equipment: { press: 'P-01' } } });
      await ok('oscar', { type: 'RecordValue', data: { stepId: 'press-setup', fieldId: 'press_scanned', value: 'P-01' } });
      await refused('oscar', { type: 'RecordValue', data: { stepId: 'press-setup', fieldId: 'punch_set', value: 'P 12' } }, 'invalid_value');
      await ok('oscar', { type: 'RecordValue', data: { stepId: 'press-setup', fieldId: 'punch_set', value: 'PX10-P001' } });
      await ok('oscar', { type: 'RecordValue', data: { stepId: 'press-setup', fieldId: 'tooling_inspected', value: true } });
      await ok('oscar', { type: 'CompleteStep', data: { stepId: 'press-setup' } });
      await ok('sam', { type: 'VerifyStep', data: { stepId: 'press-setup', ...sign('verified') } });

      // Compression: in-process controls every 30 minutes; the second hardness check is out of spec.
      await ok('olivia', { type: 'StartStep', data: { stepId: 'compress', equipment: { press: 'P-01', tester: 'HT-01' } } });
      await ok('olivia', { type: 'ConsumeMaterial', data: { stepId: 'compress', material: 'granulate', lotId: 'GRAN-B-0001', quantity: 30, unit: 'kg' } });
      await ok('olivia', { type: 'RecordValue', data: { stepId: 'compress', fieldId: 'hardness', value: ten(10) } });
      await ok('olivia', { type: 'RecordValue', data: { stepId: 'compress', fieldId: 'ipc_weight', value: ten(200) } });
      await ok('olivia', { type: 'RecordValue', data: { stepId: 'compress', fieldId: 'thickness', value: ten(4.1) } });
      advance(30);
      // A true measurement out of spec is recorded, never refused: it raises a deviation and holds the batch.
      const oos = await ok('olivia', { type: 'RecordValue', data: { stepId: 'compress', fieldId: 'hardness', value: samples(7.1, 7.3, 7.0, 7.4, 7.2, 7.1, 7.5, 7.0, 7.2, 7.3) } });
      expect(oos.ok).toBe(true);
      const held = await refused('olivia', { type: 'CompleteStep', data: { stepId: 'compress', ...sign('performed') } }, 'batch_on_hold');
      expect(held).toMatch(/B-0001-D1/);
      const batchMid = await engine.load<BatchState>('batch', batchId);
      expect(batchMid.state.holds).toHaveLength(1);
      const deviation = await engine.load<DeviationState>('deviation', 'B-0001-D1');
      expect(deviation.state).toMatchObject({ status: 'open', facts: { severity: 'major', stepId: 'compress', fieldId: 'hardness', batchId } });
      await refused('sam', { type: 'ReleaseHold', data: { holdId: 'H1', reason: 'press adjusted, hardness back in range' } }, 'role_not_permitted');
      // The deviation holds the batch until QA decides its disposition: triage and disposition are signed decisions.
      await refused('quinn', { type: 'ReleaseHold', data: { holdId: 'H1', reason: 'press adjusted, hardness back in range' } }, 'deviation_not_dispositioned');
      const quinn = await actorOf(engine, 'quinn', SITE);
      const decide = async (kind: 'deviation_triage' | 'deviation_disposition', outcome: string, meaning: 'reviewed' | 'approved', data: Record<string, string>) => {
        const decisionId = `${kind}-B-0001-D1`;
        const subject = { kind, id: 'B-0001-D1', title: 'hardness out of specification', severity: 'major' as const };
        const route = { rule: 'px10 test', role: 'qa', dueInMs: 86_400_000, escalate: [], quorum: 1, notify: [] };
        for (const command of [
          { type: 'RouteDecision', data: { decisionId, site: SITE, subject, route, conflicts: [] } },
          { type: 'SignDecision', data: { outcome, data, signature: { meaning } } },
        ] as const) {
          const outcome = await executeDecisionCommand(engine, decisionId, command, quinn);
          expect(outcome.ok ? 'ok' : outcome.refusal.message).toBe('ok');
        }
      };
      await decide('deviation_triage', 'triaged', 'reviewed', { severity: 'major', category: 'value', impact: 'tablets of round 2 segregated', investigator: 'erin' });
      await decide('deviation_disposition', 'continue', 'approved', { rationale: 'press adjusted; continue with 100 % hardness testing' });
      await ok('quinn', { type: 'ReleaseHold', data: { holdId: 'H1', reason: 'Investigation D1 opened; press adjusted; continue with 100 % hardness testing' } });
      await ok('olivia', { type: 'RecordValue', data: { stepId: 'compress', fieldId: 'hardness', value: ten(10.2) } });
      await ok('olivia', { type: 'CompleteStep', data: { stepId: 'compress', ...sign('performed') } });

      // Reconciliation: the system calculates the yield; the supervisor signs and records the tablets made.
      await ok('sam', { type: 'StartStep', data: { stepId: 'reconcile' } });
      await refused('sam', { type: 'RecordValue', data: { stepId: 'reconcile', fieldId: 'yield', value: 99 } }, 'invalid_value');
      await ok('sam', { type: 'RecordValue', data: { stepId: 'reconcile', fieldId: 'good_tablets', value: 146_000 } });
      await ok('sam', { type: 'RecordValue', data: { stepId: 'reconcile', fieldId: 'rejected_tablets', value: 2_000 } });
      await ok('sam', { type: 'RecordValue', data: { stepId: 'reconcile', fieldId: 'ipc_tablets', value: 1_500 } });
      await ok('sam', {
        type: 'CompleteStep',
        data: { stepId: 'reconcile', ...sign('reviewed'), producedLot: { lotId: 'TAB-B-0001', quantity: 146_000, unit: 'tablets', expiry: '2028-11-30' } },
      });
      await ok('sam', { type: 'CompleteBatch', data: {} });

      // The record.
      const batch = (await engine.load<BatchState>('batch', batchId)).state;
      expect(batch.status).toBe('completed');
      expect(batch.values.yield?.value).toBe(97.3);
      expect(batch.values.accountability?.value).toBe(99.7);
      expect(batch.values.hardness).toMatchObject({ rounds: 3, evaluation: 'in_spec' });
      expect(Object.values(batch.steps).every((s) => s.status === 'done')).toBe(true);
      const api = (await engine.load<LotState>('lot', 'API-2611')).state;
      expect(api.onHand).toBe(498.5);
      expect(api.consumptions).toEqual([{ batchId, stepId: 'dispense-api', quantity: 1.5 }]);
      const granulate = (await engine.load<LotState>('lot', 'GRAN-B-0001')).state;
      expect(granulate).toMatchObject({ producedBy: batchId, onHand: 0 });
      expect((await engine.load<LotState>('lot', 'TAB-B-0001')).state).toMatchObject({ producedBy: batchId, status: 'quarantine', onHand: 146_000 });
      const press = (await engine.load<EquipmentState>('equipment', 'P-01')).state;
      expect(press).toMatchObject({ status: 'dirty', lastUsedBy: batchId });
      const prevented = await store.getDocument<PreventedErrors>('prevented-errors', SITE);
      expect(prevented?.total).toBe(15);
      expect(prevented?.byCode).toMatchObject({ invalid_value: 4, role_not_permitted: 2, sequence_violation: 1, self_verification: 1, not_trained: 1, quantity_out_of_tolerance: 1, material_not_usable: 1, batch_on_hold: 1, deviation_not_dispositioned: 1 });

      // The ledger verifies, and a retried request gets the first answer.
      const retry = await executeBatchCommand(engine, batchId, { type: 'CompleteBatch', data: {} }, await actorOf(engine, 'sam', SITE), {
        idempotencyKey: keyOf('sam', { type: 'CompleteBatch', data: {} }, new Date(now.getTime() - 5 * 60_000)),
      });
      expect(retry).toMatchObject({ ok: true, replayed: true });
      await store.checkpoint();
      const report = await verifyStore(store.backend, { checkpointFile, keysDir });
      expect(report.problems).toEqual([]);
      expect(report.ok).toBe(true);
    });
  });
}
