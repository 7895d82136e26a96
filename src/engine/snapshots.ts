/**
 * Snapshots: the current state of every entity, as a read model updated in the same transaction as its
 * events, so loading an entity is one read and can never disagree with its stream.
 *
 * A batch's state holds the procedure definition it enforces (about 12 KB for PX10), which never changes
 * during the batch. Parsing and serialising it on every command was most of the engine's CPU time, so the
 * stored snapshot leaves it out and the definition is put back on load from a cache of procedure versions
 * (immutable once created), read from the procedure's own snapshot on a miss.
 */
import type { EventStore, Projector, ProjectionTx, RecordedEvent } from '../store/event-store.ts';
import type { BatchState } from '../domain/execution/batch-state.ts';
import type { ProcedureDefinition } from '../domain/procedure/definition.ts';
import { procedureVersionStatus, type ProcedureState } from '../domain/procedure/lifecycle.ts';
import { KINDS, parseStream, type KindName } from './aggregates.ts';

export interface Snapshot<S> {
  readonly state: S;
  /** The stream version the state includes (0: the entity does not exist yet). */
  readonly version: number;
}

type ReadDocument = <T>(collection: string, id: string) => Promise<T | undefined>;

/** Procedure versions by `code@version`; one cache per engine, because each engine has its own store. */
export class DefinitionCache {
  readonly #byVersion = new Map<string, ProcedureDefinition>();

  remember(procedure: string, version: number, definition: ProcedureDefinition): void {
    this.#byVersion.set(`${procedure}@${version}`, definition);
  }

  async get(read: ReadDocument, procedure: string, version: number): Promise<ProcedureDefinition | undefined> {
    const key = `${procedure}@${version}`;
    const cached = this.#byVersion.get(key);
    if (cached !== undefined) return cached;
    const doc = await read<Snapshot<ProcedureState>>(KINDS.procedure.name, procedure);
    const found = doc === undefined ? undefined : procedureVersionStatus(doc.state, version)?.definition;
    if (found !== undefined) this.#byVersion.set(key, found);
    return found;
  }
}

/** The form a state is stored in: a batch without its definition (see above). */
function storedForm(kindName: string, state: unknown, cache: DefinitionCache): unknown {
  if (kindName !== KINDS.batch.name) return state;
  const { definition, ...rest } = state as BatchState;
  if (definition !== undefined) cache.remember(rest.procedure, rest.version, definition);
  return rest;
}

/** Puts back what {@link storedForm} left out. Snapshots written before it still hold the definition. */
async function completeState(kindName: string, state: unknown, cache: DefinitionCache, read: ReadDocument): Promise<unknown> {
  if (kindName !== KINDS.batch.name) return state;
  // Fields added to the state since a snapshot was written start from their initial value.
  const batch = { ...KINDS.batch.initialState, ...(state as BatchState) };
  if (!batch.created || batch.definition !== undefined) return batch;
  const definition = await cache.get(read, batch.procedure, batch.version);
  if (definition === undefined) throw new Error(`batch ${batch.id}: procedure ${batch.procedure} version ${batch.version} is missing from the store`);
  return { ...batch, definition };
}

/**
 * Folds a command's events into the snapshots of every stream they touch. `known` is the state the
 * command was decided on: the append only succeeds if that stream is still at its version, so the
 * projector can start from it instead of reading and decoding the stored snapshot again.
 */
export function snapshotProjector(cache: DefinitionCache, known?: { readonly streamId: string; readonly snapshot: Snapshot<unknown> }): Projector {
  return async (tx: ProjectionTx, events: readonly RecordedEvent[]) => {
    const byStream = new Map<string, RecordedEvent[]>();
    for (const e of events) {
      const list = byStream.get(e.streamId);
      if (list === undefined) byStream.set(e.streamId, [e]);
      else list.push(e);
    }
    for (const [streamId, streamEvents] of byStream) {
      const parsed = parseStream(streamId);
      if (parsed === undefined) continue;
      const { kind, id } = parsed;
      const first = streamEvents[0]!.streamPosition;
      let doc: Snapshot<unknown>;
      if (known !== undefined && known.streamId === streamId && known.snapshot.version === first - 1) {
        doc = known.snapshot;
      } else {
        const stored = (await tx.get<Snapshot<unknown>>(kind.name, id)) ?? { state: kind.initialState, version: 0 };
        doc = { state: await completeState(kind.name, stored.state, cache, (c, i) => tx.get(c, i)), version: stored.version };
      }
      const state = streamEvents.reduce((s, e) => kind.evolve(s, { type: e.type, data: e.data }), doc.state);
      await tx.put(kind.name, id, { state: storedForm(kind.name, state, cache), version: streamEvents[streamEvents.length - 1]!.streamPosition });
    }
  };
}

/** Loads an entity's snapshot; a missing one is the initial state at version 0. */
export async function loadSnapshot<S>(store: EventStore, kindName: KindName, id: string, cache: DefinitionCache): Promise<Snapshot<S>> {
  const doc = await store.getDocument<Snapshot<S>>(kindName, id);
  if (doc === undefined) return { state: KINDS[kindName].initialState as S, version: 0 };
  return { state: (await completeState(kindName, doc.state, cache, (c, i) => store.getDocument(c, i))) as S, version: doc.version };
}
