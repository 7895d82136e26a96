/** Schema of the identity tables on PostgreSQL, numbered as in sqlite/ and recorded in identity_schema_migrations. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'credentials, sessions, API tokens',
    // Times are ISO 8601 TEXT as in SQLite: they compare as strings, identically on both engines.
    sql: `
      CREATE TABLE identity_credentials (
        person_id            TEXT COLLATE "C" PRIMARY KEY,
        username             TEXT    NOT NULL,
        -- NFC, lower case: "JDoe" and "jdoe" are one username, and a username is never given twice.
        username_key         TEXT COLLATE "C" NOT NULL UNIQUE,
        password_hash        TEXT,
        account_kind         TEXT    NOT NULL CHECK (account_kind IN ('personal', 'generic')),
        failed_count         INTEGER NOT NULL DEFAULT 0,
        locked_until         TEXT,
        last_failure_at      TEXT,
        password_changed_at  TEXT,
        must_change_password BOOLEAN NOT NULL DEFAULT FALSE,
        created_at           TEXT    NOT NULL,
        version              INTEGER NOT NULL DEFAULT 0
      );

      CREATE TABLE identity_sessions (
        id_hash      TEXT COLLATE "C" PRIMARY KEY,
        person_id    TEXT COLLATE "C" NOT NULL REFERENCES identity_credentials (person_id),
        site         TEXT NOT NULL,
        csrf_token   TEXT NOT NULL,
        created_at   TEXT NOT NULL,
        last_seen_at TEXT NOT NULL,
        expires_at   TEXT NOT NULL
      );
      CREATE INDEX identity_sessions_person ON identity_sessions (person_id);

      CREATE TABLE identity_tokens (
        id          TEXT COLLATE "C" PRIMARY KEY,
        token_hash  TEXT COLLATE "C" NOT NULL UNIQUE,
        person_id   TEXT COLLATE "C" NOT NULL REFERENCES identity_credentials (person_id),
        site        TEXT COLLATE "C" NOT NULL,
        role        TEXT NOT NULL,
        label       TEXT NOT NULL,
        created_at  TEXT NOT NULL,
        created_by  TEXT NOT NULL,
        expires_at  TEXT,
        revoked_at  TEXT,
        revoked_by  TEXT
      );
      CREATE INDEX identity_tokens_site ON identity_tokens (site);
    `,
  },
];
