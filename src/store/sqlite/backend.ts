/**
 * The embedded backend: one SQLite file in WAL mode with synchronous=FULL, a writer connection and a
 * read-only connection (readers never see a transaction in progress).
 */
import Database from 'better-sqlite3';
import type { Database as Db } from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type {
  Backend,
  CheckpointRow,
  EventRow,
  IdempotencyRecord,
  LogState,
  StreamHead,
  WriteTx,
} from '../backend.ts';
import { migrations } from './migrations.ts';
import { TransactionAbortedError } from '../errors.ts';
import { exportSqliteSnapshot, importSqliteSnapshot } from './snapshot.ts';
import type { SnapshotRecord } from '../snapshot.ts';

export interface SqliteBackendOptions {
  /** Path of the database file; its folder is created if missing. */
  readonly file: string;
  /**
   * Test/ops knob: caps the database at this many pages (`PRAGMA max_page_count` on the writer, after
   * migrations), so a full disk can be simulated: writes past it fail with SQLITE_FULL. Unset: no cap.
   */
  readonly maxPageCount?: number;
}

interface RawEvent {
  global_position: number;
  stream_id: string;
  stream_position: number;
  type: string;
  data: string;
  actor: string;
  recorded_at: string;
  prev_hash: string;
  hash: string;
}

const EVENT_COLUMNS =
  'global_position, stream_id, stream_position, type, data, actor, recorded_at, prev_hash, hash';

/** A row of EVENT_COLUMNS in raw mode, in the same order. */
type RawEventTuple = [number, string, number, string, string, string, string, string, string];

export function toEventRow(r: RawEvent): EventRow {
  return {
    globalPosition: r.global_position,
    streamId: r.stream_id,
    streamPosition: r.stream_position,
    type: r.type,
    data: r.data,
    actor: r.actor,
    recordedAt: r.recorded_at,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

function configure(db: Db): void {
  db.pragma('journal_mode = WAL');
  // FULL: NORMAL may lose the last committed transactions on power loss, and we acknowledge on commit.
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 10000');
  db.pragma('foreign_keys = ON');
}

function migrate(db: Db): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT');
  const applied = new Set(
    (db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version),
  );
  for (const m of migrations) {
    if (applied.has(m.version)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        m.version,
        m.name,
        new Date().toISOString(),
      );
    }).immediate();
  }
}

/** Opens (creating and migrating if needed) the SQLite database at `options.file`. */
export function openSqliteBackend(options: SqliteBackendOptions): Backend {
  const { maxPageCount } = options;
  if (maxPageCount !== undefined && !(Number.isSafeInteger(maxPageCount) && maxPageCount > 0)) {
    throw new RangeError('maxPageCount must be a positive integer');
  }
  mkdirSync(dirname(options.file), { recursive: true });
  const writer = new Database(options.file);
  configure(writer);
  migrate(writer);
  if (maxPageCount !== undefined) writer.pragma(`max_page_count = ${maxPageCount}`);
  const reader = new Database(options.file, { readonly: true });
  reader.pragma('busy_timeout = 10000');
  return new SqliteBackend(options.file, writer, reader);
}

class SqliteBackend implements Backend {
  private readonly file: string;
  private readonly writer: Db;
  private readonly reader: Db;
  private readonly w: ReturnType<typeof writerStatements>;
  private readonly r: ReturnType<typeof readerStatements>;
  private readonly tx: GuardedTx;

  constructor(file: string, writer: Db, reader: Db) {
    this.file = file;
    this.writer = writer;
    this.reader = reader;
    this.w = writerStatements(writer);
    this.r = readerStatements(reader);
    this.tx = makeWriteTx(writer, this.w);
  }

  async write<T>(work: (tx: WriteTx) => Promise<T>): Promise<T> {
    // IMMEDIATE takes the write lock up front, so another process (a CLI next to the server) waits, not fails late.
    // Prepared like every statement of a write: nothing is parsed per transaction.
    this.w.begin.run();
    this.tx.reset();
    try {
      const result = await work(this.tx);
      // The work may have caught an error that ended the transaction; committing then would be a lie.
      this.tx.assertLive();
      this.w.commit.run();
      return result;
    } catch (error) {
      // A failed COMMIT (disk full, I/O error) may already have rolled back; never acknowledge it.
      if (this.writer.inTransaction) this.w.rollback.run();
      throw error;
    } finally {
      this.tx.reset();
    }
  }

  async readStream(streamId: string, after: number, limit: number): Promise<EventRow[]> {
    return (this.r.readStream.all(streamId, after, limit) as RawEvent[]).map(toEventRow);
  }

