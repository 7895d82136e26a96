/**
 * What every part of the derivation reads: the record's events split by what they are evidence of, the
 * people they name, and the batch folded from its stream.
 */
import type { BatchEvent, BatchEventOf, BatchEventType } from '../domain/execution/batch-events.ts';
import { evolveBatch, initialBatchState, type BatchState } from '../domain/execution/batch-state.ts';
import type { SopRef } from '../domain/procedure/definition.ts';
import type { RecordEvent, WhoRecord } from './record-schema.ts';

export interface RecordContext {
  readonly batchId: string;
  /** The batch's stream in stream order. */
  readonly batchEvents: readonly RecordEvent[];
  /** Every event of the record, in log order. */
  readonly events: readonly RecordEvent[];
  readonly state: BatchState;
  /** Printed names by person id, from their registration events. */
  readonly names: ReadonlyMap<string, string>;
}

export function batchStreamId(batchId: string): string {
  return `batch-${batchId}`;
}

/** Builds the context; throws a TypeError when the events hold no batch of that id. */
export function recordContext(batchId: string, events: readonly RecordEvent[]): RecordContext {
  const stream = batchStreamId(batchId);
  const batchEvents = events.filter((e) => e.streamId === stream).sort((a, b) => a.streamPosition - b.streamPosition);
  if (batchEvents[0]?.type !== 'BatchCreated') throw new TypeError(`the events do not begin batch ${batchId} with BatchCreated`);
  const state = batchEvents.reduce((s, e) => evolveBatch(s, e as unknown as BatchEvent), initialBatchState);
  if (state.definition === undefined) throw new TypeError(`BatchCreated of ${batchId} carries no procedure definition`);
  const names = new Map<string, string>();
  for (const e of events) {
    if (e.type !== 'PersonRegistered' || !e.streamId.startsWith('person-')) continue;
    const { personId, name } = e.data as { personId?: unknown; name?: unknown };
    if (typeof personId === 'string' && typeof name === 'string') names.set(personId, name);
  }
  return { batchId, batchEvents, events, state, names };
}

/** The batch events of one type, typed. */
export function eventsOf<T extends BatchEventType>(ctx: RecordContext, type: T): { event: RecordEvent; data: BatchEventOf<T>['data'] }[] {
  return ctx.batchEvents.filter((e) => e.type === type).map((event) => ({ event, data: event.data as BatchEventOf<T>['data'] }));
}

/** Someone at the time of an event; `name` is the printed name the event carries, else the registered one. */
export function who(ctx: RecordContext, event: RecordEvent, by: string = event.actor, name?: string): WhoRecord {
  return { id: by, name: name ?? ctx.names.get(by) ?? null, at: event.recordedAt, position: event.globalPosition };
}

export function nameOf(ctx: RecordContext, id: string): string | null {
  return ctx.names.get(id) ?? null;
}

export function sopText(ref: SopRef | undefined): string | null {
  if (ref === undefined) return null;
  return ref.clause === undefined ? ref.document : `${ref.document} §${ref.clause}`;
}

/** The streams a record holds whole: the batch's and those of the deviations it raised. */
export function wholeStreams(batchId: string, batchEvents: readonly { readonly type: string; readonly data: unknown }[]): string[] {
  const deviations = batchEvents
    .filter((e) => e.type === 'ExceptionRaised')
    .map((e) => (e.data as { deviationId?: unknown } | null)?.deviationId)
    .filter((id): id is string => typeof id === 'string')
    .map((id) => `deviation-${id}`);
  return [batchStreamId(batchId), ...deviations];
}
