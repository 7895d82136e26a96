/**
 * The event store: the one append-only, tamper-evident log that every record of OpenBES derives from.
 * Both backends (sqlite/, postgres/) provide this same interface; see docs/adr/0003-event-store.md.
 */

/** An event as the caller proposes it. The store adds position, time and hashes. */
export interface NewEvent {
  readonly type: string;
  /** JSON-serialisable payload; stored in canonical form (RFC 8785) so its hash is reproducible. */
  readonly data: unknown;
}

/** An event as it is recorded: immutable, positioned, hash-chained. */
export interface RecordedEvent {
  /** 1-based position in the whole log, in commit order, without gaps. */
  readonly globalPosition: number;
  readonly streamId: string;
  /** 1-based position within its stream. */
  readonly streamPosition: number;
  readonly type: string;
  readonly data: unknown;
  /** Who caused it: a person id, or `system:<component>`. */
  readonly actor: string;
  /** Server time, ISO 8601 with milliseconds, UTC. Never set by a client. */
  readonly recordedAt: string;
  /** Hex SHA-256 of the previous event of the same stream (64 zeros for the first). */
  readonly prevHash: string;
  /** Hex SHA-256 over prevHash and the canonical encoding of this event (see ledger/event-hash.ts). */
  readonly hash: string;
}

/** Read models live in ordinary tables; projections change them inside the append's transaction. */
export interface ProjectionTx {
  get<T = unknown>(collection: string, id: string): Promise<T | undefined>;
  put(collection: string, id: string, doc: unknown): Promise<void>;
  delete(collection: string, id: string): Promise<void>;
}

/** Updates read models for the events of one command; throwing aborts the whole command. */
export type Projector = (tx: ProjectionTx, events: readonly RecordedEvent[]) => Promise<void> | void;

/** `'no_stream'`: the stream must not exist yet; `'any'`: no check; a number: the stream's current version. */
export type ExpectedVersion = number | 'no_stream' | 'any';

/** Events for one more stream of the same command, committed atomically with the main stream's. */
export interface StreamAppend {
  readonly streamId: string;
  readonly events: readonly NewEvent[];
  readonly expectedVersion: ExpectedVersion;
}

export interface AppendRequest {
  readonly streamId: string;
  readonly events: readonly NewEvent[];
  readonly expectedVersion: ExpectedVersion;
  /**
   * Other streams the same command changes (a batch starting a step also allocates the press): all streams
   * are checked against their expected versions and written in one transaction, or none is.
   */
  readonly also?: readonly StreamAppend[];
  readonly actor: string;
  /** A retried request with the same key returns the first result and writes nothing. */
  readonly idempotencyKey?: string;
  /**
   * What makes two requests "the same" for the idempotency key. Defaults to a hash of the events; a caller
   * whose events carry the server time (every decider) passes a hash of the command instead.
   */
  readonly fingerprint?: string;
  readonly project?: Projector;
}

export interface AppendResult {
  readonly streamId: string;
  /** The stream's version after the append (its last stream position). */
  readonly nextVersion: number;
  readonly firstGlobalPosition: number;
  readonly lastGlobalPosition: number;
  /** Versions of the `also` streams after the append (absent on a replayed result). */
  readonly also?: readonly { readonly streamId: string; readonly nextVersion: number }[];
  /** True when this result is the stored answer to an earlier request with the same idempotency key. */
  readonly replayed: boolean;
}

export interface IdempotentResult {
  readonly fingerprint: string;
  readonly streamId: string;
  readonly nextVersion: number;
  readonly firstGlobalPosition: number;
  readonly lastGlobalPosition: number;
}

export interface ReadOptions {
  /** Return events with a position strictly greater than this (default 0). */
  readonly after?: number;
  readonly limit?: number;
}

export type Unsubscribe = () => void;

export interface LogHead {
  /** Number of events in the log (= last global position). */
  readonly size: number;
  /** Hex Merkle tree hash over all events (RFC 6962), empty-tree hash for size 0. */
  readonly rootHash: string;
}

export interface EventStore {
  /** Appends one command's events and runs its projector, all in one durable transaction. */
  append(request: AppendRequest): Promise<AppendResult>;
  readStream(streamId: string, options?: ReadOptions): Promise<RecordedEvent[]>;
  /** Events of the whole log after a global position, in commit order. */
  readAll(options?: ReadOptions): Promise<RecordedEvent[]>;
  /** What an idempotency key was first used for, if it was. */
  findIdempotent(key: string): Promise<IdempotentResult | undefined>;
  /** Current version of a stream, 0 when it does not exist. */
  streamVersion(streamId: string): Promise<number>;
  /** Reads a read model document (committed state). */
  getDocument<T = unknown>(collection: string, id: string): Promise<T | undefined>;
  listDocuments<T = unknown>(collection: string): Promise<T[]>;
  /** Calls `handler` for every event committed after `afterPosition`, in order, on this node or (PostgreSQL) any node. */
  subscribe(afterPosition: number, handler: (event: RecordedEvent) => void): Unsubscribe;
  head(): Promise<LogHead>;
  close(): Promise<void>;
}
