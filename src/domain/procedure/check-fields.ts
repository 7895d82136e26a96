/** Checks what steps record and consume: units, limits that make sense, expectations among the options. */
import type { Limits, ProcedureDefinition, Range } from './definition.ts';
import { error, warning, type Diagnostic } from './diagnostic.ts';
import { prepareSource } from './expression-source.ts';

type Path = (string | number)[];

/** Fields, process tags, consumed quantities and the batch size. */
export function checkFields(def: ProcedureDefinition): Diagnostic[] {
  const out: Diagnostic[] = [];
  if (def.batchSize) {
    const { min, max, nominal } = def.batchSize;
    if (min !== undefined && max !== undefined && min > max) {
      out.push(error('batch_size_range', `the smallest batch (${min}) is larger than the largest (${max})`, ['batchSize']));
    } else if (nominal !== undefined && ((min !== undefined && nominal < min) || (max !== undefined && nominal > max))) {
      out.push(error('batch_size_range', `the nominal batch size ${nominal} is outside [${min ?? '…'}, ${max ?? '…'}]`, ['batchSize', 'nominal']));
    }
  }
  const governed = governedByCalculations(def);
  def.steps.forEach((step, i) => {
    step.fields.forEach((field, j) => {
      const path: Path = ['steps', i, 'record', j];
      const name = `field '${field.id}'`;
      if (field.type === 'number') {
        if (field.unit.trim() === '') {
          out.push(error('number_without_unit', `number ${name} has no unit: write the unit it is measured in (kg, kP, %, tablets…)`, path, step.id));
        }
        if (!Number.isInteger(field.samples) || field.samples < 1) {
          out.push(error('samples_too_small', `${name} takes ${field.samples} samples: at least 1`, [...path, 'samples'], step.id));
        }
        if (field.compute !== undefined && field.samples > 1) {
          out.push(error('computed_samples', `${name} is calculated, so it has one value, not ${field.samples} samples`, [...path, 'samples'], step.id));
        }
        if (field.limits) out.push(...checkLimits(field.limits, name, [...path, 'limits'], step.id));
        else if (field.compute === undefined && !governed.has(field.id)) {
          // A measured value without limits can never be out of spec, unless a calculation with limits reads it
          // (counts feeding a yield); a calculated value often has no limits of its own.
          out.push(warning('number_without_limits', `number ${name} has no limits, so no value is ever out of spec; give limits: { spec: [low, high] } unless any value is acceptable`, path, step.id));
        }
      }
      if (field.type === 'choice' && field.expect) {
        for (const option of field.expect) {
          if (!field.options.includes(option)) {
            out.push(error('expect_not_an_option', `${name} expects '${option}', which is not one of its options (${field.options.join(', ')})`, [...path, 'expect'], step.id));
          }
        }
      }
      if (field.type === 'text' && field.pattern !== undefined) {
        try {
          new RegExp(field.pattern, 'u');
        } catch {
          out.push(error('invalid_pattern', `the pattern of ${name} is not a valid regular expression: ${field.pattern}`, [...path, 'pattern'], step.id));
        }
      }
    });
    step.process.forEach((tag, k) => {
      if (tag.limits) out.push(...checkLimits(tag.limits, `process tag '${tag.tag}'`, ['steps', i, 'process', k, 'limits'], step.id));
    });
    step.consume.forEach((c, k) => {
      if (c.weighOn !== undefined && c.tolerance.percent === undefined && c.tolerance.absolute === undefined) {
        out.push(warning('consume_without_tolerance', `material '${c.material}' is weighed on '${c.weighOn}' without a tolerance, so any weight is accepted; add tolerance: "0.5%"`, ['steps', i, 'consume', k], step.id));
      }
    });
  });
  return out;
}

/** Names read by calculations that have spec limits: those values are checked through the result. */
function governedByCalculations(def: ProcedureDefinition): Set<string> {
  const names = new Set<string>();
  for (const step of def.steps) {
    for (const field of step.fields) {
      if (field.type !== 'number' || field.compute === undefined || field.limits?.spec === undefined) continue;
      const prepared = prepareSource(field.compute);
      if (prepared.ok) for (const name of prepared.reads) names.add(name);
    }
  }
  return names;
}

function checkLimits(limits: Limits, name: string, path: Path, step: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const inverted = (range: Range | undefined, which: 'spec' | 'alert') => {
    if (range?.min !== undefined && range.max !== undefined && range.min > range.max) {
      out.push(error('limits_inverted', `the ${which} limits of ${name} are upside down: low ${range.min} is above high ${range.max}`, [...path, which], step));
      return true;
    }
    return false;
  };
  const badSpec = inverted(limits.spec, 'spec');
  const badAlert = inverted(limits.alert, 'alert');
  const { spec, alert } = limits;
  if (badSpec || badAlert || !spec || !alert) return out;
  // Alert limits warn before a value is out of spec, so they lie inside it (an open spec end contains anything).
  const lowOutside = spec.min !== undefined && (alert.min === undefined || alert.min < spec.min);
  const highOutside = spec.max !== undefined && (alert.max === undefined || alert.max > spec.max);
  if (lowOutside || highOutside) {
    out.push(
      error('alert_outside_spec', `the alert limits of ${name} [${show(alert.min)}, ${show(alert.max)}] are not inside its spec limits [${show(spec.min)}, ${show(spec.max)}]: alert limits warn before a value is out of spec`, [...path, 'alert'], step),
    );
  }
  return out;
}

function show(bound: number | undefined): string {
  return bound === undefined ? 'open' : String(bound);
}
