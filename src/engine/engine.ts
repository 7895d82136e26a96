/**
 * The engine: load → decide → append → (the store publishes). It owns nothing but the sequence: every rule
 * is in the domain. Each command is one transaction over every stream it changes; a refused command is
 * recorded as a CommandRefused event (the prevented errors); a retried request with the same idempotency
 * key gets the first answer, accepted or refused.
 */
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { Actor, DecisionContext, DomainEvent } from '../domain/shared/decider.ts';
import type { Refusal } from '../domain/shared/refusal.ts';
import type { AppendResult, EventStore, RecordedEvent, StreamAppend } from '../store/event-store.ts';
import { ConcurrencyError, IdempotencyKeyReusedError } from '../store/errors.ts';
import { streamOf, type KindName } from './aggregates.ts';
import { DefinitionCache, loadSnapshot, snapshotProjector, type Snapshot } from './snapshots.ts';
import { refusalEvent, refusalProjector, refusalStream } from './refusals.ts';

export interface CommandOptions {
  /** A retry with the same key returns the first outcome and changes nothing. */
  readonly idempotencyKey?: string;
  /** The version the client last saw (If-Match); a different current version is a conflict. */
  readonly expectedVersion?: number;
}

export type Outcome =
  | {
      readonly ok: true;
      readonly streamId: string;
      /** The entity's version after the command. */
      readonly version: number;
      readonly firstGlobalPosition: number;
      readonly lastGlobalPosition: number;
      readonly replayed: boolean;
    }
  | { readonly ok: false; readonly refusal: Refusal; readonly replayed: boolean };

/** A decision as the engine needs it: the entity's events and any other streams' events, or a refusal. */
export type EngineDecision =
  | { readonly ok: true; readonly events: readonly DomainEvent[]; readonly also?: readonly { streamId: string; expectedVersion: number | 'no_stream'; events: readonly DomainEvent[] }[] }
  | { readonly ok: false; readonly refusal: Refusal };

export interface EngineOptions {
  readonly store: EventStore;
  readonly clock?: () => Date;
  /** Attempts when another command changed a stream between load and append (default 5). */
  readonly maxAttempts?: number;
}

/** How one command is decided once its entity is loaded. */
export type Decide<S> = (snapshot: Snapshot<S>, ctx: DecisionContext) => Promise<EngineDecision> | EngineDecision;

export interface Engine {
  /** Runs one command on one entity of a kind. */
  execute<S>(kind: KindName, id: string, command: DomainEvent, actor: Actor, decide: Decide<S>, options?: CommandOptions): Promise<Outcome>;
  load<S>(kind: KindName, id: string): Promise<Snapshot<S>>;
  readonly store: EventStore;
  now(): string;
}

const expected = (version: number) => (version === 0 ? ('no_stream' as const) : version);

function fingerprintOf(streamId: string, command: DomainEvent, actor: Actor): string {
  return createHash('sha256')
    .update(canonicalize({ streamId, command, actor: actor.id }) ?? '')
    .digest('hex');
}

/** Creates the engine on a store; the clock is the server's. */
export function createEngine(options: EngineOptions): Engine {
  const { store } = options;
  const clock = options.clock ?? (() => new Date());
  const maxAttempts = options.maxAttempts ?? 5;
  const definitions = new DefinitionCache();

  async function replay(result: Pick<AppendResult, 'streamId' | 'nextVersion' | 'firstGlobalPosition' | 'lastGlobalPosition'>): Promise<Outcome> {
    const [first] = await store.readAll({ after: result.firstGlobalPosition - 1, limit: 1 });
    if (first?.type === 'CommandRefused') {
      const data = first.data as { code: string; message: string; details: Record<string, unknown> };
      return { ok: false, refusal: { code: data.code, message: data.message, details: data.details }, replayed: true };
    }
    return { ok: true, ...result, version: result.nextVersion, replayed: true };
  }

  async function execute<S>(kind: KindName, id: string, command: DomainEvent, actor: Actor, decide: Decide<S>, cmd: CommandOptions = {}): Promise<Outcome> {
    const streamId = streamOf(kind, id);
    const fingerprint = fingerprintOf(streamId, command, actor);
    const key = cmd.idempotencyKey;
    if (key !== undefined) {
      const earlier = await store.findIdempotent(key);
      if (earlier !== undefined) {
        if (earlier.fingerprint !== fingerprint) throw new IdempotencyKeyReusedError(key);
        return replay(earlier);
      }
    }
    for (let attempt = 1; ; attempt++) {
      const snapshot = await loadSnapshot<S>(store, kind, id, definitions);
      if (cmd.expectedVersion !== undefined && cmd.expectedVersion !== snapshot.version) {
        throw new ConcurrencyError(streamId, cmd.expectedVersion, snapshot.version);
      }
      const ctx: DecisionContext = { now: clock().toISOString(), actor };
      const decision = await decide(snapshot, ctx);
      try {
        if (!decision.ok) {
          const result = await store.append({
            streamId: refusalStream(actor.site),
            events: [refusalEvent(streamId, command, decision.refusal, actor)],
            expectedVersion: 'any',
            actor: actor.id,
            ...(key !== undefined ? { idempotencyKey: key } : {}),
            fingerprint,
            project: refusalProjector,
          });
          return result.replayed ? replay(result) : { ok: false, refusal: decision.refusal, replayed: false };
        }
        const also: StreamAppend[] = (decision.also ?? []).map((s) => ({ streamId: s.streamId, expectedVersion: s.expectedVersion, events: s.events }));
        const result = await store.append({
          streamId,
          events: decision.events,
          expectedVersion: expected(snapshot.version),
          also,
          actor: actor.id,
          ...(key !== undefined ? { idempotencyKey: key } : {}),
          fingerprint,
          project: snapshotProjector(definitions, { streamId, snapshot }),
        });
        if (result.replayed) return replay(result);
        return { ok: true, streamId, version: result.nextVersion, firstGlobalPosition: result.firstGlobalPosition, lastGlobalPosition: result.lastGlobalPosition, replayed: false };
      } catch (error) {
        // Another command changed one of the streams since we loaded: decide again on fresh state,
        // unless the client pinned the version it saw (then the conflict is theirs to see).
        const pinned = cmd.expectedVersion !== undefined && error instanceof ConcurrencyError && error.streamId === streamId;
        if (!(error instanceof ConcurrencyError) || pinned || attempt >= maxAttempts) throw error;
      }
    }
  }

  return {
    execute,
    load: <S>(kind: KindName, id: string) => loadSnapshot<S>(store, kind, id, definitions),
    store,
    now: () => clock().toISOString(),
  };
}

export type { RecordedEvent };
