/**
 * A refusal is a value, never an exception: a stable machine-readable code, a sentence an operator
 * understands, and the details behind it. Refused attempts are recorded; they are the prevented errors.
 */

export interface Refusal {
  readonly code: string;
  readonly message: string;
  readonly details: Readonly<Record<string, unknown>>;
}

/** What `decide` returns: the events to record, or why nothing may happen. */
export type Decision<E> = { readonly ok: true; readonly events: readonly E[] } | { readonly ok: false; readonly refusal: Refusal };

export function refuse(code: string, message: string, details: Record<string, unknown> = {}): { ok: false; refusal: Refusal } {
  return { ok: false, refusal: { code, message, details } };
}

export function accept<E>(...events: E[]): { ok: true; events: E[] } {
  return { ok: true, events };
}
