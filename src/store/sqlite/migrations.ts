/** Schema of the SQLite backend, as numbered migrations run in order at start (same numbering as postgres/). */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'event log, streams, idempotency, read models, checkpoints',
    sql: `
      CREATE TABLE events (
        global_position INTEGER PRIMARY KEY,
        stream_id       TEXT    NOT NULL,
        stream_position INTEGER NOT NULL,
        type            TEXT    NOT NULL,
        data            TEXT    NOT NULL,
        actor           TEXT    NOT NULL,
        recorded_at     TEXT    NOT NULL,
        prev_hash       TEXT    NOT NULL,
        hash            TEXT    NOT NULL,
        UNIQUE (stream_id, stream_position)
      ) STRICT;
      -- The record is append-only in the database itself, whatever the application does.
      CREATE TRIGGER events_no_update BEFORE UPDATE ON events
        BEGIN SELECT RAISE(ABORT, 'events are append-only: UPDATE refused'); END;
      CREATE TRIGGER events_no_delete BEFORE DELETE ON events
        BEGIN SELECT RAISE(ABORT, 'events are append-only: DELETE refused'); END;

      CREATE TABLE streams (
        stream_id TEXT    PRIMARY KEY,
        version   INTEGER NOT NULL,
        hash      TEXT    NOT NULL
      ) STRICT;

      -- One row: the log's size and Merkle frontier, updated in the same transaction as the events.
      CREATE TABLE log_state (
        id       INTEGER PRIMARY KEY CHECK (id = 1),
        size     INTEGER NOT NULL,
        frontier TEXT    NOT NULL
      ) STRICT;
      INSERT INTO log_state (id, size, frontier) VALUES (1, 0, '[]');

      CREATE TABLE idempotency (
        key                   TEXT    PRIMARY KEY,
        fingerprint           TEXT    NOT NULL,
        stream_id             TEXT    NOT NULL,
        next_version          INTEGER NOT NULL,
        first_global_position INTEGER NOT NULL,
        last_global_position  INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE documents (
        collection TEXT NOT NULL,
        id         TEXT NOT NULL,
        doc        TEXT NOT NULL,
        PRIMARY KEY (collection, id)
      ) STRICT;

      CREATE TABLE checkpoints (
        size       INTEGER PRIMARY KEY,
        root_hash  TEXT    NOT NULL,
        note       TEXT    NOT NULL,
        created_at TEXT    NOT NULL
      ) STRICT;
      CREATE TRIGGER checkpoints_no_update BEFORE UPDATE ON checkpoints
        BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only: UPDATE refused'); END;
      CREATE TRIGGER checkpoints_no_delete BEFORE DELETE ON checkpoints
        BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only: DELETE refused'); END;
    `,
  },
];
