/** From YAML to definition: what normalisation does, which defaults apply, and where problems are reported. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CheckField, NumberField, ProcedureDefinition, TextField } from './definition.ts';
import { parseProcedure } from './parse.ts';

function parsed(yaml: string): ProcedureDefinition {
  const result = parseProcedure(yaml);
  if (!result.ok) throw new Error(JSON.stringify(result.diagnostics, null, 2));
  return result.definition;
}

const PROCEDURE = `procedure: PX10-COMPRESSION
title: Compression
sop: SOP-PRD-014 rev C
batchSize: { unit: tablets, min: 100000, max: 300000 }
parameters:
  granulate_per_tablet: { value: 0.0002, unit: kg/tablet }
  overage: 1.02
equipment:
  press: { class: tablet-press, require: [clean, calibrated] }
  balance: { class: balance }
materials:
  granulate: { material: PX10-GRAN }
  tablets: { material: PX10-TAB, require: [released] }
steps:
  - id: line-clearance
    role: operator
    verify: supervisor
    standard: 15m
    ref: §5.1
    record:
      - { id: area_clear, type: check, expect: true, onOutOfSpec: { deviation: minor } }
  - id: charge
    role: operator
    uses: [balance]
    consume:
      - { material: granulate, quantity: 25 kg, tolerance: 0.5%, weighOn: balance, ref: SOP-WGH-002 §3 }
      - { material: granulate, quantity: { value: 2.5, unit: kg }, tolerance: ±0.1 kg, weighOn: balance }
      - { material: granulate, quantity: { expr: "batch_size * granulate_per_tablet * overage", unit: kg }, tolerance: 1%, weighOn: balance }
  - id: compress
    role: operator
    uses: [press]
    within: { of: charge, max: 4h, ref: { clause: "7.2" } }
    wait: { after: line-clearance, min: 1h30m }
    record:
      - id: hardness
        type: number
        unit: kP
        samples: 10
        limits: { spec: [8, null], alert: [9, null] }
        onOutOfSpec: { deviation: major }
      - { id: operator_note, type: text, required: false }
    repeat: { every: 30m, record: [hardness] }
    process:
      - { tag: press-01/compression-force, unit: kN, limits: { spec: [10, 20] }, onOutOfSpec: { deviation: critical } }
    produce: { material: tablets }
`;

describe('parseProcedure: normalisation', () => {
  const def = parsed(PROCEDURE);
  const [clearance, charge, compress] = def.steps as [ProcedureDefinition['steps'][number], ProcedureDefinition['steps'][number], ProcedureDefinition['steps'][number]];

  it('turns durations into milliseconds', () => {
    expect(clearance.standardMs).toBe(15 * 60_000);
    expect(compress.within).toEqual({ of: 'charge', maxMs: 4 * 3_600_000, ref: { document: 'SOP-PRD-014 rev C', clause: '7.2' } });
    expect(compress.wait).toEqual({ after: 'line-clearance', minMs: 90 * 60_000 });
    expect(compress.repeat).toEqual({ everyMs: 30 * 60_000, fields: ['hardness'] });
  });

  it('reads quantities written as text, as { value, unit } and as expressions', () => {
    expect(charge.consume.map((c) => c.quantity)).toEqual([
      { value: 25, unit: 'kg' },
      { value: 2.5, unit: 'kg' },
      { expression: 'batch_size * granulate_per_tablet * overage', unit: 'kg' },
    ]);
  });

  it('reads tolerances as percent or absolute', () => {
    expect(charge.consume.map((c) => c.tolerance)).toEqual([{ percent: 0.5 }, { absolute: 0.1 }, { percent: 1 }]);
  });

  it('resolves SOP references; a clause alone takes the document of the procedure', () => {
    expect(def.sop).toEqual({ document: 'SOP-PRD-014 rev C' });
    expect(clearance.ref).toEqual({ document: 'SOP-PRD-014 rev C', clause: '5.1' });
    expect(charge.consume[0]!.ref).toEqual({ document: 'SOP-WGH-002', clause: '3' });
  });

  it('applies the defaults', () => {
    expect(def.kind).toBe('batch');
    expect(clearance.after).toEqual([]);
    expect(charge.after).toEqual(['line-clearance']); // without after: the step before it
    expect(charge.title).toBe('Charge');
    expect(clearance.title).toBe('Line clearance');
    expect(charge.fields).toEqual([]);
    expect(charge.process).toEqual([]);
    expect(def.equipment.balance).toEqual({ class: 'balance', require: [] });
    expect(def.materials.granulate).toEqual({ material: 'PX10-GRAN', require: ['released', 'in-date'] });
    expect(def.materials.tablets!.require).toEqual(['released']);
    expect(def.parameters).toEqual({ granulate_per_tablet: { value: 0.0002, unit: 'kg/tablet' }, overage: { value: 1.02 } });
    expect(def.unitProcedures).toEqual([]);
    const check = clearance.fields[0] as CheckField;
    expect(check).toEqual({ id: 'area_clear', label: 'Area clear', required: true, type: 'check', expect: true, onOutOfSpec: { severity: 'minor', group: 'value', hold: 'none' } });
    const hardness = compress.fields[0] as NumberField;
    expect(hardness.samples).toBe(10);
    expect(hardness.limits).toEqual({ spec: { min: 8 }, alert: { min: 9 } });
    const note = compress.fields[1] as TextField;
    expect(note).toEqual({ id: 'operator_note', label: 'Operator note', required: false, type: 'text', maxLength: 500 });
  });

  it('holds by severity unless told, and groups process excursions as process', () => {
    expect((compress.fields[0] as NumberField).onOutOfSpec).toEqual({ severity: 'major', group: 'value', hold: 'step' });
    expect(compress.process[0]!.onOutOfSpec).toEqual({ severity: 'critical', group: 'process', hold: 'batch' });
  });

  it('keeps steps in document order and warns only about what is doubtful', () => {
    const result = parseProcedure(PROCEDURE);
    expect(def.steps.map((s) => s.id)).toEqual(['line-clearance', 'charge', 'compress']);
    expect(result.diagnostics.map((d) => d.code)).toEqual([]);
  });
});

describe('parseProcedure: where problems are', () => {
  it('reports a YAML syntax error with its line and column', () => {
    const result = parseProcedure('procedure: T\ntitle: "unclosed\nsteps: []\n', 'p.yaml');
    expect(result.ok).toBe(false);
    expect(result.diagnostics).toMatchObject([{ severity: 'error', code: 'yaml_syntax', file: 'p.yaml', line: 4, column: 1 }]);
  });

  it('reports a key written twice', () => {
    const result = parseProcedure('procedure: T\ntitle: A\ntitle: B\nsteps: []\n');
    expect(result.diagnostics).toMatchObject([{ code: 'yaml_syntax', line: 3, message: 'this key is written twice in the same map' }]);
  });

  it('reports an unknown key at the key, with the step it belongs to', () => {
    const result = parseProcedure('procedure: T\ntitle: A\nsteps:\n  - id: weigh\n    role: operator\n    standrad: 15m\n');
    expect(result.ok).toBe(false);
    expect(result.diagnostics).toMatchObject([{ code: 'unknown_key', line: 6, column: 5, step: 'weigh', path: ['steps', 0, 'standrad'] }]);
    expect(result.diagnostics[0]!.message).toContain("did you mean 'standard'");
  });

  it('reports a value of the wrong form at the value', () => {
    const result = parseProcedure('procedure: T\ntitle: A\nsteps:\n  - id: weigh\n    role: operator\n    standard: 15 minutes\n');
    expect(result.diagnostics).toMatchObject([{ code: 'invalid_format', line: 6, column: 15 }]);
    expect(result.diagnostics[0]!.message).toContain('a duration such as "30m"');
  });

  it('says what a document that is not a procedure is', () => {
    expect(parseProcedure('- a\n- b\n').diagnostics).toMatchObject([{ code: 'not_a_procedure' }]);
    expect(parseProcedure('').diagnostics).toMatchObject([{ code: 'not_a_procedure' }]);
  });

  it('reports every missing top-level key of an almost empty document', () => {
    const codes = parseProcedure('procedure: T\n').diagnostics.map((d) => `${d.code}:${d.message.split(':')[0]}`);
    expect(codes).toEqual(["missing_key:'title' is required here", "missing_key:'steps' is required here"]);
  });

  it('returns warnings with a definition when there is no error', () => {
    const result = parseProcedure('procedure: T\ntitle: A\nsteps:\n  - id: weigh\n    role: operator\n    record: [{ id: w, type: number, unit: kg }]\n');
    expect(result.ok).toBe(true);
    expect(result.diagnostics).toMatchObject([{ severity: 'warning', code: 'number_without_limits', line: 6 }]);
  });
});

describe('parseProcedure: never throws', () => {
  it('on any text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        const result = parseProcedure(text);
        expect(result.ok || result.diagnostics.some((d) => d.severity === 'error')).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('on procedures with a line of the example changed', () => {
    const lines = PROCEDURE.split('\n');
    const junk = fc.constantFrom('', '  - x', 'after: [', 'when: a +', '    record: 5', '- { id: a }', 'steps: {}', '    within: { of: x, max: 4 }', '&a [*a, *a]', '      limits: { spec: [null, null] }');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: lines.length - 1 }), junk, (index, replacement) => {
        const text = [...lines.slice(0, index), replacement, ...lines.slice(index + 1)].join('\n');
        const result = parseProcedure(text);
        for (const d of result.diagnostics) expect(d.line).toBeGreaterThanOrEqual(1);
      }),
      { numRuns: 300 },
    );
  });
});
