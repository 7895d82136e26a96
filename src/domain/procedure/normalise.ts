/**
 * A validated procedure document → the ProcedureDefinition the engine enforces: defaults applied, durations in
 * milliseconds, quantities and tolerances as numbers, SOP references resolved. Problems only visible here
 * (a clause with no document, a tolerance in another unit) come back as diagnostics with their path.
 */
import type { z } from 'zod';
import type {
  ConsumeDefinition,
  ExceptionGroup,
  ExceptionPath,
  FieldDefinition,
  ProcedureDefinition,
  ProcessTag,
  SopRef,
  StepDefinition,
} from './definition.ts';
import { error, warning, type Diagnostic } from './diagnostic.ts';
import { compact, humanize, toExceptionPath, toLimits, toQuantity, toSopRef, toTolerance } from './normalise-values.ts';
import type { field } from './source-fields.ts';
import type { ProcedureSource, StepSource } from './source-schema.ts';
import type { exceptionPath, sopRef } from './source-values.ts';
import { parseDuration } from '../shared/time.ts';

type Path = (string | number)[];
type FieldSource = z.output<typeof field>;

/** The definition of a validated document, and what normalising found wrong with it. */
export function normalise(source: ProcedureSource): { definition: ProcedureDefinition; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const sop = source.sop === undefined ? undefined : toSopRef(source.sop, undefined);
  const ref = (value: z.output<typeof sopRef> | undefined, path: Path, step?: string): SopRef | undefined => {
    if (value === undefined) return undefined;
    const resolved = toSopRef(value, sop);
    if (!resolved) {
      diagnostics.push(error('ref_without_document', 'this reference gives a clause but no document, and the procedure names no sop to take it from', path, step));
    }
    return resolved;
  };
  const context: Context = { diagnostics, ref };
  const definition: ProcedureDefinition = compact({
    procedure: source.procedure,
    title: source.title,
    kind: source.kind,
    product: source.product,
    sop,
    batchSize: source.batchSize && compact({ ...source.batchSize }),
    parameters: Object.fromEntries(
      Object.entries(source.parameters).map(([name, p]) => [name, typeof p === 'number' ? { value: p } : compact({ ...p })]),
    ),
    equipment: Object.fromEntries(Object.entries(source.equipment).map(([alias, slot]) => [alias, { class: slot.class, require: slot.require }])),
    materials: Object.fromEntries(Object.entries(source.materials).map(([alias, slot]) => [alias, { material: slot.material, require: slot.require }])),
    unitProcedures: source.unitProcedures.map((u) => ({ id: u.id, title: u.title, operations: u.operations.map((o) => ({ id: o.id, title: o.title })) })),
    steps: source.steps.map((step, index) => normaliseStep(step, index, source.steps[index - 1]?.id, context)),
  });
  return { definition, diagnostics };
}

interface Context {
  diagnostics: Diagnostic[];
  ref(value: z.output<typeof sopRef> | undefined, path: Path, step?: string): SopRef | undefined;
}