  async readAll(after: number, limit: number): Promise<EventRow[]> {
    // Verification reads the whole log through here: rows as arrays (raw mode) are much cheaper to build
    // than objects keyed by column name, and only the EventRow objects remain.
    const rows = this.r.readAll.all(after, limit) as RawEventTuple[];
    const out = new Array<EventRow>(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!;
      out[i] = {
        globalPosition: r[0],
        streamId: r[1],
        streamPosition: r[2],
        type: r[3],
        data: r[4],
        actor: r[5],
        recordedAt: r[6],
        prevHash: r[7],
        hash: r[8],
      };
    }
    return out;
  }

  async streamHead(streamId: string): Promise<StreamHead | undefined> {
    return this.r.streamHead.get(streamId) as StreamHead | undefined;
  }

  async logState(): Promise<LogState> {
    return parseLogState(this.r.logState.get() as { size: number; frontier: string });
  }

  async findIdempotency(key: string): Promise<IdempotencyRecord | undefined> {
    return idempotencyRecord(this.r.findIdempotency.get(key) as RawIdempotency | undefined);
  }

  async getDocument(collection: string, id: string): Promise<unknown> {
    const row = this.r.getDocument.get(collection, id) as { doc: string } | undefined;
    return row === undefined ? undefined : JSON.parse(row.doc);
  }

  async listDocuments(collection: string): Promise<unknown[]> {
    return (this.r.listDocuments.all(collection) as { doc: string }[]).map((row) => JSON.parse(row.doc));
  }

  async insertCheckpoint(row: CheckpointRow): Promise<void> {
    this.w.insertCheckpoint.run(row.size, row.rootHash, row.note, row.createdAt);
  }

  async listCheckpoints(): Promise<CheckpointRow[]> {
    return (
      this.r.listCheckpoints.all() as { size: number; root_hash: string; note: string; created_at: string }[]
    ).map((c) => ({ size: c.size, rootHash: c.root_hash, note: c.note, createdAt: c.created_at }));
  }

  exportSnapshot(): AsyncIterable<SnapshotRecord> {
    return exportSqliteSnapshot(this.file);
  }

  async importSnapshot(records: AsyncIterable<SnapshotRecord>): Promise<void> {
    await importSqliteSnapshot(this.writer, records);
  }

  async watchCommits(): Promise<() => Promise<void>> {
    // One process writes an embedded database; the store itself announces its own commits.
    return async () => {};
  }

  async close(): Promise<void> {
    this.reader.close();
    this.writer.close();
  }
}

interface RawIdempotency {
  fingerprint: string;
  stream_id: string;
  next_version: number;
  first_global_position: number;
  last_global_position: number;
}

function idempotencyRecord(row: RawIdempotency | undefined): IdempotencyRecord | undefined {
  if (row === undefined) return undefined;
  return {
    fingerprint: row.fingerprint,
    streamId: row.stream_id,
    nextVersion: row.next_version,
    firstGlobalPosition: row.first_global_position,
    lastGlobalPosition: row.last_global_position,
  };
}

function parseLogState(row: { size: number; frontier: string }): LogState {
  return { size: row.size, frontier: JSON.parse(row.frontier) as string[] };
}

function readerStatements(db: Db) {
  return {
    readStream: db.prepare(
      `SELECT ${EVENT_COLUMNS} FROM events WHERE stream_id = ? AND stream_position > ? ORDER BY stream_position LIMIT ?`,
    ),
    // Raw: each row an array in EVENT_COLUMNS order (see RawEventTuple).
    readAll: db
      .prepare(`SELECT ${EVENT_COLUMNS} FROM events WHERE global_position > ? ORDER BY global_position LIMIT ?`)
      .raw(true),
    streamHead: db.prepare('SELECT version, hash FROM streams WHERE stream_id = ?'),
    logState: db.prepare('SELECT size, frontier FROM log_state WHERE id = 1'),
    getDocument: db.prepare('SELECT doc FROM documents WHERE collection = ? AND id = ?'),
    listDocuments: db.prepare('SELECT doc FROM documents WHERE collection = ? ORDER BY id'),
    listCheckpoints: db.prepare('SELECT size, root_hash, note, created_at FROM checkpoints ORDER BY size'),
    findIdempotency: db.prepare(
      'SELECT fingerprint, stream_id, next_version, first_global_position, last_global_position FROM idempotency WHERE key = ?',
    ),
  };
}

