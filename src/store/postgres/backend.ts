/**
 * The server backend: PostgreSQL through a connection pool. Several server nodes may share one database;
 * the row lock on log_state serialises their writers, and NOTIFY tells each node of the others' commits.
 */
import pg from 'pg';
import type { ClientConfig, PoolClient } from 'pg';
import type {
  Backend,
  CheckpointRow,
  EventRow,
  IdempotencyRecord,
  GroupChanges,
  LogState,
  StreamHead,
  WriteTx,
} from '../backend.ts';
import { migrations } from './migrations.ts';
import { exportPostgresSnapshot, importPostgresSnapshot } from './snapshot.ts';
import type { SnapshotRecord } from '../snapshot.ts';

/** How to reach the database, and how many connections this node may hold. */
export interface PostgresBackendOptions {
  readonly connectionString: string;
  /** Pool size for writes and reads (default 10); each watchCommits call holds one more connection. */
  readonly poolSize?: number;
}

const CHANNEL = 'bes_commits';
/** Any constant will do; advisory locks are per database, so only nodes sharing a database wait on it. */
const MIGRATION_LOCK = 0x4f42_4553; // 'OBES'
const RECONNECT_DELAY_MS = 1_000;

const EVENT_COLUMNS =
  'global_position, stream_id, stream_position, type, data, actor, recorded_at, prev_hash, hash';

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

function toEventRow(r: RawEvent): EventRow {
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

/** BIGINT arrives as text (it may exceed 2^53); ours never do, and callers expect numbers, so fail loudly if one does. */
function parseInt8(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new RangeError(`BIGINT ${text} is beyond JavaScript's safe integers`);
  return n;
}

/** Scoped to our connections: the global pg.types would change every other pg user in the process. */
function typeOverrides(): pg.TypeOverrides {
  const types = new pg.TypeOverrides();
  types.setTypeParser(pg.types.builtins.INT8, parseInt8);
  return types;
}

/** Opens a pool on the database and brings its schema up to date before returning. */
export async function openPostgresBackend(options: PostgresBackendOptions): Promise<Backend> {
  const config: ClientConfig = {
    connectionString: options.connectionString,
    application_name: 'openbes',
    types: typeOverrides(),
  };
  // Pipelined: a connection sends a statement without waiting for the previous one's answer, so a group
  // commit's statements travel in two round trips (lock and reads; writes and COMMIT), not one per statement.
  const pool = new pg.Pool({ ...config, max: options.poolSize ?? 10, pipeline: true });
  // An idle client that loses its connection is emitted here; the pool already discards it, and an
  // unhandled 'error' event would crash the process.
  pool.on('error', () => {});
  try {
    await transaction(pool, migrate);
  } catch (error) {
    await pool.end();
    throw error;
  }
  return new PostgresBackend(pool, config);
}

async function migrate(tx: PostgresWriteTx): Promise<void> {
  // Nodes starting together queue here; the later ones then find the work done.
  await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
  await tx.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
  const { rows } = await tx.query<{ version: number }>('SELECT version FROM schema_migrations');
  const applied = new Set(rows.map((r) => r.version));
  for (const m of migrations) {
    if (applied.has(m.version)) continue;
    await tx.query(m.sql);
    await tx.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
      m.version,
      m.name,
      new Date().toISOString(),
    ]);
  }
}

/**
 * Runs `work` in one transaction on one pooled connection and commits it (`PostgresWriteTx.commit`); rolls
 * back and rethrows on any error.
 */
async function transaction<T>(pool: pg.Pool, work: (tx: PostgresWriteTx) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  // A checked-out client has no pool listener; a connection lost between queries would otherwise crash us.
  const onError = (error: Error) => {
    broken = error;
  };
  client.on('error', onError);
  try {
    const tx = new PostgresWriteTx(client);
    const result = await work(tx);
    // A COMMIT lost with its connection leaves the outcome unknown: we throw, so the caller never
    // acknowledges, and a retry with the same idempotency key finds out which way it went.
    await tx.commit();
    return result;
  } catch (error) {
    try {
      await client.query('ROLLBACK');
    } catch (rollbackError) {
      broken ??= rollbackError as Error;
    }
    throw error;
  } finally {
    client.removeListener('error', onError);
    // With an error the pool destroys the connection instead of handing it out again.
    client.release(broken);
  }
}

