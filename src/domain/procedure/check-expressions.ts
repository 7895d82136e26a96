/**
 * Checks every expression (conditions, calculations, scaled quantities): it parses, reads only names that
 * exist, reads fields only when they are recorded before it is evaluated, and gives the kind of value its
 * place needs.
 */
import type { FieldDefinition, ProcedureDefinition } from './definition.ts';
import { error, warning, type Diagnostic } from './diagnostic.ts';
import { analyseExpression, type NameType, type ResultType } from './expressions.ts';
import type { StepGraph } from './step-graph.ts';

type Path = (string | number)[];

interface Recorded {
  readonly field: FieldDefinition;
  readonly step: number;
  readonly position: number;
}

/** Where an expression sits: who evaluates it, in words, and which fields are recorded by then. */
interface Place {
  readonly step: number;
  /** "in its condition", "in the calculation of 'yield'", … */
  readonly where: string;
  readonly path: Path;
  readonly needs: 'number' | 'boolean';
  readonly code: string;
  /** Fields of the step itself recorded before it: none for a condition, the earlier ones for a calculation. */
  readonly ownFieldsBefore: number;
}

/** All expressions of the procedure. */
export function checkExpressions(def: ProcedureDefinition, graph: StepGraph): Diagnostic[] {
  const recorded = new Map<string, Recorded>();
  const names: Record<string, NameType> = {};
  def.steps.forEach((step, i) =>
    step.fields.forEach((field, j) => {
      if (recorded.has(field.id)) return;
      recorded.set(field.id, { field, step: i, position: j });
      names[field.id] = nameType(field);
    }),
  );
  for (const name of Object.keys(def.parameters)) names[name] = 'number';
  names.batch_size = 'number';

  const out: Diagnostic[] = [];
  const check = (source: string, place: Place) => out.push(...checkOne(def, graph, source, place, names, recorded));
  def.steps.forEach((step, i) => {
    const at = (...rest: Path): Path => ['steps', i, ...rest];
    if (step.when !== undefined) {
      check(step.when, { step: i, where: 'in its condition', path: at('when'), needs: 'boolean', code: 'condition_not_boolean', ownFieldsBefore: 0 });
    }
    step.fields.forEach((field, j) => {
      if (field.type !== 'number' || field.compute === undefined) return;
      check(field.compute, { step: i, where: `in the calculation of '${field.id}'`, path: at('record', j, 'compute'), needs: 'number', code: 'compute_not_number', ownFieldsBefore: j });
    });
    step.consume.forEach((c, k) => {
      if (c.quantity.expression === undefined) return;
      const where = `in the quantity of material '${c.material}'`;
      check(c.quantity.expression, { step: i, where, path: at('consume', k, 'quantity', 'expr'), needs: 'number', code: 'quantity_not_number', ownFieldsBefore: 0 });
    });
    const produced = step.produce?.quantity?.expression;
    if (produced !== undefined) {
      // What a step produces is known when it ends, so its own fields may be read.
      const where = 'in the quantity it produces';
      check(produced, { step: i, where, path: at('produce', 'quantity', 'expr'), needs: 'number', code: 'quantity_not_number', ownFieldsBefore: step.fields.length });
    }
  });
  return out;
}

function nameType(field: FieldDefinition): NameType {
  if (field.type === 'number') return field.samples > 1 ? 'samples' : 'number';
  return field.type === 'check' ? 'boolean' : 'string';
}

function checkOne(
  def: ProcedureDefinition,
  graph: StepGraph,
  source: string,
  place: Place,
  names: Readonly<Record<string, NameType>>,
  recorded: ReadonlyMap<string, Recorded>,
): Diagnostic[] {
  const step = def.steps[place.step]!;
  const subject = `step '${step.id}'`;
  const analysis = analyseExpression(source, names);
  const out: Diagnostic[] = analysis.problems.map((p) => {
    const code = p.kind === 'syntax' ? 'expression_syntax' : p.kind === 'unknown_name' ? 'unknown_name' : 'expression_type';
    const prefix = p.kind === 'unknown_name' ? `${subject} reads '${p.name}' ${place.where}, but` : `${subject} ${place.where}:`;
    const message = p.kind === 'unknown_name' ? `${prefix} ${p.message.replace(`'${p.name}' is`, 'that is')}` : `${prefix} ${p.message}`;
    return error(code, message, place.path, step.id);
  });
  if (analysis.reads.includes('batch_size') && def.batchSize === undefined) {
    out.push(error('missing_batch_size', `${subject} reads batch_size ${place.where}, but the procedure declares no batchSize (unit, min, max)`, place.path, step.id));
  }
  const ancestors = graph.ancestors(step.id);
  for (const name of analysis.reads) {
    const source = recorded.get(name);
    if (!source) continue;
    const from = def.steps[source.step]!;
    const sameStep = source.step === place.step;
    const before = sameStep ? source.position < place.ownFieldsBefore : ancestors.has(from.id);
    if (!before) {
      const why = !sameStep
        ? `'${name}' is recorded in step '${from.id}' which does not come before it`
        : place.needs === 'boolean'
          ? `'${name}' is recorded in this step itself, after its condition is decided`
          : `'${name}' is recorded in this step after it`;
      out.push(error('field_not_before', `${subject} reads '${name}' ${place.where}, but ${why}`, place.path, step.id));
    } else if (from.when !== undefined && !sameStep) {
      out.push(warning('reads_optional_value', `${subject} reads '${name}' ${place.where}, but step '${from.id}' has a condition and may be skipped, leaving '${name}' without a value`, place.path, step.id));
    } else if (!source.field.required) {
      out.push(warning('reads_optional_value', `${subject} reads '${name}' ${place.where}, but '${name}' is optional and may have no value`, place.path, step.id));
    }
  }
  if (analysis.problems.length === 0 && !fits(analysis.type, place.needs)) {
    const needs = place.needs === 'boolean' ? 'true or false' : 'a number';
    out.push(error(place.code, `${subject} ${place.where}: the expression gives ${typeName(analysis.type)}, but it must give ${needs}`, place.path, step.id));
  }
  return out;
}

function fits(type: ResultType, needs: 'number' | 'boolean'): boolean {
  return type === 'unknown' || type === needs;
}

function typeName(type: ResultType): string {
  return type === 'number' ? 'a number' : type === 'boolean' ? 'true/false' : type === 'string' ? 'text' : 'a list or map';
}
