/**
 * A PX10 batch run through the engine for the record tests, signed the way the server signs: each
 * signature carries the stepContentHash of the batch as it stands before the signing command. It holds
 * refused attempts, a correction while the step runs, an out-of-spec hardness (deviation, hold, release),
 * a process excursion of the press, missed in-process rounds, and a correction after the compression step
 * was signed.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BatchCommand } from '../../src/domain/execution/batch-commands.ts';
import type { BatchState } from '../../src/domain/execution/batch-state.ts';
import type { SignatureMeaning } from '../../src/domain/procedure/definition.ts';
import { executeBatchCommand } from '../../src/engine/batch-commands.ts';
import { PROCESS_DATA_ACTOR } from '../../src/domain/execution/decide-process.ts';
import { createEngine, type Engine, type Outcome } from '../../src/engine/engine.ts';
import { actorOf, setUpPlant } from '../../src/demo/plant.ts';
import { stepContentHash } from '../../src/record/step-content.ts';
import { decideDeviationOnce } from '../../src/demo/deviation-decisions.ts';
import { createLedgerStore, type LedgerStore } from '../../src/store/ledger-store.ts';
import { loadOrCreateLedgerKey } from '../../src/store/ledger/signing-key.ts';
import { openSqliteBackend } from '../../src/store/sqlite/backend.ts';
import { openPostgresBackend } from '../../src/store/postgres/backend.ts';
import { createTestDatabase } from '../../src/store/postgres/test-database.ts';
import type { Backend } from '../../src/store/backend.ts';
import { loadConfig } from '../../src/config.ts';
import { openStore } from '../../src/store/open-store.ts';

export const SITE = 'PLANT-A';
export const EXAMPLES = resolve(import.meta.dirname, '../../examples/procedures');

export interface Plant {
  readonly dir: string;
  readonly store: LedgerStore;
  readonly engine: Engine;
  readonly keysDir: string;
  readonly checkpointFile: string;
  readonly clock: { now: Date; advance(minutes: number): void };
  readonly cleanup: () => Promise<void>;
}

function testClock() {
  return {
    now: new Date('2026-11-25T06:00:00.000Z'),
    advance(minutes: number) {
      this.now = new Date(this.now.getTime() + minutes * 60_000);
    },
  };
}

async function plantOn(store: LedgerStore, clock: Plant['clock'], paths: Pick<Plant, 'dir' | 'keysDir' | 'checkpointFile'>, cleanups: (() => Promise<void>)[]): Promise<Plant> {
  cleanups.unshift(() => store.close());
  const engine = createEngine({ store, clock: () => clock.now });
  await setUpPlant(engine, { site: SITE, proceduresDir: EXAMPLES, procedures: ['px10-compression.yaml'] });
  return {
    ...paths,
    store,
    engine,
    clock,
    cleanup: async () => {
      for (const c of cleanups) await c();
    },
  };
}

/** A store (SQLite in a temporary folder, or a fresh PostgreSQL database), the engine and the plant set up. */
export async function openPlant(engineName: 'sqlite' | 'postgres'): Promise<Plant> {
  const dir = await mkdtemp(join(tmpdir(), 'bes-record-'));
  const cleanups: (() => Promise<void>)[] = [() => rm(dir, { recursive: true, force: true })];
  let backend: Backend;
  if (engineName === 'sqlite') backend = openSqliteBackend({ file: join(dir, 'openbes.db') });
  else {
    const db = await createTestDatabase('bes_record');
    cleanups.push(db.drop);
    backend = await openPostgresBackend({ connectionString: db.url });
  }
  const clock = testClock();
  const keysDir = join(dir, 'keys');
  const checkpointFile = join(dir, 'checkpoints.jsonl');
  const key = await loadOrCreateLedgerKey(keysDir, 'plant-a');
  const store = await createLedgerStore({ backend, clock: () => clock.now, checkpoints: { key, file: checkpointFile, everyEvents: 100, everyMs: 0 } });
  return plantOn(store, clock, { dir, keysDir, checkpointFile }, cleanups);
}

