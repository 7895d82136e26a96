/**
 * How a value compares with its limits. Evaluation never refuses: an out-of-spec measurement is a fact to
 * record and act on, not an input error.
 */
import type { FieldDefinition, Limits, Range } from '../procedure/definition.ts';
import type { Evaluation, StoredValue } from './batch-events.ts';

function outside(n: number, range: Range | undefined): boolean {
  if (range === undefined) return false;
  return (range.min !== undefined && n < range.min) || (range.max !== undefined && n > range.max);
}

function numbersOf(value: StoredValue): number[] {
  if (typeof value === 'number') return [value];
  if (typeof value === 'object') return [...value.values, value.mean];
  return [];
}

/** Out of spec when any sample or the mean is outside spec; alert likewise for the alert limits. */
export function evaluateNumber(value: StoredValue, limits: Limits | undefined): Evaluation {
  if (limits === undefined || (limits.spec === undefined && limits.alert === undefined)) return 'unchecked';
  const ns = numbersOf(value);
  if (ns.some((n) => outside(n, limits.spec))) return 'out_of_spec';
  if (ns.some((n) => outside(n, limits.alert))) return 'alert';
  return 'in_spec';
}

/** Evaluates a stored value against its field's definition. */
export function evaluateField(field: FieldDefinition, value: StoredValue): Evaluation {
  switch (field.type) {
    case 'number':
      return evaluateNumber(value, field.limits);
    case 'check':
      return field.expect === undefined ? 'unchecked' : value === field.expect ? 'in_spec' : 'out_of_spec';
    case 'choice':
      return field.expect === undefined ? 'unchecked' : field.expect.includes(String(value)) ? 'in_spec' : 'out_of_spec';
    default:
      return 'unchecked';
  }
}

/** "8–12 kP", "≥ 95 %", for messages. */
export function describeRange(range: Range | undefined, unit = ''): string {
  const u = unit ? ` ${unit}` : '';
  if (range === undefined) return 'no limits';
  if (range.min !== undefined && range.max !== undefined) return `${range.min}–${range.max}${u}`;
  if (range.min !== undefined) return `≥ ${range.min}${u}`;
  if (range.max !== undefined) return `≤ ${range.max}${u}`;
  return 'no limits';
}
