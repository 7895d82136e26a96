/** The timer tables on PostgreSQL (same numbering as sqlite/), recorded in their own `timer_migrations`. */
export interface TimerMigration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const timerMigrations: readonly TimerMigration[] = [
  {
    version: 1,
    name: 'timers and reactor cursors',
    // Text keys COLLATE "C": ISO timestamps compare by their bytes, whatever the database's locale.
    sql: `
      CREATE TABLE timer_timers (
        key           TEXT COLLATE "C" PRIMARY KEY,
        kind          TEXT    NOT NULL,
        subject       TEXT COLLATE "C" NOT NULL,
        due_at        TEXT COLLATE "C" NOT NULL,
        payload       TEXT    NOT NULL,
        status        TEXT    NOT NULL CHECK (status IN ('pending', 'fired', 'skipped', 'cancelled')),
        attempts      INTEGER NOT NULL DEFAULT 0,
        claimed_by    TEXT,
        claimed_until TEXT COLLATE "C",
        fired_at      TEXT,
        result        TEXT,
        last_error    TEXT
      );
      CREATE INDEX timer_timers_due ON timer_timers (status, due_at);
      CREATE INDEX timer_timers_subject ON timer_timers (subject);
      CREATE TABLE timer_cursors (
        name     TEXT COLLATE "C" PRIMARY KEY,
        position BIGINT NOT NULL
      );
    `,
  },
];