class PostgresBackend implements Backend {
  private readonly pool: pg.Pool;
  private readonly config: ClientConfig;
  private readonly watchers = new Set<CommitWatcher>();
  private closed = false;

  constructor(pool: pg.Pool, config: ClientConfig) {
    this.pool = pool;
    this.config = config;
  }

  async write<T>(work: (tx: WriteTx) => Promise<T>): Promise<T> {
    return transaction(this.pool, work);
  }

  async readStream(streamId: string, after: number, limit: number): Promise<EventRow[]> {
    const { rows } = await this.pool.query<RawEvent>(
      `SELECT ${EVENT_COLUMNS} FROM events WHERE stream_id = $1 AND stream_position > $2 ORDER BY stream_position LIMIT $3`,
      [streamId, after, limit],
    );
    return rows.map(toEventRow);
  }

  async readAll(after: number, limit: number): Promise<EventRow[]> {
    const { rows } = await this.pool.query<RawEvent>(
      `SELECT ${EVENT_COLUMNS} FROM events WHERE global_position > $1 ORDER BY global_position LIMIT $2`,
      [after, limit],
    );
    return rows.map(toEventRow);
  }

  async streamHead(streamId: string): Promise<StreamHead | undefined> {
    return selectStreamHead(this.pool, streamId);
  }

  async findIdempotency(key: string): Promise<IdempotencyRecord | undefined> {
    return selectIdempotency(this.pool, key);
  }

  async logState(): Promise<LogState> {
    const { rows } = await this.pool.query<LogState>('SELECT size, frontier FROM log_state WHERE id = 1');
    return rows[0]!;
  }

  async getDocument(collection: string, id: string): Promise<unknown> {
    return selectDocument(this.pool, collection, id);
  }

  async listDocuments(collection: string): Promise<unknown[]> {
    const { rows } = await this.pool.query<{ doc: unknown }>(
      'SELECT doc FROM documents WHERE collection = $1 ORDER BY id',
      [collection],
    );
    return rows.map((r) => r.doc);
  }

  async insertCheckpoint(row: CheckpointRow): Promise<void> {
    await this.pool.query('INSERT INTO checkpoints (size, root_hash, note, created_at) VALUES ($1, $2, $3, $4)', [
      row.size,
      row.rootHash,
      row.note,
      row.createdAt,
    ]);
  }

  async listCheckpoints(): Promise<CheckpointRow[]> {
    const { rows } = await this.pool.query<{ size: number; root_hash: string; note: string; created_at: string }>(
      'SELECT size, root_hash, note, created_at FROM checkpoints ORDER BY size',
    );
    return rows.map((c) => ({ size: c.size, rootHash: c.root_hash, note: c.note, createdAt: c.created_at }));
  }

  exportSnapshot(): AsyncIterable<SnapshotRecord> {
    return exportPostgresSnapshot(this.pool);
  }

  async importSnapshot(records: AsyncIterable<SnapshotRecord>): Promise<void> {
    await importPostgresSnapshot(this.pool, records);
  }

  async watchCommits(onCommit: () => void): Promise<() => Promise<void>> {
    if (this.closed) throw new Error('backend is closed');
    const watcher = new CommitWatcher(this.config, onCommit);
    await watcher.start();
    this.watchers.add(watcher);
    return async () => {
      this.watchers.delete(watcher);
      await watcher.stop();
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.watchers].map((w) => w.stop()));
    this.watchers.clear();
    await this.pool.end();
  }
}

type Queryable = Pick<pg.Pool, 'query'>;

interface RawIdempotency {
  fingerprint: string;
  stream_id: string;
  next_version: number;
  first_global_position: number;
  last_global_position: number;
}

