/** Validation of command inputs shared by the resource deciders: every failure is `invalid_value`. */
import type { Refusal } from '../shared/refusal.ts';
import { isIsoDateOrTimestamp } from './dates.ts';

/** An `invalid_value` refusal naming the field. */
export function invalid(field: string, message: string, value: unknown): Refusal {
  return { code: 'invalid_value', message, details: { field, value } };
}

/** Refuses an empty or blank text (ids, names, reasons). */
export function requireText(field: string, value: unknown, label: string): Refusal | undefined {
  if (typeof value === 'string' && value.trim() !== '') return undefined;
  return invalid(field, `${label} is missing`, value);
}

/** Refuses anything but a finite number above zero (or at least zero when `allowZero`). */
export function requireQuantity(field: string, value: unknown, label: string, allowZero = false): Refusal | undefined {
  if (typeof value === 'number' && Number.isFinite(value) && (allowZero ? value >= 0 : value > 0)) return undefined;
  return invalid(field, `${label} must be a number ${allowZero ? 'of zero or more' : 'above zero'}; got ${String(value)}`, value);
}

/** Refuses a text that is not a calendar day or ISO timestamp. */
export function requireDate(field: string, value: unknown, label: string): Refusal | undefined {
  if (typeof value === 'string' && isIsoDateOrTimestamp(value)) return undefined;
  return invalid(field, `${label} must be a date such as 2026-11-25; got ${String(value)}`, value);
}

/** The first refusal of a list of checks, if any. */
export function firstRefusal(...checks: (Refusal | undefined)[]): Refusal | undefined {
  return checks.find((check) => check !== undefined);
}

/** A refused decision from a refusal value. */
export function deny(refusal: Refusal): { ok: false; refusal: Refusal } {
  return { ok: false, refusal };
}
