/**
 * The checker, as a table of broken procedures: each small YAML document has one mistake, and the test names
 * the diagnostic code, the words its message must contain, and the line it must be reported at.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { checkProcedure } from './check.ts';
import type { ProcedureDefinition } from './definition.ts';
import { parseProcedure } from './parse.ts';

interface Row {
  readonly name: string;
  readonly yaml: string;
  readonly code: string;
  readonly words: readonly string[];
  readonly line: number;
  readonly severity?: 'error' | 'warning';
}

const ROWS: Row[] = [
  {
    name: 'YAML syntax: an unclosed flow map',
    yaml: `procedure: T
title: Test
steps:
  - { id: a, role: operator
  - id: b
`,
    code: 'yaml_syntax',
    words: ['flow map'],
    line: 5,
  },
  {
    name: 'a misspelt key',
    yaml: `procedure: T
title: Test
materials: { granulate: { material: G } }
steps:
  - id: a
    role: operator
    consume: { material: granulate, quantity: 25 kg, tolrance: 1% }
`,
    code: 'unknown_key',
    words: ["'tolrance'", "did you mean 'tolerance'"],
    line: 7,
  },
  {
    name: 'a step without a role',
    yaml: `procedure: T
title: Test
steps:
  - id: a
    title: Weigh
`,
    code: 'missing_key',
    words: ["'role' is required", 'performs the step'],
    line: 4,
  },
  {
    name: 'a quantity without a unit',
    yaml: `procedure: T
title: Test
materials: { granulate: { material: G } }
steps:
  - id: a
    role: operator
    consume: { material: granulate, quantity: 25 }
`,
    code: 'wrong_type',
    words: ["'quantity'", '"25 kg"'],
    line: 7,
  },
  {
    name: 'an unknown field type',
    yaml: `procedure: T
title: Test
steps:
  - id: a
    role: operator
    record:
      - { id: x, type: numbr }
`,
    code: 'invalid_value',
    words: ["'type'", "did you mean 'number'"],
    line: 7,
  },
  {
    name: 'samples below 1',
    yaml: `procedure: T
title: Test
steps:
  - id: a
    role: operator
    record:
      - { id: x, type: number, unit: kP, samples: 0, limits: { spec: [8, 12] } }
`,
    code: 'out_of_range',
    words: ["'samples'", 'at least 1'],
    line: 7,
  },
  {
    name: 'a check that expects something other than true or false',
    yaml: `procedure: T
title: Test
steps:
  - id: a
    role: operator
    record:
      - { id: clear, type: check, expect: "yes" }
`,
    code: 'wrong_type',
    words: ["'expect'", 'true or false'],
    line: 7,
  },
  {
    name: 'two steps with the same id',
    yaml: `procedure: T
title: Test
steps:
  - { id: weigh, role: operator }
  - { id: weigh, role: operator }
`,
    code: 'duplicate_step_id',
    words: ["'weigh'", 'unique'],
    line: 5,
  },
  {
    name: 'a field id used in two steps',
    yaml: `procedure: T
title: Test
steps:
  - id: a
    role: operator
    record: [{ id: weight, type: number, unit: kg, limits: { spec: [1, 2] }, onOutOfSpec: { deviation: minor } }]
  - id: b
    role: operator
    record: [{ id: weight, type: number, unit: kg, limits: { spec: [1, 2] }, onOutOfSpec: { deviation: minor } }]
`,
    code: 'duplicate_field_id',
    words: ["'weight'", "step 'a'", 'across the procedure'],
    line: 9,
  },
  {
    name: 'after names a step that does not exist',
    yaml: `procedure: T
title: Test
steps:
  - { id: charge, role: operator }
  - { id: compress, role: operator, after: [chrage] }
`,
    code: 'unknown_step',
    words: ["'chrage'", "did you mean 'charge'"],
    line: 5,
  },
  {
    name: 'a hold-time limit from a step that does not exist',
    yaml: `procedure: T
title: Test
steps:
  - { id: granulate, role: operator }
  - id: dry
    role: operator
    within: { of: granulation, max: 2h }
`,
    code: 'unknown_step',
    words: ['hold-time limit', "'granulation'"],
    line: 7,
  },
  {
    name: 'a wait after a step that does not exist',
    yaml: `procedure: T
title: Test
steps:
  - { id: rinse, role: operator }
  - id: sanitise
    role: operator
    wait: { after: rinsing, min: 30m }
`,
    code: 'unknown_step',
    words: ['waits after', "'rinsing'"],
    line: 7,
  },
  {
    name: 'uses equipment that is not declared',
    yaml: `procedure: T
title: Test
equipment: { press: { class: tablet-press } }
steps:
  - { id: a, role: operator, uses: [press, tester] }
`,
    code: 'unknown_equipment',
    words: ["'tester'", "procedure's equipment"],
    line: 5,
  },
  {
    name: 'weighs on a balance that is not declared',
    yaml: `procedure: T
title: Test
materials: { api: { material: A } }
steps:
  - id: a
    role: operator
    consume: { material: api, quantity: 2 kg, tolerance: 0.5%, weighOn: balance }
`,
    code: 'unknown_equipment',
    words: ["'balance'"],
    line: 7,
  },
  {
    name: 'consumes a material that is not declared',
    yaml: `procedure: T
title: Test
materials: { granulate: { material: G } }
steps:
  - id: a
    role: operator
    consume:
      - { material: granulat, quantity: 25 kg }
`,
    code: 'unknown_material',
    words: ["'granulat'", "did you mean 'granulate'"],
    line: 8,
  },
  {
    name: 'produces a material that is not declared',
    yaml: `procedure: T
title: Test
steps:
  - id: a
    role: operator
    produce: { material: tablets }
`,
    code: 'unknown_material',
    words: ["'tablets'", 'declares none'],
    line: 6,
  },
  {
    name: 'a lot scan of a material that is not declared',
    yaml: `procedure: T
title: Test
steps:
  - id: a
    role: operator
    record:
      - { id: api_lot, type: lot, material: api }
`,
    code: 'unknown_material',
    words: ["'api'"],
    line: 7,
  },
  {
    name: 'an equipment scan of an alias that is not declared',
    yaml: `procedure: T
title: Test
steps:
  - id: a
    role: operator
    record:
      - { id: press_id, type: equipment, equipment: press }
`,
    code: 'unknown_equipment',
    words: ["'press'"],
    line: 7,
  },
  {
    name: 'a unit procedure that is not declared',
    yaml: `procedure: T
title: Test
unitProcedures:
  - { id: granulation, title: Granulation }
steps:
  - { id: a, role: operator, unitProcedure: granulaton }
`,
    code: 'unknown_unit_procedure',
    words: ["'granulaton'", "did you mean 'granulation'"],
    line: 6,
  },
  {
    name: 'an operation of another unit procedure',
    yaml: `procedure: T
title: Test
unitProcedures:
  - { id: granulation, title: Granulation, operations: [{ id: drying, title: Drying }] }
  - { id: compression, title: Compression, operations: [{ id: run, title: Run }] }
steps:
  - id: a
    role: operator
    unitProcedure: granulation
    operation: run
`,
    code: 'unknown_operation',
    words: ["'run'", "unit procedure 'granulation'", 'drying'],
    line: 10,
  },
  {
    name: 'an operation without its unit procedure',
    yaml: `procedure: T
title: Test
steps:
  - { id: a, role: operator, operation: drying }
`,
    code: 'operation_without_unit_procedure',
    words: ["'drying'", 'unitProcedure'],
    line: 4,
  },
  {
    name: 'a repeated check of a field of another step',
    yaml: `procedure: T
title: Test
steps:
  - id: compress
    role: operator
    record: [{ id: hardness, type: number, unit: kP, limits: { spec: [8, 12] }, onOutOfSpec: { deviation: major } }]
    repeat:
      every: 30m
      record: [hardnes]
`,
    code: 'repeat_unknown_field',
    words: ["'hardnes'", 'not a field of this step', "did you mean 'hardness'"],
    line: 9,
  },
  {
    name: 'a repeat without fields',
    yaml: `procedure: T
title: Test
steps:
  - id: compress
    role: operator
    repeat: { every: 30m }
`,
    code: 'repeat_without_fields',
    words: ["'compress'", 'names no fields'],
    line: 6,
  },
  {
    name: 'steps waiting for each other in a circle',
    yaml: `procedure: T
title: Test
steps:
  - { id: a, role: operator, after: [c] }
  - { id: b, role: operator, after: [a] }
  - { id: c, role: operator, after: [b] }
`,
    code: 'after_cycle',
    words: ['a → b → c → a'],
    line: 4,
  },
  {
    name: 'a step after a circle can never become ready',
    yaml: `procedure: T
title: Test
steps:
  - { id: a, role: operator, after: [b] }
  - { id: b, role: operator, after: [a] }
  - id: c
    role: operator
    after: [b]
`,
    code: 'unreachable_step',
    words: ["step 'c' can never become ready", 'a → b → a'],
    line: 8,
  },
  {
    name: 'a hold-time limit from a step that does not come before',
    yaml: `procedure: T
title: Test
steps:
  - { id: granulate, role: operator }
  - { id: clean-room, role: operator, after: [] }
  - id: dry
    role: operator
    after: [clean-room]
    within: { of: granulate, max: 4h }
`,
    code: 'within_not_before',
    words: ["'granulate'", '4 h', 'does not come before'],
    line: 9,
  },
  {
    name: 'a minimum wait after a step that does not come before',
    yaml: `procedure: T
title: Test
steps:
  - { id: rinse, role: operator }
  - { id: label, role: operator, after: [] }
  - id: sanitise
    role: operator
    after: [label]
    wait: { after: rinse, min: 30m }
`,
    code: 'wait_not_before',
    words: ["'rinse'", '30 min'],
    line: 9,
  },
  {
    name: 'a condition that does not parse',
    yaml: `procedure: T
title: Test
steps:
  - { id: a, role: operator }
  - id: b
    role: operator
    when: batch_size >
`,
    code: 'expression_syntax',
    words: ['in its condition', 'syntax error'],
    line: 7,
  },
  {
    name: 'a calculation that reads an unknown name',
    yaml: `procedure: T
title: Test
steps:
  - id: reconcile
    role: supervisor
    record:
      - { id: good_tablets, type: number, unit: tablets, limits: { spec: [0, null] }, onOutOfSpec: { deviation: minor } }
      - { id: yield, type: number, unit: "%", compute: good_tablet / 1000, limits: { spec: [95, 101] }, onOutOfSpec: { deviation: major } }
`,
    code: 'unknown_name',
    words: ["'good_tablet'", "calculation of 'yield'", "did you mean 'good_tablets'"],
    line: 8,
  },
  {
    name: 'a condition that reads a field recorded in a step that does not come before it',
    yaml: `procedure: T
title: Test
steps:
  - id: compress
    role: operator
    when: hardness.mean > 9
  - id: ipc
    role: operator
    record:
      - { id: hardness, type: number, unit: kP, samples: 10, limits: { spec: [8, 12] }, onOutOfSpec: { deviation: major } }
`,
    code: 'field_not_before',
    words: ["step 'compress' reads 'hardness' in its condition", "recorded in step 'ipc' which does not come before it"],
    line: 6,
  },
  {
    name: 'a calculation that reads a later field of its own step',
    yaml: `procedure: T
title: Test
steps:
  - id: weigh
    role: operator
    record:
      - { id: net, type: number, unit: kg, compute: gross * 0.98 }
      - { id: gross, type: number, unit: kg, limits: { spec: [0, 50] }, onOutOfSpec: { deviation: minor } }
`,
    code: 'field_not_before',
    words: ["'gross'", "calculation of 'net'", 'this step after it'],
    line: 7,
  },
  {
    name: 'a condition that gives a number',
    yaml: `procedure: T
title: Test
parameters: { rework_rate: 0.1 }
steps:
  - id: a
    role: operator
    when: rework_rate * 2
`,
    code: 'condition_not_boolean',
    words: ['gives a number', 'true or false'],
    line: 7,
  },
  {
    name: 'a calculation of text and a number',
    yaml: `procedure: T
title: Test
steps:
  - id: a
    role: operator
    record:
      - { id: lot_code, type: text }
      - { id: x, type: number, unit: kg, compute: lot_code * 2 }
`,
    code: 'expression_type',
    words: ['cannot multiply text and a number'],
    line: 8,
  },
  {
    name: 'a quantity that reads batch_size without a batch size',
    yaml: `procedure: T
title: Test
kind: batch
parameters: { api_per_tablet: 0.00001 }
materials: { api: { material: A } }
steps:
  - id: a
    role: operator
    consume: { material: api, quantity: { expr: batch_size * api_per_tablet, unit: kg } }
`,
    code: 'missing_batch_size',
    words: ['batch_size', 'no batchSize'],
    line: 9,
  },
  {
    name: 'a number without a unit',
    yaml: `procedure: T
title: Test
steps:
  - id: a
    role: operator
    record:
      - { id: lod, type: number, limits: { spec: [1, 3] }, onOutOfSpec: { deviation: major } }
`,
    code: 'number_without_unit',
    words: ["'lod'", 'no unit'],
    line: 7,
  },
  {
    name: 'a measured number without limits',
    yaml: `procedure: T
title: Test
steps:
  - id: a
    role: operator
    record:
      - { id: temperature, type: number, unit: °C }
`,
    code: 'number_without_limits',
    words: ["'temperature'", 'no limits'],
    line: 7,
    severity: 'warning',
  },
  {
    name: 'spec limits upside down',
    yaml: `procedure: T
title: Test
steps:
  - id: a
    role: operator
    record:
      - id: hardness
        type: number
        unit: kP
        limits: { spec: [12, 8] }
        onOutOfSpec: { deviation: major }
`,
    code: 'limits_inverted',
    words: ['upside down', '12', '8'],
    line: 10,
  },
  {
    name: 'alert limits outside the spec',
    yaml: `procedure: T
title: Test
steps:
  - id: a
    role: operator
    record:
      - id: hardness
        type: number
        unit: kP
        limits:
          spec: [8, 12]
          alert: [7, 11]
        onOutOfSpec: { deviation: major }
`,
    code: 'alert_outside_spec',
    words: ['[7, 11]', '[8, 12]', 'not inside'],
    line: 12,
  },
  {
    name: 'a role OpenBES does not have',
    yaml: `procedure: T
title: Test
steps:
  - id: a
    role: operater
`,
    code: 'unknown_role',
    words: ["'operater'", "did you mean 'operator'"],
    line: 5,
  },
  {
    name: 'a step performed by an administrator',
    yaml: `procedure: T
title: Test
steps:
  - id: a
    role: admin
`,
    code: 'admin_not_permitted',
    words: ['administrators', 'GMP'],
    line: 5,
  },
  {
    name: 'verified by the role that performs it',
    yaml: `procedure: T
title: Test
steps:
  - id: a
    role: operator
    verify: operator
`,
    code: 'same_role_verification',
    words: ['two different people', 'operator'],
    line: 6,
    severity: 'warning',
  },
  {
    name: 'a choice that expects an option it does not offer',
    yaml: `procedure: T
title: Test
steps:
  - id: a
    role: operator
    record:
      - { id: grade, type: choice, options: [A, B, C], expect: [A, E], onOutOfSpec: { deviation: minor } }
`,
    code: 'expect_not_an_option',
    words: ["'E'", 'A, B, C'],
    line: 7,
  },
  {
    name: 'a clause reference without an sop to take the document from',
    yaml: `procedure: T
title: Test
steps:
  - id: a
    role: operator
    ref: §5.3
`,
    code: 'ref_without_document',
    words: ['clause', 'no sop'],
    line: 6,
  },
  {
    name: 'an absolute tolerance in another unit than the quantity',
    yaml: `procedure: T
title: Test
equipment: { balance: { class: balance } }
materials: { api: { material: A } }
steps:
  - id: a
    role: operator
    uses: [balance]
    consume: { material: api, quantity: 2 kg, tolerance: 5 g, weighOn: balance }
`,
    code: 'tolerance_unit',
    words: ['in g', 'in kg'],
    line: 9,
  },
  {
    name: 'a field named like a parameter',
    yaml: `procedure: T
title: Test
parameters: { target: 10 }
steps:
  - id: a
    role: operator
    record:
      - { id: target, type: number, unit: kg, compute: "1 + 1" }
`,
    code: 'name_clash',
    words: ["'target'", 'parameter'],
    line: 8,
  },
  {
    name: 'an expression language keyword as a field id',
    yaml: `procedure: T
title: Test
steps:
  - id: a
    role: operator
    record:
      - { id: in, type: check }
`,
    code: 'reserved_name',
    words: ["'in'", 'reserved'],
    line: 7,
  },
  {
    name: 'spec limits without an exception path',
    yaml: `procedure: T
title: Test
steps:
  - id: a
    role: operator
    record:
      - { id: lod, type: number, unit: "%", limits: { spec: [1, 3] } }
`,
    code: 'default_exception_path',
    words: ["'lod'", 'minor deviation'],
    line: 7,
    severity: 'warning',
  },
  {
    name: 'a weighing without a tolerance',
    yaml: `procedure: T
title: Test
equipment: { balance: { class: balance } }
materials: { api: { material: A } }
steps:
  - id: a
    role: operator
    uses: [balance]
    consume: { material: api, quantity: 2 kg, weighOn: balance }
`,
    code: 'consume_without_tolerance',
    words: ["'api'", 'any weight'],
    line: 9,
    severity: 'warning',
  },
  {
    name: 'a serial number pattern that is not a regular expression',
    yaml: `procedure: T
title: Test
steps:
  - id: a
    role: operator
    record:
      - { id: serial, type: text, pattern: "IP200-[0-9" }
`,
    code: 'invalid_pattern',
    words: ["'serial'", 'regular expression'],
    line: 7,
  },
  {
    name: 'a batch size range upside down',
    yaml: `procedure: T
title: Test
batchSize: { unit: tablets, min: 300000, max: 150000 }
steps:
  - { id: a, role: operator }
`,
    code: 'batch_size_range',
    words: ['300000', '150000'],
    line: 3,
  },
  {
    name: 'equipment declared but never used',
    yaml: `procedure: T
title: Test
equipment:
  press: { class: tablet-press }
steps:
  - { id: a, role: operator }
`,
    code: 'unused_equipment',
    words: ["'press'", 'no step uses it'],
    line: 4,
    severity: 'warning',
  },
];

describe('checker diagnostics, one broken procedure each', () => {
  it('covers many checks', () => {
    expect(ROWS.length).toBeGreaterThanOrEqual(25);
  });

  it.each(ROWS.map((row) => [row.name, row] as const))('%s', (_name, row) => {
    const result = parseProcedure(row.yaml, 'broken.yaml');
    const found = result.diagnostics.filter((d) => d.code === row.code);
    expect(found, JSON.stringify(result.diagnostics, null, 2)).toHaveLength(1);
    const d = found[0]!;
    expect(d.severity).toBe(row.severity ?? 'error');
    for (const word of row.words) expect(d.message).toContain(word);
    expect(d.line).toBe(row.line);
    expect(d.column).toBeGreaterThanOrEqual(1);
    expect(d.file).toBe('broken.yaml');
    expect(result.ok).toBe((row.severity ?? 'error') === 'warning' && result.diagnostics.every((x) => x.severity === 'warning'));
  });
});

describe('checkProcedure on definitions', () => {
  const parsed = parseProcedure(readFileSync(resolve(import.meta.dirname, '../../../examples/procedures/px10-compression.yaml'), 'utf8'));
  if (!parsed.ok) throw new Error('the PX10 example must parse');
  const px10 = parsed.definition;
  const withStep = (change: (s: ProcedureDefinition['steps'][number]) => ProcedureDefinition['steps'][number]): ProcedureDefinition => ({
    ...px10,
    steps: px10.steps.map((s, i) => (i === 0 ? change(s) : s)),
  });

  it('finds nothing wrong with a clean procedure', () => {
    expect(checkProcedure(px10)).toEqual([]);
  });

  it('with the site\'s role holders, a same-role verification is an error when one person holds the role', () => {
    const def = withStep((s) => ({ ...s, role: 'supervisor', verify: 'supervisor' }));
    const one = checkProcedure(def, { roleHolders: { supervisor: 1 } }).filter((d) => d.code === 'same_role_verification');
    expect(one).toMatchObject([{ severity: 'error', step: 'line-clearance', path: ['steps', 0, 'verify'] }]);
    expect(one[0]!.message).toContain('only one person holds');
    expect(checkProcedure(def, { roleHolders: { supervisor: 2 } }).filter((d) => d.code === 'same_role_verification')).toEqual([]);
    expect(checkProcedure(def).filter((d) => d.code === 'same_role_verification')).toMatchObject([{ severity: 'warning' }]);
  });

  it('reports samples below 1 and samples on a calculated field, which the YAML schema cannot reach', () => {
    const fields = px10.steps[0]!.fields;
    const def = withStep((s) => ({
      ...s,
      fields: [...fields, { id: 'n', label: 'N', required: true, type: 'number', unit: 'kg', samples: 0, limits: { spec: { min: 1 } } }, { id: 'c', label: 'C', required: true, type: 'number', unit: 'kg', samples: 3, compute: '1.0' }],
    }));
    const codes = checkProcedure(def).map((d) => d.code);
    expect(codes).toContain('samples_too_small');
    expect(codes).toContain('computed_samples');
  });

  it('names a step that comes after itself', () => {
    const def = withStep((s) => ({ ...s, after: [s.id] }));
    const cycle = checkProcedure(def).find((d) => d.code === 'after_cycle');
    expect(cycle?.message).toContain("'line-clearance' comes after itself");
  });
});
