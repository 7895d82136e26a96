/**
 * The small interface one storage engine implements (one folder per engine, the same file names in each).
 * Everything that is the same for every engine — group commit, hashing, the Merkle log, checkpoints,
 * idempotency and concurrency rules — lives once in ledger-store.ts, on top of this.
 */
import type { SnapshotRecord } from './snapshot.ts';

/** An event row exactly as stored. `data` is canonical JSON text: the hash covers these bytes. */
export interface EventRow {
  readonly globalPosition: number;
  readonly streamId: string;
  readonly streamPosition: number;
  readonly type: string;
  readonly data: string;
  readonly actor: string;
  readonly recordedAt: string;
  readonly prevHash: string;
  readonly hash: string;
}

export interface StreamHead {
  readonly version: number;
  readonly hash: string;
}

/** The log's size and the roots of its perfect subtrees, left to right (hex); see ledger/merkle.ts. */
export interface LogState {
  readonly size: number;
  readonly frontier: readonly string[];
}

export interface IdempotencyRecord {
  /** SHA-256 over the request, so that reusing a key for a different request is caught. */
  readonly fingerprint: string;
  readonly streamId: string;
  readonly nextVersion: number;
  readonly firstGlobalPosition: number;
  readonly lastGlobalPosition: number;
}

export interface CheckpointRow {
  readonly size: number;
  readonly rootHash: string;
  /** The signed note, exactly as signed and as appended to the checkpoint file. */
  readonly note: string;
  readonly createdAt: string;
}

/** A read-model document change: its JSON text (as JSON.stringify writes it), or `undefined` to delete it. */
export interface DocumentChange {
  readonly collection: string;
  readonly id: string;
  readonly doc: string | undefined;
}

/**
 * What a group commit changes besides its events, net of all its commands (each key at most once): written
 * by WriteTx.flush in a few multi-row statements.
 */
export interface GroupChanges {
  /** The new head of every stream the group appended to. */
  readonly streamHeads: ReadonlyMap<string, StreamHead>;
  /** The idempotency keys first used by this group (never one already in the database). */
  readonly idempotency: ReadonlyMap<string, IdempotencyRecord>;
  readonly documents: readonly DocumentChange[];
  /** The log state after the group; undefined when the log did not grow. */
  readonly log: LogState | undefined;
}

/**
 * Operations inside one write transaction, in the order they are called. A caller may issue a call before
 * the previous one settled (the reads of a group are issued together); the backend runs them in the order
 * issued (PostgreSQL pipelines them on one connection). Nothing is written before `flush`: the commands of a
 * group run against an in-memory overlay (group-overlay.ts), so a failed command needs no savepoint.
 */
export interface WriteTx {
  /** Reads the log state and holds the log's write lock until commit (PostgreSQL: `FOR UPDATE`). */
  lockLog(): Promise<LogState>;
  /** The heads of those of `streamIds` that exist, in one query. */
  streamHeads(streamIds: readonly string[]): Promise<Map<string, StreamHead>>;
  /** The records of those of `keys` that were used, in one query. */
  findIdempotencies(keys: readonly string[]): Promise<Map<string, IdempotencyRecord>>;
  /** A read-model document's JSON text, undefined when there is none. */
  getDocument(collection: string, id: string): Promise<string | undefined>;
  /**
   * Hands over the events of one command that succeeded, in log order (called once per such command, so
   * the number of calls is the number of commands that wrote). They are written by `flush`, not before.
   */
  insertEvents(rows: readonly EventRow[]): Promise<void>;
  /**
   * Writes the events handed over and `changes`, once, at the end of the transaction. It may leave its
   * statements in flight to be pipelined with the COMMIT; their errors then reject `write`.
   */
  flush(changes: GroupChanges): Promise<void>;
}

export interface Backend {
  /**
   * Runs `work` in one transaction and commits it durably; rolls back and rethrows on any error (also an
   * error of a statement `flush` left in flight). Resolves only after the COMMIT succeeded.
   */
  write<T>(work: (tx: WriteTx) => Promise<T>): Promise<T>;
  readStream(streamId: string, after: number, limit: number): Promise<EventRow[]>;
  readAll(after: number, limit: number): Promise<EventRow[]>;
  streamHead(streamId: string): Promise<StreamHead | undefined>;
  findIdempotency(key: string): Promise<IdempotencyRecord | undefined>;
  logState(): Promise<LogState>;
  getDocument(collection: string, id: string): Promise<unknown>;
  listDocuments(collection: string): Promise<unknown[]>;
  insertCheckpoint(row: CheckpointRow): Promise<void>;
  listCheckpoints(): Promise<CheckpointRow[]>;
  /** Every row of every table as of one instant, while writers go on (an online, consistent copy). */
  exportSnapshot(): AsyncIterable<SnapshotRecord>;
  /** Writes a snapshot into this empty store in one transaction; refuses a store that holds anything. */
  importSnapshot(records: AsyncIterable<SnapshotRecord>): Promise<void>;
  /** Calls `onCommit` when another node commits (PostgreSQL NOTIFY); a no-op where there is one process. */
  watchCommits(onCommit: () => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}
