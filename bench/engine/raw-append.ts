/**
 * The limit: the same store's own durable append rate for exactly the appends our engine made.
 *
 * While our batches run, a recording wrapper around the engine's EventStore keeps every append request (its
 * streams and events). The limit replays them through a second store on the same backend — same group
 * commit, same hashing, Merkle log, checkpoints and durable commit — as plain appends: no projector, no
 * idempotency key, expected version 'any', nothing read or decided before. The same number of appenders
 * as concurrent batches each replay one batch's appends in order, each awaited before the next, as the
 * batch's commands were. What our engine adds to a command beyond its append is then ours ÷ this.
 */
import type { AppendRequest, EventStore, NewEvent } from '../../src/store/event-store.ts';
import { now } from '../lib/stats.ts';

/** An append as replayed: streams and events only. */
export interface RecordedAppend {
  readonly streamId: string;
  readonly events: readonly NewEvent[];
  readonly also: readonly { readonly streamId: string; readonly events: readonly NewEvent[] }[];
  readonly actor: string;
  /** The batch stream the command was for (refusals are appended to the site's refusal stream). */
  readonly subject: string;
}

export interface Recorder {
  /** The store to give the engine: appends pass through, and are kept while recording. */
  readonly store: EventStore;
  start(): void;
  /** Stops recording; returns what was kept, grouped by subject, each in order. */
  stop(): RecordedAppend[][];
}

function subjectOf(request: AppendRequest): string {
  if (request.streamId.startsWith('refusals-')) {
    const data = request.events[0]?.data as { subject?: unknown } | undefined;
    if (typeof data?.subject === 'string') return data.subject;
  }
  return request.streamId;
}

export function recordingStore(inner: EventStore): Recorder {
  let kept: RecordedAppend[] | undefined;
  const store: EventStore = new Proxy(inner, {
    get(target, prop) {
      if (prop === 'append') {
        return (request: AppendRequest) => {
          kept?.push({
            streamId: request.streamId,
            events: request.events,
            also: (request.also ?? []).map((a) => ({ streamId: a.streamId, events: a.events })),
            actor: request.actor,
            subject: subjectOf(request),
          });
          return target.append(request);
        };
      }
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return {
    store,
    start() {
      kept = [];
    },
    stop() {
      const all = kept ?? [];
      kept = undefined;
      const bySubject = new Map<string, RecordedAppend[]>();
      for (const a of all) {
        let list = bySubject.get(a.subject);
        if (list === undefined) bySubject.set(a.subject, (list = []));
        list.push(a);
      }
      return [...bySubject.values()];
    },
  };
}

export interface ReplayRound {
  readonly appenders: number;
  readonly appends: number;
  readonly events: number;
  readonly ms: number;
}

/** Replays each group's appends in order, `concurrency` groups at a time, as plain appends. */
export async function replayAppends(store: EventStore, groups: readonly (readonly RecordedAppend[])[], concurrency: number): Promise<ReplayRound> {
  let appends = 0;
  let events = 0;
  let next = 0;
  const worker = async () => {
    for (let g = next++; g < groups.length; g = next++) {
      for (const a of groups[g]!) {
        await store.append({
          streamId: a.streamId,
          events: a.events,
          expectedVersion: 'any',
          ...(a.also.length > 0 ? { also: a.also.map((p) => ({ streamId: p.streamId, events: p.events, expectedVersion: 'any' as const })) } : {}),
          actor: a.actor,
        });
        appends++;
        events += a.events.length + a.also.reduce((n, p) => n + p.events.length, 0);
      }
    }
  };
  const t0 = now();
  await Promise.all(Array.from({ length: Math.min(concurrency, groups.length) }, worker));
  return { appenders: Math.min(concurrency, groups.length), appends, events, ms: now() - t0 };
}
