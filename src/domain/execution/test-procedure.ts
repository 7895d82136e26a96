/**
 * Test fixture: PX10-COMPRESSION version 2, after DESIGN.md's sketch, written directly as the normalised
 * definition the engine enforces (no YAML), so execution tests do not depend on the parser.
 *
 * line-clearance → charge → compress → extra-test (only when hardness.mean > 11) → visual-inspection
 * (at least 1 h after compress) → reconcile (signed, produces the tablets).
 */
import type { ProcedureDefinition, StepDefinition } from '../procedure/definition.ts';

export const PROCEDURE = 'PX10-COMPRESSION';
/** The effective version; version 1 is the one people trained long ago. */
export const VERSION = 2;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** Fields every step has unless it says otherwise. */
export const STEP = { after: [], uses: [], consume: [], fields: [], process: [] } satisfies Partial<StepDefinition>;

export const lineClearance: StepDefinition = {
  ...STEP,
  id: 'line-clearance',
  title: 'Line clearance',
  role: 'operator',
  verify: 'supervisor',
  standardMs: 15 * MINUTE,
  fields: [
    {
      id: 'area_clear',
      type: 'check',
      label: 'Area free of previous product',
      required: true,
      expect: true,
      onOutOfSpec: { severity: 'minor', group: 'value', hold: 'none' },
    },
  ],
};

export const charge: StepDefinition = {
  ...STEP,
  id: 'charge',
  title: 'Charge granulate',
  after: ['line-clearance'],
  role: 'operator',
  consume: [{ material: 'granulate', quantity: { expression: 'batch_size * 0.00025', unit: 'kg' }, tolerance: { percent: 0.5 }, weighOn: 'balance' }],
  fields: [{ id: 'container_lot', type: 'lot', label: 'Granulate container lot', required: false, material: 'granulate' }],
};

export const compress: StepDefinition = {
  ...STEP,
  id: 'compress',
  title: 'Compress tablets',
  after: ['charge'],
  role: 'operator',
  within: { of: 'charge', maxMs: 4 * HOUR, ref: { document: 'SOP-PRD-014', clause: '5.2' } },
  uses: ['press'],
  fields: [
    {
      id: 'hardness',
      type: 'number',
      label: 'Hardness',
      required: true,
      unit: 'kP',
      samples: 10,
      limits: { spec: { min: 8, max: 12 }, alert: { min: 9, max: 11 } },
      onOutOfSpec: { severity: 'major', group: 'value', hold: 'batch', ref: { document: 'SOP-PRD-014', clause: '5.3' } },
    },
    { id: 'press_id', type: 'equipment', label: 'Press used', required: false, equipment: 'press' },
  ],
  repeat: { everyMs: 30 * MINUTE, fields: ['hardness'] },
  process: [{ tag: 'press/compression-force', unit: 'kN', limits: { spec: { min: 10, max: 20 } }, onOutOfSpec: { severity: 'minor', group: 'process', hold: 'none' } }],
};

export const extraTest: StepDefinition = {
  ...STEP,
  id: 'extra-test',
  title: 'Extra friability test',
  after: ['compress'],
  when: 'hardness.mean > 11.0',
  role: 'operator',
  fields: [
    {
      id: 'friability',
      type: 'number',
      label: 'Friability',
      required: true,
      unit: '%',
      samples: 1,
      limits: { spec: { max: 1 } },
      onOutOfSpec: { severity: 'minor', group: 'value', hold: 'step' },
    },
  ],
};

export const visualInspection: StepDefinition = {
  ...STEP,
  id: 'visual-inspection',
  title: 'Visual inspection',
  after: ['extra-test'],
  wait: { after: 'compress', minMs: HOUR },
  role: 'operator',
  fields: [
    {
      id: 'appearance',
      type: 'choice',
      label: 'Tablet appearance',
      required: true,
      options: ['conforming', 'chipped', 'capped'],
      expect: ['conforming'],
      onOutOfSpec: { severity: 'minor', group: 'value', hold: 'step' },
    },
    { id: 'container_label', type: 'text', label: 'Container label', required: true, pattern: 'C-[0-9]{4}', maxLength: 20 },
    { id: 'remark', type: 'text', label: 'Remark', required: false, maxLength: 10 },
  ],
};

export const reconcile: StepDefinition = {
  ...STEP,
  id: 'reconcile',
  title: 'Reconcile yield',
  after: ['visual-inspection'],
  role: 'supervisor',
  sign: 'reviewed',
  fields: [
    { id: 'good_tablets', type: 'number', label: 'Good tablets', required: true, unit: 'tablets', samples: 1 },
    {
      id: 'yield',
      type: 'number',
      label: 'Yield',
      required: true,
      unit: '%',
      samples: 1,
      decimals: 2,
      compute: 'good_tablets / batch_size * 100.0',
      limits: { spec: { min: 95, max: 101 } },
      onOutOfSpec: { severity: 'minor', group: 'value', hold: 'none' },
    },
  ],
  produce: { material: 'tablets' },
};

/** PX10-COMPRESSION v2: 50,000–200,000 tablets; 25 kg of granulate for the nominal 100,000. */
export const procedure: ProcedureDefinition = {
  procedure: PROCEDURE,
  title: 'Product X 10 mg tablets — compression',
  kind: 'batch',
  product: 'PX10',
  sop: { document: 'SOP-PRD-014' },
  batchSize: { unit: 'tablets', min: 50_000, max: 200_000, nominal: 100_000 },
  parameters: { tablet_mass: { value: 250, unit: 'mg', description: 'Target tablet mass' } },
  equipment: {
    press: { class: 'tablet-press', require: ['clean', 'calibrated'] },
    balance: { class: 'balance', require: ['calibrated'] },
  },
  materials: {
    granulate: { material: 'PX10-GRAN', require: ['released', 'in-date'] },
    tablets: { material: 'PX10-TAB', require: [] },
  },
  unitProcedures: [],
  steps: [lineClearance, charge, compress, extraTest, visualInspection, reconcile],
};

/** Step ids in document order. */
export const STEP_IDS = procedure.steps.map((s) => s.id);
