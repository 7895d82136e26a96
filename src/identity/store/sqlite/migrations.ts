/** Schema of the identity tables on SQLite, numbered as in postgres/ and recorded in identity_schema_migrations. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'credentials, sessions, API tokens',
    sql: `
      CREATE TABLE identity_credentials (
        person_id            TEXT    PRIMARY KEY,
        username             TEXT    NOT NULL,
        -- NFC, lower case: "JDoe" and "jdoe" are one username, and a username is never given twice.
        username_key         TEXT    NOT NULL UNIQUE,
        password_hash        TEXT,
        account_kind         TEXT    NOT NULL CHECK (account_kind IN ('personal', 'generic')),
        failed_count         INTEGER NOT NULL DEFAULT 0,
        locked_until         TEXT,
        last_failure_at      TEXT,
        password_changed_at  TEXT,
        must_change_password INTEGER NOT NULL DEFAULT 0,
        created_at           TEXT    NOT NULL,
        version              INTEGER NOT NULL DEFAULT 0
      ) STRICT;

      CREATE TABLE identity_sessions (
        id_hash      TEXT PRIMARY KEY,
        person_id    TEXT NOT NULL REFERENCES identity_credentials (person_id),
        site         TEXT NOT NULL,
        csrf_token   TEXT NOT NULL,
        created_at   TEXT NOT NULL,
        last_seen_at TEXT NOT NULL,
        expires_at   TEXT NOT NULL
      ) STRICT;
      CREATE INDEX identity_sessions_person ON identity_sessions (person_id);

      CREATE TABLE identity_tokens (
        id          TEXT PRIMARY KEY,
        token_hash  TEXT NOT NULL UNIQUE,
        person_id   TEXT NOT NULL REFERENCES identity_credentials (person_id),
        site        TEXT NOT NULL,
        role        TEXT NOT NULL,
        label       TEXT NOT NULL,
        created_at  TEXT NOT NULL,
        created_by  TEXT NOT NULL,
        expires_at  TEXT,
        revoked_at  TEXT,
        revoked_by  TEXT
      ) STRICT;
      CREATE INDEX identity_tokens_site ON identity_tokens (site);
    `,
  },
];
