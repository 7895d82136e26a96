/**
 * The PX10 example batch as people run it: the command sequence of test/engine/px10-batch.test.ts, used by
 * the engine benchmark, the demo plant's history and its simulator. By default it is the in-spec path (no
 * out-of-spec hardness, so no deviation or hold) with two refused attempts, the kind of mistake people make
 * every batch: the performer trying to verify their own line clearance, and a lactose weighing outside its
 * tolerance. Variants add an out-of-spec hardness check (a deviation that holds the batch until QA releases
 * it) and other everyday mistakes, each of which the engine must refuse with its code.
 *
 * Each batch runs on its own line: `prefix` names its equipment and raw material lots (see
 * src/demo/plant.ts), so that concurrent batches never compete for a piece of equipment. `minutes` on an
 * item is the time that passes before it, roughly the step's standard time, for runs in simulated time.
 */
import type { BatchCommand } from '../domain/execution/batch-commands.ts';

/** Who issues a command (a person of src/demo/plant.ts STAFF). */
export type Person = 'olivia' | 'oscar' | 'sam' | 'sara' | 'quinn' | 'uma' | 'erin';
export const PEOPLE: readonly Person[] = ['olivia', 'oscar', 'sam', 'sara', 'quinn', 'uma', 'erin'];

export interface SequenceItem {
  readonly person: Person;
  readonly command: BatchCommand;
  /** 'ok': must be accepted; otherwise the refusal code it must get. */
  readonly expect: 'ok' | string;
  /** The procedure step this command finishes (its last accepted command: verify, or complete when there is no verification). */
  readonly finishesStep?: string;
  /** Minutes that pass before this command, in a run on simulated time. */
  readonly minutes?: number;
  /** Before the command: QA works this deviation through its routed decisions (src/demo/deviation-decisions.ts). */
  readonly decideDeviation?: string;
}

/** Mistakes a variant can add, each refused by the engine with the code in {@link MISTAKE_CODES}. */
export const MISTAKES = ['start_too_early', 'untrained_operator', 'unsigned_completion', 'wrong_lot', 'bad_punch_set'] as const;
export type Mistake = (typeof MISTAKES)[number];
export const MISTAKE_CODES: Readonly<Record<Mistake, string>> = {
  start_too_early: 'sequence_violation',
  untrained_operator: 'not_trained',
  unsigned_completion: 'signature_required',
  wrong_lot: 'material_not_usable',
  bad_punch_set: 'invalid_value',
};