function writerStatements(db: Db) {
  return {
    begin: db.prepare('BEGIN IMMEDIATE'),
    commit: db.prepare('COMMIT'),
    rollback: db.prepare('ROLLBACK'),
    logState: db.prepare('SELECT size, frontier FROM log_state WHERE id = 1'),
    saveLogState: db.prepare('UPDATE log_state SET size = ?, frontier = ? WHERE id = 1'),
    // One statement for any number of keys: the ids travel as one JSON array.
    streamHeads: db.prepare('SELECT stream_id, version, hash FROM streams WHERE stream_id IN (SELECT value FROM json_each(?))'),
    saveStreamHead: db.prepare(
      'INSERT INTO streams (stream_id, version, hash) VALUES (?, ?, ?) ON CONFLICT (stream_id) DO UPDATE SET version = excluded.version, hash = excluded.hash',
    ),
    findIdempotencies: db.prepare(
      'SELECT key, fingerprint, stream_id, next_version, first_global_position, last_global_position FROM idempotency WHERE key IN (SELECT value FROM json_each(?))',
    ),
    saveIdempotency: db.prepare(
      'INSERT INTO idempotency (key, fingerprint, stream_id, next_version, first_global_position, last_global_position) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    insertEvent: db.prepare(`INSERT INTO events (${EVENT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    getDocument: db.prepare('SELECT doc FROM documents WHERE collection = ? AND id = ?').pluck(),
    putDocument: db.prepare(
      'INSERT INTO documents (collection, id, doc) VALUES (?, ?, ?) ON CONFLICT (collection, id) DO UPDATE SET doc = excluded.doc',
    ),
    deleteDocument: db.prepare('DELETE FROM documents WHERE collection = ? AND id = ?'),
    insertCheckpoint: db.prepare('INSERT INTO checkpoints (size, root_hash, note, created_at) VALUES (?, ?, ?, ?)'),
  };
}

/** A write transaction whose statements refuse to run once SQLite has rolled it back by itself. */
interface GuardedTx extends WriteTx {
  /** Throws if the database abandoned the transaction (then COMMIT would commit nothing, or worse). */
  assertLive(): void;
  /** Forgets the previous transaction: its cause and any events handed over but not flushed. */
  reset(): void;
}

function makeWriteTx(db: Db, s: ReturnType<typeof writerStatements>): GuardedTx {
  // SQLITE_FULL and I/O errors roll back the whole transaction, not just the statement. Without this
  // guard, later statements would run in autocommit and commit part of a group (e.g. a caller that caught
  // the error of one flush statement and went on).
  let cause: unknown;
  let events: EventRow[] = [];
  const op = <T>(work: () => T): T => {
    if (!db.inTransaction) throw new TransactionAbortedError(cause);
    try {
      return work();
    } catch (error) {
      if (!db.inTransaction) cause ??= error;
      throw error;
    }
  };
  return {
    assertLive() {
      if (!db.inTransaction) throw new TransactionAbortedError(cause);
    },
    reset() {
      cause = undefined;
      events = [];
    },
    async lockLog() {
      return op(() => parseLogState(s.logState.get() as { size: number; frontier: string }));
    },
    async streamHeads(streamIds) {
      const heads = new Map<string, StreamHead>();
      if (streamIds.length === 0) return heads;
      const rows = op(() => s.streamHeads.all(JSON.stringify(streamIds)) as { stream_id: string; version: number; hash: string }[]);
      for (const r of rows) heads.set(r.stream_id, { version: r.version, hash: r.hash });
      return heads;
    },
    async findIdempotencies(keys) {
      const records = new Map<string, IdempotencyRecord>();
      if (keys.length === 0) return records;
      const rows = op(() => s.findIdempotencies.all(JSON.stringify(keys)) as (RawIdempotency & { key: string })[]);
      for (const r of rows) records.set(r.key, idempotencyRecord(r)!);
      return records;
    },
    async getDocument(collection, id) {
      return op(() => s.getDocument.get(collection, id) as string | undefined);
    },
    async insertEvents(rows) {
      op(() => {
        for (const row of rows) events.push(row);
      });
    },
    async flush(changes) {
      const rows = events;
      events = [];
      // One loop of prepared statements per table. The first error ends the flush, and `write` rolls back.
      op(() => {
        for (const e of rows) {
          s.insertEvent.run(e.globalPosition, e.streamId, e.streamPosition, e.type, e.data, e.actor, e.recordedAt, e.prevHash, e.hash);
        }
        for (const [streamId, head] of changes.streamHeads) s.saveStreamHead.run(streamId, head.version, head.hash);
        for (const [key, r] of changes.idempotency) {
          s.saveIdempotency.run(key, r.fingerprint, r.streamId, r.nextVersion, r.firstGlobalPosition, r.lastGlobalPosition);
        }
        for (const d of changes.documents) {
          if (d.doc === undefined) s.deleteDocument.run(d.collection, d.id);
          else s.putDocument.run(d.collection, d.id, d.doc);
        }
        if (changes.log !== undefined) s.saveLogState.run(changes.log.size, JSON.stringify(changes.log.frontier));
      });
    },
  };
}
