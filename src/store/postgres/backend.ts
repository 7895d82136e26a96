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
  const pool = new pg.Pool({ ...config, max: options.poolSize ?? 10 });
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

async function migrate(client: PoolClient): Promise<void> {
  // Nodes starting together queue here; the later ones then find the work done.
  await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
  await client.query(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
  );
  const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
  const applied = new Set(rows.map((r) => r.version));
  for (const m of migrations) {
    if (applied.has(m.version)) continue;
    await client.query(m.sql);
    await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
      m.version,
      m.name,
      new Date().toISOString(),
    ]);
  }
}

/** Runs `work` between BEGIN and COMMIT on one pooled connection; rolls back and rethrows on any error. */
async function transaction<T>(pool: pg.Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  // A checked-out client has no pool listener; a connection lost between queries would otherwise crash us.
  const onError = (error: Error) => {
    broken = error;
  };
  client.on('error', onError);
  try {
    await client.query('BEGIN');
    const result = await work(client);
    // A COMMIT lost with its connection leaves the outcome unknown: we throw, so the caller never
    // acknowledges, and a retry with the same idempotency key finds out which way it went.
    await client.query('COMMIT');
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
    return transaction(this.pool, async (client) => {
      let inserted = false;
      const result = await work(makeWriteTx(client, () => (inserted = true)));
      // NOTIFY is delivered at commit and dropped on rollback, so listeners only hear of real commits.
      if (inserted) await client.query(`NOTIFY ${CHANNEL}`);
      return result;
    });
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

async function selectIdempotency(db: Queryable, key: string): Promise<IdempotencyRecord | undefined> {
  const { rows } = await db.query<{
    fingerprint: string;
    stream_id: string;
    next_version: number;
    first_global_position: number;
    last_global_position: number;
  }>('SELECT fingerprint, stream_id, next_version, first_global_position, last_global_position FROM idempotency WHERE key = $1', [key]);
  const row = rows[0];
  if (row === undefined) return undefined;
  return {
    fingerprint: row.fingerprint,
    streamId: row.stream_id,
    nextVersion: row.next_version,
    firstGlobalPosition: row.first_global_position,
    lastGlobalPosition: row.last_global_position,
  };
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

function makeWriteTx(client: PoolClient, onInsert: () => void): WriteTx {
  return {
    async lockLog() {
      // The row lock is held to COMMIT: the next writer, on any node, waits here and then reads our result.
      const { rows } = await client.query<LogState>('SELECT size, frontier FROM log_state WHERE id = 1 FOR UPDATE');
      return rows[0]!;
    },
    async saveLogState(state) {
      await client.query('UPDATE log_state SET size = $1, frontier = $2::jsonb WHERE id = 1', [
        state.size,
        JSON.stringify(state.frontier),
      ]);
    },
    async streamHead(streamId) {
      return selectStreamHead(client, streamId);
    },
    async saveStreamHead(streamId, head) {
      await client.query(
        'INSERT INTO streams (stream_id, version, hash) VALUES ($1, $2, $3) ON CONFLICT (stream_id) DO UPDATE SET version = excluded.version, hash = excluded.hash',
        [streamId, head.version, head.hash],
      );
    },
    async findIdempotency(key) {
      return selectIdempotency(client, key);
    },
    async saveIdempotency(key, r) {
      await client.query(
        'INSERT INTO idempotency (key, fingerprint, stream_id, next_version, first_global_position, last_global_position) VALUES ($1, $2, $3, $4, $5, $6)',
        [key, r.fingerprint, r.streamId, r.nextVersion, r.firstGlobalPosition, r.lastGlobalPosition],
      );
    },
    async insertEvents(rows) {
      if (rows.length === 0) return;
      // One round trip per command, whatever its size: one array per column, zipped back by unnest.
      await client.query(
        `INSERT INTO events (${EVENT_COLUMNS})
         SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])`,
        [
          rows.map((e) => e.globalPosition),
          rows.map((e) => e.streamId),
          rows.map((e) => e.streamPosition),
          rows.map((e) => e.type),
          rows.map((e) => e.data),
          rows.map((e) => e.actor),
          rows.map((e) => e.recordedAt),
          rows.map((e) => e.prevHash),
          rows.map((e) => e.hash),
        ],
      );
      onInsert();
    },
    async get<T>(collection: string, id: string) {
      return (await selectDocument(client, collection, id)) as T | undefined;
    },
    async put(collection, id, doc) {
      // Stringified by hand: pg would turn a top-level array into a PostgreSQL array, not JSON.
      await client.query(
        'INSERT INTO documents (collection, id, doc) VALUES ($1, $2, $3::jsonb) ON CONFLICT (collection, id) DO UPDATE SET doc = excluded.doc',
        [collection, id, JSON.stringify(doc)],
      );
    },
    async delete(collection, id) {
      await client.query('DELETE FROM documents WHERE collection = $1 AND id = $2', [collection, id]);
    },
    async savepoint() {
      await client.query('SAVEPOINT command');
    },
    async releaseSavepoint() {
      await client.query('RELEASE SAVEPOINT command');
    },
    async rollbackToSavepoint() {
      await client.query('ROLLBACK TO SAVEPOINT command; RELEASE SAVEPOINT command');
    },
  };
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