function idempotencyRecord(row: RawIdempotency): IdempotencyRecord {
  return {
    fingerprint: row.fingerprint,
    streamId: row.stream_id,
    nextVersion: row.next_version,
    firstGlobalPosition: row.first_global_position,
    lastGlobalPosition: row.last_global_position,
  };
}

async function selectIdempotency(db: Queryable, key: string): Promise<IdempotencyRecord | undefined> {
  const { rows } = await db.query<RawIdempotency>(
    'SELECT fingerprint, stream_id, next_version, first_global_position, last_global_position FROM idempotency WHERE key = $1',
    [key],
  );
  return rows[0] === undefined ? undefined : idempotencyRecord(rows[0]);
}

async function selectStreamHead(db: Queryable, streamId: string): Promise<StreamHead | undefined> {
  const { rows } = await db.query<StreamHead>('SELECT version, hash FROM streams WHERE stream_id = $1', [streamId]);
  return rows[0];
}

async function selectDocument(db: Queryable, collection: string, id: string): Promise<unknown> {
  // JSONB arrives already parsed.
  const { rows } = await db.query<{ doc: unknown }>('SELECT doc FROM documents WHERE collection = $1 AND id = $2', [
    collection,
    id,
  ]);
  return rows[0]?.doc;
}

/** The fixed statements of a write, prepared once per connection (named). */
const SQL = {
  lockLog: {
    name: 'bes-lock-log',
    // The row lock is held to COMMIT: the next writer, on any node, waits here and then reads our result.
    text: 'SELECT size, frontier FROM log_state WHERE id = 1 FOR UPDATE',
  },
  streamHeads: { name: 'bes-stream-heads', text: 'SELECT stream_id, version, hash FROM streams WHERE stream_id = ANY($1::text[])' },
  findIdempotencies: {
    name: 'bes-find-idempotencies',
    text: 'SELECT key, fingerprint, stream_id, next_version, first_global_position, last_global_position FROM idempotency WHERE key = ANY($1::text[])',
  },
  getDocument: { name: 'bes-get-document', text: 'SELECT doc::text AS doc FROM documents WHERE collection = $1 AND id = $2' },
  // Multi-row writes, one statement per table. The rows travel as one JSON array (a single text parameter)
  // unpacked by json_to_recordset: pg's array literals (one per column, for unnest) cost more to escape on our
  // side than the rest of the flush, event data and documents being full of quotes.
  insertEvents: {
    name: 'bes-insert-events',
    // The EventRow objects as they are: their property names are the record's column names.
    text: `INSERT INTO events (${EVENT_COLUMNS})
      SELECT "globalPosition", "streamId", "streamPosition", type, data, actor, "recordedAt", "prevHash", hash
      FROM json_to_recordset($1::json) AS r("globalPosition" bigint, "streamId" text, "streamPosition" bigint, type text,
        data text, actor text, "recordedAt" text, "prevHash" text, hash text)`,
  },
  saveStreamHeads: {
    name: 'bes-save-stream-heads',
    text: `INSERT INTO streams (stream_id, version, hash)
      SELECT s, v, h FROM json_to_recordset($1::json) AS r(s text, v bigint, h text)
      ON CONFLICT (stream_id) DO UPDATE SET version = excluded.version, hash = excluded.hash`,
  },
  saveIdempotencies: {
    name: 'bes-save-idempotencies',
    text: `INSERT INTO idempotency (key, fingerprint, stream_id, next_version, first_global_position, last_global_position)
      SELECT k, f, s, v, a, b FROM json_to_recordset($1::json) AS r(k text, f text, s text, v bigint, a bigint, b bigint)`,
  },
  putDocuments: {
    name: 'bes-put-documents',
    // Each document travels as its JSON text and is cast on its own: text that is not JSON fails, never spills over.
    text: `INSERT INTO documents (collection, id, doc) SELECT c, i, d::jsonb FROM json_to_recordset($1::json) AS r(c text, i text, d text)
      ON CONFLICT (collection, id) DO UPDATE SET doc = excluded.doc`,
  },
  deleteDocuments: {
    name: 'bes-delete-documents',
    text: 'DELETE FROM documents AS d USING json_to_recordset($1::json) AS r(c text, i text) WHERE d.collection = r.c AND d.id = r.i',
  },
  saveLogState: { name: 'bes-save-log-state', text: 'UPDATE log_state SET size = $1, frontier = $2::jsonb WHERE id = 1' },
} as const;