/** The plant in a data folder, as `bes serve` would keep it (for the command-line tests); the caller removes the folder. */
export async function openPlantInDataDir(dir: string): Promise<Plant> {
  const config = loadConfig({ data: dir }, {});
  const clock = testClock();
  const store = await openStore(config, { clock: () => clock.now });
  return plantOn(store, clock, { dir, keysDir: config.ledger.keysDir, checkpointFile: config.ledger.checkpointFile }, []);
}

const ten = (v: number) => Array.from({ length: 10 }, (_, i) => Math.round((v + (i % 3) * 0.1) * 10) / 10);

/** Runs a batch; with `until`, stops after that many commands (to leave it in progress). */
export async function runPx10Batch(plant: Plant, batchId: string, options: { until?: number } = {}): Promise<void> {
  const { engine, clock } = plant;
  let commands = 0;
  const as = async (person: string, command: BatchCommand): Promise<Outcome> => {
    const key = createHash('sha256').update(`${batchId}|${person}|${JSON.stringify(command)}|${clock.now.toISOString()}`).digest('hex');
    return executeBatchCommand(engine, batchId, command, await actorOf(engine, person, SITE), { idempotencyKey: key });
  };
  const stop = () => options.until !== undefined && commands >= options.until;
  const ok = async (person: string, command: BatchCommand) => {
    if (stop()) return;
    const outcome = await as(person, command);
    if (!outcome.ok) throw new Error(`${person} ${command.type} refused: [${outcome.refusal.code}] ${outcome.refusal.message}`);
    commands++;
    clock.advance(5);
  };
  const refused = async (person: string, command: BatchCommand, code: string) => {
    if (stop()) return;
    const outcome = await as(person, command);
    if (outcome.ok || outcome.refusal.code !== code) throw new Error(`${person} ${command.type}: expected ${code}, got ${outcome.ok ? 'accepted' : outcome.refusal.code}`);
  };
  const fromProcessData = async (command: BatchCommand) => {
    if (stop()) return;
    const outcome = await executeBatchCommand(engine, batchId, command, { id: PROCESS_DATA_ACTOR, name: 'Process data', site: SITE, roles: [] });
    if (!outcome.ok) throw new Error(`process data ${command.type} refused: [${outcome.refusal.code}] ${outcome.refusal.message}`);
    commands++;
    clock.advance(2);
  };
  // What the server's Signer is given to bind: the step content as the signer sees it before signing.
  const signed = async (meaning: SignatureMeaning, stepId: string) => {
    const batch = (await engine.load<BatchState>('batch', batchId)).state;
    const step = batch.definition!.steps.find((s) => s.id === stepId)!;
    return { signature: { meaning, recordHash: stepContentHash(batch, step) } };
  };

  await refused('olivia', { type: 'CreateBatch', data: { batchId, site: SITE, procedure: 'PX10-COMPRESSION', version: 1, batchSize: 150_000 } }, 'role_not_permitted');
  await ok('sam', { type: 'CreateBatch', data: { batchId, site: SITE, procedure: 'PX10-COMPRESSION', version: 1, batchSize: 150_000, lot: `LOT-${batchId}` } });
  await refused('olivia', { type: 'StartStep', data: { stepId: 'granulate', equipment: { granulator: 'GRN-01' } } }, 'sequence_violation');
  await ok('olivia', { type: 'StartStep', data: { stepId: 'line-clearance' } });
  await ok('olivia', { type: 'RecordValue', data: { stepId: 'line-clearance', fieldId: 'area_clear', value: true } });
  await ok('olivia', { type: 'RecordValue', data: { stepId: 'line-clearance', fieldId: 'booth_pressure', value: 11 } });
  await ok('olivia', { type: 'CorrectValue', data: { stepId: 'line-clearance', fieldId: 'booth_pressure', value: 15, reason: 'read the wrong gauge; booth gauge shows 15 Pa' } });
  await ok('olivia', { type: 'CompleteStep', data: { stepId: 'line-clearance' } });
  await ok('sam', { type: 'VerifyStep', data: { stepId: 'line-clearance', ...(await signed('verified', 'line-clearance')) } });

  await ok('olivia', { type: 'StartStep', data: { stepId: 'dispense-api', equipment: { 'api-balance': 'BAL-01' } } });
  await ok('olivia', { type: 'ConsumeMaterial', data: { stepId: 'dispense-api', material: 'api', lotId: 'API-2611', quantity: 1.5, unit: 'kg', balanceId: 'BAL-01' } });
  await ok('olivia', { type: 'CompleteStep', data: { stepId: 'dispense-api', ...(await signed('performed', 'dispense-api')) } });
  await ok('sam', { type: 'VerifyStep', data: { stepId: 'dispense-api', ...(await signed('verified', 'dispense-api')) } });

  await ok('oscar', { type: 'StartStep', data: { stepId: 'dispense-excipients', equipment: { 'floor-balance': 'BAL-02', 'api-balance': 'BAL-01' } } });
  for (const [material, lotId, quantity, balanceId] of [
    ['lactose', 'LAC-0907', 18, 'BAL-02'],
    ['mcc', 'MCC-3310', 9, 'BAL-02'],
    ['ccs', 'CCS-1204', 1200, 'BAL-01'],
    ['mgst', 'MGS-0415', 0.3, 'BAL-01'],
    ['water', 'PW-1125', 9, 'BAL-02'],
  ] as const) {
    await ok('oscar', { type: 'ConsumeMaterial', data: { stepId: 'dispense-excipients', material, lotId, quantity, unit: material === 'ccs' ? 'g' : 'kg', balanceId } });
  }
  await ok('oscar', { type: 'CompleteStep', data: { stepId: 'dispense-excipients' } });
  await ok('sara', { type: 'VerifyStep', data: { stepId: 'dispense-excipients', ...(await signed('verified', 'dispense-excipients')) } });

  await ok('olivia', { type: 'StartStep', data: { stepId: 'granulate', equipment: { granulator: 'GRN-01' } } });
  await ok('olivia', { type: 'RecordValue', data: { stepId: 'granulate', fieldId: 'water_addition_time', value: 4 } });
  await ok('olivia', { type: 'RecordValue', data: { stepId: 'granulate', fieldId: 'end_point_power', value: 5.2 } });
  await ok('olivia', { type: 'CompleteStep', data: { stepId: 'granulate' } });
  await ok('olivia', { type: 'StartStep', data: { stepId: 'dry', equipment: { dryer: 'FBD-01' } } });
  await ok('olivia', { type: 'RecordValue', data: { stepId: 'dry', fieldId: 'lod', value: 2.1 } });
  await ok('olivia', { type: 'CompleteStep', data: { stepId: 'dry' } });
  await ok('olivia', { type: 'StartStep', data: { stepId: 'blend', equipment: { blender: 'BLD-01' } } });
  await ok('olivia', { type: 'RecordValue', data: { stepId: 'blend', fieldId: 'blend_time', value: 10 } });
  const expiry = new Date(clock.now.getTime() + 30 * 86_400_000).toISOString().slice(0, 10);
  await ok('olivia', { type: 'CompleteStep', data: { stepId: 'blend', producedLot: { lotId: `GRAN-${batchId}`, quantity: 30, unit: 'kg', expiry } } });

  await ok('oscar', { type: 'StartStep', data: { stepId: 'press-setup', equipment: { press: 'P-01' } } });
  await ok('oscar', { type: 'RecordValue', data: { stepId: 'press-setup', fieldId: 'press_scanned', value: 'P-01' } });
  await refused('oscar', { type: 'RecordValue', data: { stepId: 'press-setup', fieldId: 'punch_set', value: 'P 12' } }, 'invalid_value');
  await ok('oscar', { type: 'RecordValue', data: { stepId: 'press-setup', fieldId: 'punch_set', value: 'PX10-P001' } });
  await ok('oscar', { type: 'RecordValue', data: { stepId: 'press-setup', fieldId: 'tooling_inspected', value: true } });
  await ok('oscar', { type: 'CompleteStep', data: { stepId: 'press-setup' } });
  await ok('sam', { type: 'VerifyStep', data: { stepId: 'press-setup', ...(await signed('verified', 'press-setup')) } });

  await ok('olivia', { type: 'StartStep', data: { stepId: 'compress', equipment: { press: 'P-01', tester: 'HT-01' } } });
  await ok('olivia', { type: 'ConsumeMaterial', data: { stepId: 'compress', material: 'granulate', lotId: `GRAN-${batchId}`, quantity: 30, unit: 'kg' } });
  await ok('olivia', { type: 'RecordValue', data: { stepId: 'compress', fieldId: 'hardness', value: ten(10) } });
  await ok('olivia', { type: 'RecordValue', data: { stepId: 'compress', fieldId: 'ipc_weight', value: ten(200) } });
  await ok('olivia', { type: 'RecordValue', data: { stepId: 'compress', fieldId: 'thickness', value: ten(4.1) } });
  clock.advance(30);
  // Out of spec: recorded, never refused; a major deviation holds the batch until QA releases it.
  await ok('olivia', { type: 'RecordValue', data: { stepId: 'compress', fieldId: 'hardness', value: [7.1, 7.3, 7.0, 7.4, 7.2, 7.1, 7.5, 7.0, 7.2, 7.3] } });
  await refused('olivia', { type: 'CompleteStep', data: { stepId: 'compress', ...(await signed('performed', 'compress')) } }, 'batch_on_hold');
  // The hold stays until the deviation's disposition: QA triages, the engineer investigates, QA decides.
  if (!stop()) await decideDeviationOnce(plant.engine, `${batchId}-D1`, SITE, { dir: plant.dir, clock: () => clock.now });
  await ok('quinn', { type: 'ReleaseHold', data: { holdId: 'H1', reason: 'Investigation D1 opened; press adjusted; continue with 100 % hardness testing' } });
  await ok('olivia', { type: 'RecordValue', data: { stepId: 'compress', fieldId: 'hardness', value: ten(10.2) } });
  // The press's compression force leaves its specification for a while: the process data interface reports it.
  await fromProcessData({ type: 'ReportProcessExcursion', data: { stepId: 'compress', tag: 'press/compression-force', value: 21.4 } });
  await fromProcessData({ type: 'EndProcessExcursion', data: { stepId: 'compress', tag: 'press/compression-force', value: 17.9 } });
  await ok('olivia', { type: 'CompleteStep', data: { stepId: 'compress', ...(await signed('performed', 'compress')) } });
  // A supervisor corrects a value of the signed step afterwards: the record must show the signature no longer covers it.
  await ok('sam', { type: 'CorrectValue', data: { stepId: 'compress', fieldId: 'thickness', value: ten(4.2), reason: 'transcription error: gauge printout shows 4.2 mm' } });

  await ok('sam', { type: 'StartStep', data: { stepId: 'reconcile' } });
  await ok('sam', { type: 'RecordValue', data: { stepId: 'reconcile', fieldId: 'good_tablets', value: 146_000 } });
  await ok('sam', { type: 'RecordValue', data: { stepId: 'reconcile', fieldId: 'rejected_tablets', value: 2_000 } });
  await ok('sam', { type: 'RecordValue', data: { stepId: 'reconcile', fieldId: 'ipc_tablets', value: 1_500 } });
  await ok('sam', {
    type: 'CompleteStep',
    data: { stepId: 'reconcile', ...(await signed('reviewed', 'reconcile')), producedLot: { lotId: `TAB-${batchId}`, quantity: 146_000, unit: 'tablets', expiry: '2028-11-30' } },
  });
  await ok('sam', { type: 'CompleteBatch', data: {} });
}
