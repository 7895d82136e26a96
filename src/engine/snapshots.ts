/**
 * Snapshots: the current state of every entity, as a read model updated in the same transaction as its
 * events, so loading an entity is one read and can never disagree with its stream.
 */
import type { EventStore, Projector, RecordedEvent } from '../store/event-store.ts';
import { KINDS, parseStream, type KindName } from './aggregates.ts';

export interface Snapshot<S> {
  readonly state: S;
  /** The stream version the state includes (0: the entity does not exist yet). */
  readonly version: number;
}

/** Folds the command's events into the snapshots of every stream they touch. */
export const snapshotProjector: Projector = async (tx, events) => {
  const byStream = new Map<string, RecordedEvent[]>();
  for (const e of events) byStream.set(e.streamId, [...(byStream.get(e.streamId) ?? []), e]);
  for (const [streamId, streamEvents] of byStream) {
    const parsed = parseStream(streamId);
    if (parsed === undefined) continue;
    const { kind, id } = parsed;
    const doc = (await tx.get<Snapshot<unknown>>(kind.name, id)) ?? { state: kind.initialState, version: 0 };
    const state = streamEvents.reduce((s, e) => kind.evolve(s, { type: e.type, data: e.data }), doc.state);
    await tx.put(kind.name, id, { state, version: streamEvents[streamEvents.length - 1]!.streamPosition });
  }
};

/** Loads an entity's snapshot; a missing one is the initial state at version 0. */
export async function loadSnapshot<S>(store: EventStore, kindName: KindName, id: string): Promise<Snapshot<S>> {
  const doc = await store.getDocument<Snapshot<S>>(kindName, id);
  return doc ?? { state: KINDS[kindName].initialState as S, version: 0 };
}
