/** The timer tables on SQLite (same numbering as postgres/), recorded in their own `timer_migrations`. */
export interface TimerMigration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const timerMigrations: readonly TimerMigration[] = [
  {
    version: 1,
    name: 'timers and reactor cursors',
    sql: `
      CREATE TABLE timer_timers (
        key           TEXT    PRIMARY KEY,
        kind          TEXT    NOT NULL,
        subject       TEXT    NOT NULL,
        due_at        TEXT    NOT NULL,
        payload       TEXT    NOT NULL,
        status        TEXT    NOT NULL CHECK (status IN ('pending', 'fired', 'skipped', 'cancelled')),
        attempts      INTEGER NOT NULL DEFAULT 0,
        claimed_by    TEXT,
        claimed_until TEXT,
        fired_at      TEXT,
        result        TEXT,
        last_error    TEXT
      ) STRICT;
      CREATE INDEX timer_timers_due ON timer_timers (status, due_at);
      CREATE INDEX timer_timers_subject ON timer_timers (subject);
      CREATE TABLE timer_cursors (
        name     TEXT    PRIMARY KEY,
        position INTEGER NOT NULL
      ) STRICT;
    `,
  },
];
