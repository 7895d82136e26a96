/** Schema of the PostgreSQL backend, as numbered migrations run in order at start (same numbering as sqlite/). */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/** Every migration, oldest first; each runs once per database, in the transaction that records it. */
export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'event log, streams, idempotency, read models, checkpoints',
    // Keys are COLLATE "C" so that ORDER BY gives byte order, as SQLite does, whatever the database's locale.
    // `data` is TEXT, not JSONB: the hash covers its exact bytes, and JSONB would reorder and reformat them.
    sql: `
      CREATE TABLE events (
        global_position BIGINT PRIMARY KEY,
        stream_id       TEXT COLLATE "C" NOT NULL,
        stream_position BIGINT NOT NULL,
        type            TEXT   NOT NULL,
        data            TEXT   NOT NULL,
        actor           TEXT   NOT NULL,
        recorded_at     TEXT   NOT NULL,
        prev_hash       TEXT   NOT NULL,
        hash            TEXT   NOT NULL,
        UNIQUE (stream_id, stream_position)
      );

      CREATE TABLE streams (
        stream_id TEXT COLLATE "C" PRIMARY KEY,
        version   BIGINT NOT NULL,
        hash      TEXT   NOT NULL
      );

      -- One row: the log's size and Merkle frontier, updated in the same transaction as the events.
      -- Writers lock it (FOR UPDATE) first, which serialises them across every node.
      CREATE TABLE log_state (
        id       INTEGER PRIMARY KEY CHECK (id = 1),
        size     BIGINT  NOT NULL,
        frontier JSONB   NOT NULL
      );
      INSERT INTO log_state (id, size, frontier) VALUES (1, 0, '[]');

      CREATE TABLE idempotency (
        key                   TEXT COLLATE "C" PRIMARY KEY,
        fingerprint           TEXT   NOT NULL,
        stream_id             TEXT   NOT NULL,
        next_version          BIGINT NOT NULL,
        first_global_position BIGINT NOT NULL,
        last_global_position  BIGINT NOT NULL
      );

      CREATE TABLE documents (
        collection TEXT COLLATE "C" NOT NULL,
        id         TEXT COLLATE "C" NOT NULL,
        doc        JSONB NOT NULL,
        PRIMARY KEY (collection, id)
      );

      CREATE TABLE checkpoints (
        size       BIGINT PRIMARY KEY,
        root_hash  TEXT   NOT NULL,
        note       TEXT   NOT NULL,
        created_at TEXT   NOT NULL
      );

      -- The record is append-only in the database itself, whatever the application does.
      CREATE FUNCTION refuse_append_only_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% are append-only: % refused', TG_TABLE_NAME, TG_OP;
      END
      $$;

      CREATE TRIGGER events_no_change BEFORE UPDATE OR DELETE ON events
        FOR EACH ROW EXECUTE FUNCTION refuse_append_only_change();
      CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
        FOR EACH STATEMENT EXECUTE FUNCTION refuse_append_only_change();
      CREATE TRIGGER checkpoints_no_change BEFORE UPDATE OR DELETE ON checkpoints
        FOR EACH ROW EXECUTE FUNCTION refuse_append_only_change();
      CREATE TRIGGER checkpoints_no_truncate BEFORE TRUNCATE ON checkpoints
        FOR EACH STATEMENT EXECUTE FUNCTION refuse_append_only_change();

      -- ALWAYS: ordinary triggers are skipped under session_replication_role = replica (restores, replication).
      ALTER TABLE events ENABLE ALWAYS TRIGGER events_no_change;
      ALTER TABLE events ENABLE ALWAYS TRIGGER events_no_truncate;
      ALTER TABLE checkpoints ENABLE ALWAYS TRIGGER checkpoints_no_change;
      ALTER TABLE checkpoints ENABLE ALWAYS TRIGGER checkpoints_no_truncate;
    `,
  },
];