const ignore = () => {};

/**
 * One write transaction on a pipelined connection: a statement goes out without waiting for the answer to the
 * previous one. BEGIN, the lock and the reads go out together; the flush's statements are not waited for one
 * by one but go out together with NOTIFY and COMMIT, and `commit` settles them all. A group commit thus costs
 * two round trips, plus one per document a projector reads that the group does not hold yet.
 */
class PostgresWriteTx implements WriteTx {
  private readonly client: PoolClient;
  /** BEGIN, once sent; settles when it has run. */
  private begun: Promise<unknown> | undefined;
  /** Statements sent and not yet waited for, in the order sent. */
  private inFlight: Promise<unknown>[] = [];
  private events: EventRow[] = [];
  private inserted = false;

  constructor(client: PoolClient) {
    this.client = client;
  }

  async lockLog(): Promise<LogState> {
    const [, { rows }] = await Promise.all([this.begin(), this.send<LogState>(SQL.lockLog)]);
    return rows[0]!;
  }

  async streamHeads(streamIds: readonly string[]): Promise<Map<string, StreamHead>> {
    const heads = new Map<string, StreamHead>();
    if (streamIds.length === 0) return heads;
    void this.begin();
    const { rows } = await this.send<{ stream_id: string; version: number; hash: string }>({ ...SQL.streamHeads, values: [streamIds] });
    for (const r of rows) heads.set(r.stream_id, { version: r.version, hash: r.hash });
    return heads;
  }

  async findIdempotencies(keys: readonly string[]): Promise<Map<string, IdempotencyRecord>> {
    const records = new Map<string, IdempotencyRecord>();
    if (keys.length === 0) return records;
    void this.begin();
    const { rows } = await this.send<RawIdempotency & { key: string }>({ ...SQL.findIdempotencies, values: [keys] });
    for (const r of rows) records.set(r.key, idempotencyRecord(r));
    return records;
  }

  async getDocument(collection: string, id: string): Promise<string | undefined> {
    void this.begin();
    const { rows } = await this.send<{ doc: string }>({ ...SQL.getDocument, values: [collection, id] });
    return rows[0]?.doc;
  }

  async insertEvents(rows: readonly EventRow[]): Promise<void> {
    for (const row of rows) this.events.push(row);
  }

  async flush(changes: GroupChanges): Promise<void> {
    // Never a write outside the transaction (BEGIN has run already if the lock was taken first, as it is).
    await this.begin();
    const events = this.events;
    this.events = [];
    const write = (statement: { name: string; text: string }, values: unknown[]) => {
      this.inFlight.push(this.send({ ...statement, values }));
    };
    if (events.length > 0) {
      write(SQL.insertEvents, [JSON.stringify(events)]);
      this.inserted = true;
    }
    if (changes.streamHeads.size > 0) {
      const rows: { s: string; v: number; h: string }[] = [];
      for (const [s, head] of changes.streamHeads) rows.push({ s, v: head.version, h: head.hash });
      write(SQL.saveStreamHeads, [JSON.stringify(rows)]);
    }
    if (changes.idempotency.size > 0) {
      const rows: { k: string; f: string; s: string; v: number; a: number; b: number }[] = [];
      for (const [k, r] of changes.idempotency) {
        rows.push({ k, f: r.fingerprint, s: r.streamId, v: r.nextVersion, a: r.firstGlobalPosition, b: r.lastGlobalPosition });
      }
      write(SQL.saveIdempotencies, [JSON.stringify(rows)]);
    }
    const puts: { c: string; i: string; d: string }[] = [];
    const deletes: { c: string; i: string }[] = [];
    for (const d of changes.documents) {
      if (d.doc === undefined) deletes.push({ c: d.collection, i: d.id });
      else puts.push({ c: d.collection, i: d.id, d: d.doc });
    }
    if (puts.length > 0) write(SQL.putDocuments, [JSON.stringify(puts)]);
    if (deletes.length > 0) write(SQL.deleteDocuments, [JSON.stringify(deletes)]);
    if (changes.log !== undefined) write(SQL.saveLogState, [changes.log.size, JSON.stringify(changes.log.frontier)]);
  }