function normaliseStep(step: StepSource, index: number, previous: string | undefined, context: Context): StepDefinition {
  const at = (...rest: Path): Path => ['steps', index, ...rest];
  const id = step.id;
  // Without `after`, steps follow document order: forgetting it can only make a procedure stricter.
  const after = step.after === undefined ? (previous === undefined ? [] : [previous]) : typeof step.after === 'string' ? [step.after] : step.after;
  const consumed = step.consume === undefined ? [] : Array.isArray(step.consume) ? step.consume : [step.consume];
  const tags = step.process;
  return compact({
    id,
    title: step.title ?? humanize(id),
    instructions: step.instructions,
    unitProcedure: step.unitProcedure,
    operation: step.operation,
    after,
    when: step.when,
    role: step.role,
    verify: step.verify,
    sign: step.sign,
    standardMs: step.standard === undefined ? undefined : parseDuration(step.standard),
    within: step.within && compact({ of: step.within.of, maxMs: parseDuration(step.within.max)!, ref: context.ref(step.within.ref, at('within', 'ref'), id) }),
    wait: step.wait && compact({ after: step.wait.after, minMs: parseDuration(step.wait.min)!, ref: context.ref(step.wait.ref, at('wait', 'ref'), id) }),
    uses: step.uses,
    consume: consumed.map((c, k): ConsumeDefinition => {
      const quantity = toQuantity(c.quantity);
      let tolerance = {};
      if (c.tolerance !== undefined) {
        const { unit, ...rest } = toTolerance(c.tolerance);
        if (unit !== undefined && unit !== quantity.unit) {
          context.diagnostics.push(
            error('tolerance_unit', `the tolerance is in ${unit} but the quantity is in ${quantity.unit}: give it in ${quantity.unit} or as a percentage`, at('consume', k, 'tolerance'), id),
          );
        }
        tolerance = rest;
      }
      return compact({ material: c.material, quantity, tolerance, weighOn: c.weighOn, ref: context.ref(c.ref, at('consume', k, 'ref'), id) });
    }),
    produce: step.produce && compact({ material: step.produce.material, quantity: step.produce.quantity === undefined ? undefined : toQuantity(step.produce.quantity) }),
    fields: step.record.map((f, j) => normaliseField(f, at('record', j), id, context)),
    repeat: step.repeat && { everyMs: parseDuration(step.repeat.every)!, fields: step.repeat.record ?? [] },
    process: tags.map((t, k): ProcessTag => {
      const limits = t.limits && toLimits(t.limits);
      const onOutOfSpec = outOfSpecPath(t.onOutOfSpec, limits?.spec !== undefined, 'process', at('process', k), id, `process tag '${t.tag}'`, context);
      return compact({ tag: t.tag, unit: t.unit, limits, onOutOfSpec });
    }),
    ref: context.ref(step.ref, at('ref'), id),
  });
}

function normaliseField(f: FieldSource, path: Path, step: string, context: Context): FieldDefinition {
  const base = { id: f.id, label: f.label ?? humanize(f.id), required: f.required, ref: context.ref(f.ref, [...path, 'ref'], step) };
  const what = `field '${f.id}'`;
  switch (f.type) {
    case 'check':
      return compact({ ...base, type: f.type, expect: f.expect, onOutOfSpec: outOfSpecPath(f.onOutOfSpec, f.expect !== undefined, 'value', path, step, what, context) });
    case 'number': {
      const limits = f.limits && toLimits(f.limits);
      return compact({
        ...base,
        type: f.type,
        unit: f.unit ?? '',
        samples: f.samples,
        decimals: f.decimals,
        limits,
        compute: f.compute,
        onOutOfSpec: outOfSpecPath(f.onOutOfSpec, limits?.spec !== undefined, 'value', path, step, what, context),
      });
    }
    case 'text':
      return compact({ ...base, type: f.type, pattern: f.pattern, maxLength: f.maxLength });
    case 'choice': {
      const expect = f.expect === undefined ? undefined : typeof f.expect === 'string' ? [f.expect] : f.expect;
      return compact({ ...base, type: f.type, options: f.options, expect, onOutOfSpec: outOfSpecPath(f.onOutOfSpec, expect !== undefined, 'value', path, step, what, context) });
    }
    case 'lot':
      return compact({ ...base, type: f.type, material: f.material });
    case 'equipment':
      return compact({ ...base, type: f.type, equipment: f.equipment });
  }
}

/** The path as written, or, when a value can be out of spec and none is written, a minor deviation (and a warning). */
function outOfSpecPath(
  source: z.output<typeof exceptionPath> | undefined,
  canBeOutOfSpec: boolean,
  group: ExceptionGroup,
  path: Path,
  step: string,
  what: string,
  context: Context,
): ExceptionPath | undefined {
  if (source) return toExceptionPath(source, group, context.ref(source.ref, [...path, 'onOutOfSpec', 'ref'], step));
  if (!canBeOutOfSpec) return undefined;
  context.diagnostics.push(
    warning('default_exception_path', `${what} can be out of spec but has no onOutOfSpec: an out-of-spec value opens a minor deviation, holding nothing; say which deviation it should open`, path, step),
  );
  return { severity: 'minor', group, hold: 'none' };
}
