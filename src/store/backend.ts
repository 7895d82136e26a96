/**
 * The small interface one storage engine implements (one folder per engine, the same file names in each).
 * Everything that is the same for every engine — group commit, hashing, the Merkle log, checkpoints,
 * idempotency and concurrency rules — lives once in ledger-store.ts, on top of this.
 */
import type { ProjectionTx } from './event-store.ts';
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

/** Operations inside one write transaction. Calls are strictly sequential (never concurrent). */
export interface WriteTx extends ProjectionTx {
  /** Reads the log state and holds the log's write lock until commit (PostgreSQL: `FOR UPDATE`). */
  lockLog(): Promise<LogState>;
  saveLogState(state: LogState): Promise<void>;
  streamHead(streamId: string): Promise<StreamHead | undefined>;
  saveStreamHead(streamId: string, head: StreamHead): Promise<void>;
  findIdempotency(key: string): Promise<IdempotencyRecord | undefined>;
  saveIdempotency(key: string, record: IdempotencyRecord): Promise<void>;
  insertEvents(rows: readonly EventRow[]): Promise<void>;
  /** Savepoints isolate one command of a group commit; they never nest. */
  savepoint(): Promise<void>;
  releaseSavepoint(): Promise<void>;
  rollbackToSavepoint(): Promise<void>;
}

export interface Backend {
  /** Runs `work` in one transaction and commits it durably; rolls back and rethrows on any error. */
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
