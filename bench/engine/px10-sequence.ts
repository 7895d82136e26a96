/**
 * The PX10 example batch as the engine benchmark runs it: the command sequence of
 * test/engine/px10-batch.test.ts along its in-spec path (no out-of-spec hardness, so no deviation or hold),
 * with two of the test's refused attempts kept per batch, the kind of mistake people make every batch:
 * the performer trying to verify their own line clearance, and a lactose weighing outside its tolerance.
 *
 * Each batch runs on its own line: `prefix` names its equipment and raw material lots (see
 * src/demo/plant.ts), so that concurrent batches never compete for a piece of equipment.
 */
import type { BatchCommand } from '../../src/domain/execution/batch-commands.ts';

/** Who issues a command (a person of src/demo/plant.ts STAFF). */
export type Person = 'olivia' | 'oscar' | 'sam' | 'sara';
export const PEOPLE: readonly Person[] = ['olivia', 'oscar', 'sam', 'sara'];

export interface SequenceItem {
  readonly person: Person;
  readonly command: BatchCommand;
  /** 'ok': must be accepted; otherwise the refusal code it must get. */
  readonly expect: 'ok' | string;
  /** The procedure step this command finishes (its last accepted command: verify, or complete when there is no verification). */
  readonly finishesStep?: string;
}

/** The PX10 steps in the order the sequence finishes them: the BPMN peer's user tasks (bench/engine/px10.bpmn). */
export const PX10_STEPS = [
  'line-clearance',
  'dispense-api',
  'dispense-excipients',
  'granulate',
  'dry',
  'blend',
  'press-setup',
  'compress',
  'reconcile',
] as const;

export const PX10_PROCEDURE = 'PX10-COMPRESSION';
const BATCH_SIZE = 150_000;

const ten = (v: number) => Array.from({ length: 10 }, (_, i) => Math.round((v + (i % 3) * 0.1) * 10) / 10);
const sign = (meaning: 'performed' | 'verified' | 'reviewed') => ({ signature: { meaning } });

