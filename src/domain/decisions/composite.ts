/**
 * A decision that changes more than its own stream (a change's approval makes a procedure version
 * effective; a signed release changes the batch): its events, the other streams' events with the version
 * they were decided on, or a refusal. The engine appends all of them in one transaction, or none.
 */
import type { Versioned, StreamEvents } from '../execution/batch-context.ts';
import type { Decision, Refusal } from '../shared/refusal.ts';

export type { Versioned, StreamEvents };

export type Composite<E> = { readonly ok: true; readonly events: readonly E[]; readonly also: readonly StreamEvents[] } | { readonly ok: false; readonly refusal: Refusal };

export function composite<E>(events: readonly E[], also: readonly StreamEvents[] = []): Composite<E> {
  return { ok: true, events, also };
}

/** The same decision as a composite with nothing for other streams. */
export function alone<E>(decision: Decision<E>): Composite<E> {
  return decision.ok ? { ok: true, events: decision.events, also: [] } : decision;
}

/** The version to expect of a stream read at `version` (0: it must not exist yet). */
export function expectedOf(version: number): number | 'no_stream' {
  return version === 0 ? 'no_stream' : version;
}

/** The stream of a procedure's versions: "procedure-PX10-COMPRESSION". */
export function procedureStream(code: string): string {
  return `procedure-${code}`;
}
