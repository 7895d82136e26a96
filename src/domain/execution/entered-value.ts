/**
 * Checks that what a person entered has the shape the field asks for (type, sample count, pattern,
 * option). A wrong shape is refused (`invalid_value`); a value of the right shape is always recorded,
 * however far out of spec it is.
 */
import type { FieldDefinition } from '../procedure/definition.ts';
import { refuse, type Refusal } from '../shared/refusal.ts';
import type { EnteredValue } from './batch-commands.ts';
import type { StoredValue } from './batch-events.ts';

type Checked = { ok: true; value: StoredValue } | { ok: false; refusal: Refusal };

const bad = (field: FieldDefinition, message: string, details: Record<string, unknown> = {}): Checked =>
  refuse('invalid_value', message, { fieldId: field.id, ...details });

function round(n: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(n * f) / f;
}

/** Statistics of samples as the record stores them (mean rounded to 6 decimals, enough for any balance). */
export function samplesOf(values: readonly number[]): StoredValue {
  const mean = round(values.reduce((a, b) => a + b, 0) / values.length, 6);
  return { values: [...values], mean, min: Math.min(...values), max: Math.max(...values) };
}

/** The stored form of an entered value, or why it cannot be recorded. */
export function checkEnteredValue(field: FieldDefinition, entered: EnteredValue): Checked {
  switch (field.type) {
    case 'check':
      return typeof entered === 'boolean' ? { ok: true, value: entered } : bad(field, `"${field.label}" is answered yes or no`);
    case 'number': {
      if (field.samples > 1) {
        if (!Array.isArray(entered) || entered.length !== field.samples) {
          return bad(field, `"${field.label}" needs ${field.samples} sample values`, { expected: field.samples });
        }
        if (!entered.every((n) => typeof n === 'number' && Number.isFinite(n))) return bad(field, `every sample of "${field.label}" must be a number`);
        return { ok: true, value: samplesOf(entered) };
      }
      if (typeof entered !== 'number' || !Number.isFinite(entered)) return bad(field, `"${field.label}" must be a number in ${field.unit}`);
      return { ok: true, value: entered };
    }
    case 'text': {
      if (typeof entered !== 'string' || entered.trim().length === 0) return bad(field, `"${field.label}" needs text`);
      if (entered.length > field.maxLength) return bad(field, `"${field.label}" is at most ${field.maxLength} characters`);
      if (field.pattern !== undefined && !new RegExp(`^(?:${field.pattern})$`).test(entered)) {
        return bad(field, `"${entered}" does not have the format "${field.label}" needs`, { pattern: field.pattern });
      }
      return { ok: true, value: entered };
    }
    case 'choice':
      return typeof entered === 'string' && field.options.includes(entered)
        ? { ok: true, value: entered }
        : bad(field, `"${field.label}" must be one of: ${field.options.join(', ')}`, { options: field.options });
    case 'lot':
    case 'equipment':
      return typeof entered === 'string' && entered.trim().length > 0
        ? { ok: true, value: entered.trim() }
        : bad(field, `scan or type the ${field.type === 'lot' ? 'lot' : 'equipment'} id for "${field.label}"`);
  }
}