/** The commands of one batch, in order. `expiry`: the produced granulate's expiry date (YYYY-MM-DD). */
export function px10Sequence(options: { batchId: string; site: string; version: number; prefix: string; expiry: string }): SequenceItem[] {
  const { batchId, site, version, prefix: p, expiry } = options;
  const out: SequenceItem[] = [];
  const ok = (person: Person, command: BatchCommand, finishesStep?: string) =>
    out.push({ person, command, expect: 'ok', ...(finishesStep !== undefined ? { finishesStep } : {}) });
  const refused = (person: Person, command: BatchCommand, code: string) => out.push({ person, command, expect: code });
  const granulate = `GRAN-${batchId}`;

  ok('sam', { type: 'CreateBatch', data: { batchId, site, procedure: PX10_PROCEDURE, version, batchSize: BATCH_SIZE } });

  ok('olivia', { type: 'StartStep', data: { stepId: 'line-clearance' } });
  ok('olivia', { type: 'RecordValue', data: { stepId: 'line-clearance', fieldId: 'area_clear', value: true } });
  ok('olivia', { type: 'RecordValue', data: { stepId: 'line-clearance', fieldId: 'booth_pressure', value: 15 } });
  ok('olivia', { type: 'CompleteStep', data: { stepId: 'line-clearance' } });
  refused('olivia', { type: 'VerifyStep', data: { stepId: 'line-clearance', ...sign('verified') } }, 'self_verification');
  ok('sam', { type: 'VerifyStep', data: { stepId: 'line-clearance', ...sign('verified') } }, 'line-clearance');

  ok('olivia', { type: 'StartStep', data: { stepId: 'dispense-api', equipment: { 'api-balance': `${p}BAL-01` } } });
  ok('olivia', { type: 'ConsumeMaterial', data: { stepId: 'dispense-api', material: 'api', lotId: `${p}API-2611`, quantity: 1.5, unit: 'kg', balanceId: `${p}BAL-01` } });
  ok('olivia', { type: 'CompleteStep', data: { stepId: 'dispense-api', ...sign('performed') } });
  ok('sam', { type: 'VerifyStep', data: { stepId: 'dispense-api', ...sign('verified') } }, 'dispense-api');

  ok('oscar', { type: 'StartStep', data: { stepId: 'dispense-excipients', equipment: { 'floor-balance': `${p}BAL-02`, 'api-balance': `${p}BAL-01` } } });
  refused(
    'oscar',
    { type: 'ConsumeMaterial', data: { stepId: 'dispense-excipients', material: 'lactose', lotId: `${p}LAC-0907`, quantity: 18.5, unit: 'kg', balanceId: `${p}BAL-02` } },
    'quantity_out_of_tolerance',
  );
  for (const [material, lot, quantity, balance] of [
    ['lactose', 'LAC-0907', 18, 'BAL-02'],
    ['mcc', 'MCC-3310', 9, 'BAL-02'],
    ['ccs', 'CCS-1204', 1200, 'BAL-01'],
    ['mgst', 'MGS-0415', 0.3, 'BAL-01'],
    ['water', 'PW-1125', 9, 'BAL-02'],
  ] as const) {
    const unit = material === 'ccs' ? 'g' : 'kg';
    ok('oscar', { type: 'ConsumeMaterial', data: { stepId: 'dispense-excipients', material, lotId: `${p}${lot}`, quantity, unit, balanceId: `${p}${balance}` } });
  }
  ok('oscar', { type: 'CompleteStep', data: { stepId: 'dispense-excipients' } });
  ok('sara', { type: 'VerifyStep', data: { stepId: 'dispense-excipients', ...sign('verified') } }, 'dispense-excipients');

  ok('olivia', { type: 'StartStep', data: { stepId: 'granulate', equipment: { granulator: `${p}GRN-01` } } });
  ok('olivia', { type: 'RecordValue', data: { stepId: 'granulate', fieldId: 'water_addition_time', value: 4 } });
  ok('olivia', { type: 'RecordValue', data: { stepId: 'granulate', fieldId: 'end_point_power', value: 5.2 } });
  ok('olivia', { type: 'CompleteStep', data: { stepId: 'granulate' } }, 'granulate');
  ok('olivia', { type: 'StartStep', data: { stepId: 'dry', equipment: { dryer: `${p}FBD-01` } } });
  ok('olivia', { type: 'RecordValue', data: { stepId: 'dry', fieldId: 'lod', value: 2.1 } });
  ok('olivia', { type: 'CompleteStep', data: { stepId: 'dry' } }, 'dry');
  ok('olivia', { type: 'StartStep', data: { stepId: 'blend', equipment: { blender: `${p}BLD-01` } } });
  ok('olivia', { type: 'RecordValue', data: { stepId: 'blend', fieldId: 'blend_time', value: 10 } });
  ok('olivia', { type: 'CompleteStep', data: { stepId: 'blend', producedLot: { lotId: granulate, quantity: 30, unit: 'kg', expiry } } }, 'blend');

  ok('oscar', { type: 'StartStep', data: { stepId: 'press-setup', equipment: { press: `${p}P-01` } } });
  ok('oscar', { type: 'RecordValue', data: { stepId: 'press-setup', fieldId: 'press_scanned', value: `${p}P-01` } });
  ok('oscar', { type: 'RecordValue', data: { stepId: 'press-setup', fieldId: 'punch_set', value: 'PX10-P001' } });
  ok('oscar', { type: 'RecordValue', data: { stepId: 'press-setup', fieldId: 'tooling_inspected', value: true } });
  ok('oscar', { type: 'CompleteStep', data: { stepId: 'press-setup' } });
  ok('sam', { type: 'VerifyStep', data: { stepId: 'press-setup', ...sign('verified') } }, 'press-setup');

  ok('olivia', { type: 'StartStep', data: { stepId: 'compress', equipment: { press: `${p}P-01`, tester: `${p}HT-01` } } });
  ok('olivia', { type: 'ConsumeMaterial', data: { stepId: 'compress', material: 'granulate', lotId: granulate, quantity: 30, unit: 'kg' } });
  ok('olivia', { type: 'RecordValue', data: { stepId: 'compress', fieldId: 'hardness', value: ten(10) } });
  ok('olivia', { type: 'RecordValue', data: { stepId: 'compress', fieldId: 'ipc_weight', value: ten(200) } });
  ok('olivia', { type: 'RecordValue', data: { stepId: 'compress', fieldId: 'thickness', value: ten(4.1) } });
  ok('olivia', { type: 'CompleteStep', data: { stepId: 'compress', ...sign('performed') } }, 'compress');

  ok('sam', { type: 'StartStep', data: { stepId: 'reconcile' } });
  ok('sam', { type: 'RecordValue', data: { stepId: 'reconcile', fieldId: 'good_tablets', value: 146_000 } });
  ok('sam', { type: 'RecordValue', data: { stepId: 'reconcile', fieldId: 'rejected_tablets', value: 2_000 } });
  ok('sam', { type: 'RecordValue', data: { stepId: 'reconcile', fieldId: 'ipc_tablets', value: 1_500 } });
  ok(
    'sam',
    { type: 'CompleteStep', data: { stepId: 'reconcile', ...sign('reviewed'), producedLot: { lotId: `TAB-${batchId}`, quantity: 146_000, unit: 'tablets', expiry: '2028-11-30' } } },
    'reconcile',
  );
  ok('sam', { type: 'CompleteBatch', data: {} });
  return out;
}

/** Kilograms of raw material one batch takes from its line's lots at most (lactose: 18 kg, and 18.5 kg refused). */
export const MAX_RAW_KG_PER_BATCH = 18;