export interface ScriptOptions {
  readonly batchId: string;
  readonly site: string;
  readonly version: number;
  readonly prefix: string;
  /** The produced granulate's expiry date (YYYY-MM-DD). */
  readonly expiry: string;
  /** A hardness check out of spec during compression: deviation, batch hold, QA release, re-test. */
  readonly outOfSpec?: boolean;
  /** Extra refused attempts, on top of the two every batch has. */
  readonly mistakes?: readonly Mistake[];
  /** In-process control rounds during compression, 30 minutes apart (default 1: the benchmark's path). */
  readonly ipcRounds?: number;
  /** Mean tablet hardness in kP (spec 8–12); the default is 10. */
  readonly hardness?: number;
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

/** The commands of one batch, in order. */
export function px10Sequence(options: ScriptOptions): SequenceItem[] {
  const { batchId, site, version, prefix: p, expiry } = options;
  const mistakes = new Set(options.mistakes ?? []);
  const out: SequenceItem[] = [];
  let pause = 0;
  /** Time passes before the next command. */
  const wait = (minutes: number) => {
    pause += minutes;
  };
  const push = (item: SequenceItem) => {
    out.push(pause > 0 ? { ...item, minutes: pause } : item);
    pause = 0;
  };
  const ok = (person: Person, command: BatchCommand, finishesStep?: string) => push({ person, command, expect: 'ok', ...(finishesStep !== undefined ? { finishesStep } : {}) });
  const refused = (person: Person, command: BatchCommand, code: string) => push({ person, command, expect: code });
  const granulate = `GRAN-${batchId}`;
  const hardness = options.hardness ?? 10;

  ok('sam', { type: 'CreateBatch', data: { batchId, site, procedure: PX10_PROCEDURE, version, batchSize: BATCH_SIZE } });

  wait(5);
  if (mistakes.has('start_too_early')) refused('olivia', { type: 'StartStep', data: { stepId: 'granulate', equipment: { granulator: `${p}GRN-01` } } }, 'sequence_violation');
  ok('olivia', { type: 'StartStep', data: { stepId: 'line-clearance' } });
  wait(12);
  ok('olivia', { type: 'RecordValue', data: { stepId: 'line-clearance', fieldId: 'area_clear', value: true } });
  ok('olivia', { type: 'RecordValue', data: { stepId: 'line-clearance', fieldId: 'booth_pressure', value: 15 } });
  ok('olivia', { type: 'CompleteStep', data: { stepId: 'line-clearance' } });
  wait(3);
  refused('olivia', { type: 'VerifyStep', data: { stepId: 'line-clearance', ...sign('verified') } }, 'self_verification');
  ok('sam', { type: 'VerifyStep', data: { stepId: 'line-clearance', ...sign('verified') } }, 'line-clearance');

  wait(5);
  if (mistakes.has('untrained_operator')) refused('uma', { type: 'StartStep', data: { stepId: 'dispense-api', equipment: { 'api-balance': `${p}BAL-01` } } }, 'not_trained');
  ok('olivia', { type: 'StartStep', data: { stepId: 'dispense-api', equipment: { 'api-balance': `${p}BAL-01` } } });
  wait(15);
  ok('olivia', { type: 'ConsumeMaterial', data: { stepId: 'dispense-api', material: 'api', lotId: `${p}API-2611`, quantity: 1.5, unit: 'kg', balanceId: `${p}BAL-01` } });
  if (mistakes.has('unsigned_completion')) refused('olivia', { type: 'CompleteStep', data: { stepId: 'dispense-api' } }, 'signature_required');
  ok('olivia', { type: 'CompleteStep', data: { stepId: 'dispense-api', ...sign('performed') } });
  wait(4);
  ok('sam', { type: 'VerifyStep', data: { stepId: 'dispense-api', ...sign('verified') } }, 'dispense-api');

  wait(3);
  ok('oscar', { type: 'StartStep', data: { stepId: 'dispense-excipients', equipment: { 'floor-balance': `${p}BAL-02`, 'api-balance': `${p}BAL-01` } } });
  refused(
    'oscar',
    { type: 'ConsumeMaterial', data: { stepId: 'dispense-excipients', material: 'lactose', lotId: `${p}LAC-0907`, quantity: 18.5, unit: 'kg', balanceId: `${p}BAL-02` } },
    'quantity_out_of_tolerance',
  );
  if (mistakes.has('wrong_lot')) {
    refused('oscar', { type: 'ConsumeMaterial', data: { stepId: 'dispense-excipients', material: 'lactose', lotId: `${p}MCC-3310`, quantity: 18, unit: 'kg', balanceId: `${p}BAL-02` } }, 'material_not_usable');
  }
  wait(20);
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
  wait(6);
  ok('sara', { type: 'VerifyStep', data: { stepId: 'dispense-excipients', ...sign('verified') } }, 'dispense-excipients');

  wait(10);
  ok('olivia', { type: 'StartStep', data: { stepId: 'granulate', equipment: { granulator: `${p}GRN-01` } } });
  wait(40);
  ok('olivia', { type: 'RecordValue', data: { stepId: 'granulate', fieldId: 'water_addition_time', value: 4 } });
  ok('olivia', { type: 'RecordValue', data: { stepId: 'granulate', fieldId: 'end_point_power', value: 5.2 } });
  ok('olivia', { type: 'CompleteStep', data: { stepId: 'granulate' } }, 'granulate');
  wait(15);
  ok('olivia', { type: 'StartStep', data: { stepId: 'dry', equipment: { dryer: `${p}FBD-01` } } });
  wait(85);
  ok('olivia', { type: 'RecordValue', data: { stepId: 'dry', fieldId: 'lod', value: 2.1 } });
  ok('olivia', { type: 'CompleteStep', data: { stepId: 'dry' } }, 'dry');
  wait(20);
  ok('olivia', { type: 'StartStep', data: { stepId: 'blend', equipment: { blender: `${p}BLD-01` } } });
  wait(25);
  ok('olivia', { type: 'RecordValue', data: { stepId: 'blend', fieldId: 'blend_time', value: 10 } });
  ok('olivia', { type: 'CompleteStep', data: { stepId: 'blend', producedLot: { lotId: granulate, quantity: 30, unit: 'kg', expiry } } }, 'blend');

  wait(30);
  ok('oscar', { type: 'StartStep', data: { stepId: 'press-setup', equipment: { press: `${p}P-01` } } });
  wait(20);
  ok('oscar', { type: 'RecordValue', data: { stepId: 'press-setup', fieldId: 'press_scanned', value: `${p}P-01` } });
  if (mistakes.has('bad_punch_set')) refused('oscar', { type: 'RecordValue', data: { stepId: 'press-setup', fieldId: 'punch_set', value: 'P 12' } }, 'invalid_value');
  ok('oscar', { type: 'RecordValue', data: { stepId: 'press-setup', fieldId: 'punch_set', value: 'PX10-P001' } });
  ok('oscar', { type: 'RecordValue', data: { stepId: 'press-setup', fieldId: 'tooling_inspected', value: true } });
  ok('oscar', { type: 'CompleteStep', data: { stepId: 'press-setup' } });
  ok('sam', { type: 'VerifyStep', data: { stepId: 'press-setup', ...sign('verified') } }, 'press-setup');

  wait(10);
  ok('olivia', { type: 'StartStep', data: { stepId: 'compress', equipment: { press: `${p}P-01`, tester: `${p}HT-01` } } });
  ok('olivia', { type: 'ConsumeMaterial', data: { stepId: 'compress', material: 'granulate', lotId: granulate, quantity: 30, unit: 'kg' } });
  // In-process controls: a round at the start, then every 30 minutes while the press runs.
  const round = (hardnessValue: number) => {
    ok('olivia', { type: 'RecordValue', data: { stepId: 'compress', fieldId: 'hardness', value: ten(hardnessValue) } });
    ok('olivia', { type: 'RecordValue', data: { stepId: 'compress', fieldId: 'ipc_weight', value: ten(200) } });
    ok('olivia', { type: 'RecordValue', data: { stepId: 'compress', fieldId: 'thickness', value: ten(4.1) } });
  };
  wait(15);
  round(hardness);
  for (let k = 1; k < (options.ipcRounds ?? 1); k++) {
    wait(28);
    round(hardness);
  }
  if (options.outOfSpec === true) {
    // A true measurement out of spec is recorded, never refused: a deviation holds the batch until QA decides.
    wait(28);
    ok('olivia', { type: 'RecordValue', data: { stepId: 'compress', fieldId: 'hardness', value: ten(7.1) } });
    wait(2);
    refused('olivia', { type: 'CompleteStep', data: { stepId: 'compress', ...sign('performed') } }, 'batch_on_hold');
    wait(20);
    // The hold of a deviation stays until its disposition is decided: triage, investigation, disposition.
    push({ person: 'quinn', command: { type: 'ReleaseHold', data: { holdId: 'H1', reason: 'Disposition decided: continue after press re-adjustment, segregated tablets tested 100 %' } }, expect: 'ok', decideDeviation: `${batchId}-D1` });
    wait(5);
    round(hardness);
  }
  wait(options.outOfSpec === true ? 3 : 20);
  ok('olivia', { type: 'CompleteStep', data: { stepId: 'compress', ...sign('performed') } }, 'compress');
  wait(15);

  ok('sam', { type: 'StartStep', data: { stepId: 'reconcile' } });
  wait(15);
  ok('sam', { type: 'RecordValue', data: { stepId: 'reconcile', fieldId: 'good_tablets', value: 146_000 } });
  ok('sam', { type: 'RecordValue', data: { stepId: 'reconcile', fieldId: 'rejected_tablets', value: 2_000 } });
  ok('sam', { type: 'RecordValue', data: { stepId: 'reconcile', fieldId: 'ipc_tablets', value: 1_500 } });
  ok(
    'sam',
    { type: 'CompleteStep', data: { stepId: 'reconcile', ...sign('reviewed'), producedLot: { lotId: `TAB-${batchId}`, quantity: 146_000, unit: 'tablets', expiry: '2028-11-30' } } },
    'reconcile',
  );
  wait(5);
  ok('sam', { type: 'CompleteBatch', data: {} });
  return out;
}

/** Kilograms of raw material one batch takes from its line's lots at most (lactose: 18 kg, and 18.5 kg refused). */
export const MAX_RAW_KG_PER_BATCH = 18;