  /** Runs one statement of its own inside the transaction and waits for it (migrations). */
  async query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>> {
    await this.begin();
    return this.send<R>({ text, values });
  }

  /** Sends NOTIFY (when events were written) and COMMIT behind the flush, and settles everything sent. */
  async commit(): Promise<void> {
    if (this.begun === undefined) return;
    // NOTIFY is delivered at commit and dropped on rollback, so listeners only hear of real commits.
    if (this.inserted) this.inFlight.push(this.send(`NOTIFY ${CHANNEL}`));
    const commit = this.send('COMMIT');
    const sent = this.inFlight;
    this.inFlight = [];
    // The first statement that failed is the cause; PostgreSQL then answers COMMIT with a ROLLBACK.
    await Promise.all(sent);
    const { command } = await commit;
    if (command !== 'COMMIT') throw new Error(`the transaction was not committed (the server answered ${command})`);
  }

  /** Sends BEGIN unless it was sent; settles when it has run. */
  private begin(): Promise<unknown> {
    if (this.begun === undefined) {
      this.begun = this.send('BEGIN');
      this.inFlight.push(this.begun);
    }
    return this.begun;
  }

  /** Sends a statement now; whoever needs its result awaits it, the rest are settled by `commit`. */
  private send<R extends pg.QueryResultRow = pg.QueryResultRow>(query: string | pg.QueryConfig): Promise<pg.QueryResult<R>> {
    const result = this.client.query<R>(query);
    // Observed later (or not at all, after an earlier failure): never an unhandled rejection.
    result.catch(ignore);
    return result;
  }
}

/**
 * One LISTEN connection, outside the pool (it is never idle in the pool's sense). When the connection
 * is lost it reconnects, and then calls onCommit once, since commits made meanwhile were not announced.
 */
class CommitWatcher {
  private readonly config: ClientConfig;
  private readonly onCommit: () => void;
  private client: pg.Client | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(config: ClientConfig, onCommit: () => void) {
    // Keepalive: a half-open idle connection would otherwise never error, and notifications would just stop.
    this.config = { ...config, keepAlive: true, keepAliveInitialDelayMillis: 10_000 };
    this.onCommit = onCommit;
  }

  /** Connects and listens; rejects if the database cannot be reached now. */
  async start(): Promise<void> {
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    const client = this.client;
    this.client = undefined;
    if (client === undefined) return;
    try {
      await client.query(`UNLISTEN ${CHANNEL}`);
    } catch {
      // The connection is gone already; ending it is all that is left.
    }
    await client.end().catch(() => {});
  }

  private async connect(): Promise<void> {
    const client = new pg.Client(this.config);
    client.on('error', () => this.lose(client));
    client.on('end', () => this.lose(client));
    client.on('notification', (n) => {
      if (n.channel === CHANNEL) this.onCommit();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
    } catch (error) {
      await client.end().catch(() => {});
      throw error;
    }
    if (this.stopped) {
      await client.end().catch(() => {});
      return;
    }
    this.client = client;
  }

  private lose(client: pg.Client): void {
    // Events of a connection still being set up, or already replaced or stopped, are not ours to handle.
    if (client !== this.client) return;
    this.client = undefined;
    void client.end().catch(() => {});
    this.reconnectLater();
  }

  private reconnectLater(): void {
    if (this.stopped || this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.connect().then(
        () => {
          if (!this.stopped) this.onCommit();
        },
        () => this.reconnectLater(),
      );
    }, RECONNECT_DELAY_MS);
    // A watcher waiting to reconnect must not keep a process alive that has nothing else to do.
    this.timer.unref();
  }
}
