/**
 * How a value being typed compares with the limits the procedure definition gives, so the operator sees it
 * before pressing "Record". This only shows; the server evaluates again and decides (an out-of-spec value
 * is recorded, never refused, and starts its exception path there).
 */
import type { FieldDefinition, Range } from '../api/types.ts';
import type { EnteredValue } from '../api/batches.ts';
import { range } from '../ui/format.ts';

export type Flag =
  | { readonly kind: 'empty' }
  | { readonly kind: 'invalid'; readonly message: string }
  | { readonly kind: 'in_spec' | 'alert' | 'out_of_spec' | 'unchecked'; readonly message: string; readonly value: EnteredValue };

const outside = (r: Range | undefined, n: number) => r !== undefined && ((r.min !== undefined && n < r.min) || (r.max !== undefined && n > r.max));

function numbers(text: string): number[] | undefined {
  const parts = text.split(/[\s;,]+/).filter((p) => p !== '');
  const values = parts.map((p) => Number(p));
  return values.some((v) => !Number.isFinite(v)) ? undefined : values;
}

function numberFlag(def: FieldDefinition, text: string): Flag {
  const samples = def.samples ?? 1;
  // Decimal commas are common on the shop floor: with one value, "9,5" means 9.5.
  const values = samples === 1 ? numbers(text.replace(',', '.')) : numbers(text);
  if (values === undefined) return { kind: 'invalid', message: samples === 1 ? 'Type a number.' : 'Type numbers separated by spaces.' };
  if (values.length !== samples) return { kind: 'invalid', message: `${samples} values are needed; ${values.length} typed.` };
  const value: EnteredValue = samples === 1 ? values[0]! : values;
  const spec = def.limits?.spec;
  const alert = def.limits?.alert;
  const off = values.filter((v) => outside(spec, v));
  if (off.length > 0) {
    return { kind: 'out_of_spec', value, message: `Out of specification (${range(spec, def.unit)}): ${off.join(', ')}. It will be recorded and starts a deviation.` };
  }
  const alerted = values.filter((v) => outside(alert, v));
  if (alerted.length > 0) return { kind: 'alert', value, message: `Outside the alert limits (${range(alert, def.unit)}): ${alerted.join(', ')}.` };
  if (spec === undefined && alert === undefined) return { kind: 'unchecked', value, message: '' };
  return { kind: 'in_spec', value, message: 'Within specification.' };
}

/** The flag for what is typed in a field's input (for a check: "true"/"false"). */
export function flagValue(def: FieldDefinition, text: string): Flag {
  if (text.trim() === '') return { kind: 'empty' };
  switch (def.type) {
    case 'number':
      return numberFlag(def, text.trim());
    case 'check': {
      const value = text === 'true';
      if (typeof def.expect === 'boolean' && def.expect !== value) return { kind: 'out_of_spec', value, message: `Expected "${def.expect ? 'yes' : 'no'}": this answer starts a deviation.` };
      return { kind: typeof def.expect === 'boolean' ? 'in_spec' : 'unchecked', value, message: '' };
    }
    case 'choice': {
      if (Array.isArray(def.expect) && !def.expect.includes(text)) return { kind: 'out_of_spec', value: text, message: `Acceptable: ${def.expect.join(', ')}.` };
      return { kind: Array.isArray(def.expect) ? 'in_spec' : 'unchecked', value: text, message: '' };
    }
    case 'text': {
      if (def.maxLength !== undefined && text.length > def.maxLength) return { kind: 'invalid', message: `At most ${def.maxLength} characters.` };
      if (def.pattern !== undefined && !matches(def.pattern, text)) return { kind: 'invalid', message: `Does not have the expected format (${def.pattern}).` };
      return { kind: 'unchecked', value: text, message: '' };
    }
    default:
      return { kind: 'unchecked', value: text.trim(), message: '' };
  }
}

function matches(pattern: string, text: string): boolean {
  try {
    return new RegExp(`^(?:${pattern})$`, 'u').test(text);
  } catch {
    return true;
  }
}
