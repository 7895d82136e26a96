/**
 * Timers on PostgreSQL, in the store's database, through a pool of their own. Several server processes
 * may run the scheduler: a claim takes due rows with FOR UPDATE SKIP LOCKED inside one UPDATE, so each row
 * goes to exactly one process, which holds it for a lease.
 */
import pg from 'pg';
import type { TimerRow, TimerStore, TimerSync } from '../timer-store.ts';
import { timerMigrations } from './migrations.ts';

/** Any constant; only processes sharing a database wait on it. Differs from the store's migration lock. */
const MIGRATION_LOCK = 0x4f42_5449; // 'OBTI'

interface Raw {
  key: string;
  kind: string;
  subject: string;
  due_at: string;
  payload: string;
  status: TimerRow['status'];
  attempts: number;
  claimed_by: string | null;
  claimed_until: string | null;
  fired_at: string | null;
  result: string | null;
  last_error: string | null;
}

function toRow(r: Raw): TimerRow {
  return {
    key: r.key,
    kind: r.kind,
    subject: r.subject,
    dueAt: r.due_at,
    payload: JSON.parse(r.payload) as unknown,
    status: r.status,
    attempts: r.attempts,
    ...(r.claimed_by !== null ? { claimedBy: r.claimed_by } : {}),
    ...(r.claimed_until !== null ? { claimedUntil: r.claimed_until } : {}),
    ...(r.fired_at !== null ? { firedAt: r.fired_at } : {}),
    ...(r.result !== null ? { result: r.result } : {}),
    ...(r.last_error !== null ? { lastError: r.last_error } : {}),
  };
}

async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch((e: Error) => {
      broken = e;
    });
    throw error;
  } finally {
    client.release(broken);
  }
}

/** Opens a pool on the store's database and brings the timer tables up to date. */
export async function openPostgresTimerStore(options: { readonly connectionString: string; readonly poolSize?: number }): Promise<TimerStore> {
  const pool = new pg.Pool({ connectionString: options.connectionString, application_name: 'openbes-timers', max: options.poolSize ?? 3 });
  pool.on('error', () => {});
  try {
    await inTransaction(pool, async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      await client.query('CREATE TABLE IF NOT EXISTS timer_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
      const { rows } = await client.query<{ version: number }>('SELECT version FROM timer_migrations');
      const applied = new Set(rows.map((r) => r.version));
      for (const m of timerMigrations) {
        if (applied.has(m.version)) continue;
        await client.query(m.sql);
        await client.query('INSERT INTO timer_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [m.version, m.name, new Date().toISOString()]);
      }
    });
  } catch (error) {
    await pool.end();
    throw error;
  }

  return {
    sync: (changes: TimerSync) =>
      inTransaction(pool, async (client) => {
        for (const t of changes.schedule) {
          await client.query(`INSERT INTO timer_timers (key, kind, subject, due_at, payload, status) VALUES ($1, $2, $3, $4, $5, 'pending') ON CONFLICT (key) DO NOTHING`, [
            t.key,
            t.kind,
            t.subject,
            t.dueAt,
            JSON.stringify(t.payload ?? null),
          ]);
        }
        for (const c of changes.cancel) {
          await client.query(
            `UPDATE timer_timers SET status = 'cancelled', claimed_by = NULL, claimed_until = NULL WHERE subject = $1 AND status = 'pending' AND NOT (key = ANY($2::text[]))`,
            [c.subject, c.keep],
          );
        }
        if (changes.cursor) {
          await client.query(
            'INSERT INTO timer_cursors (name, position) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET position = GREATEST(timer_cursors.position, EXCLUDED.position)',
            [changes.cursor.name, changes.cursor.position],
          );
        }
      }),
    async cursor(name) {
      const { rows } = await pool.query<{ position: string }>('SELECT position FROM timer_cursors WHERE name = $1', [name]);
      return rows[0] === undefined ? 0 : Number(rows[0].position);
    },
    async claimDue(now, owner, leaseMs, limit) {
      const until = new Date(Date.parse(now) + leaseMs).toISOString();
      const { rows } = await pool.query<Raw>(
        `UPDATE timer_timers SET claimed_by = $1, claimed_until = $2, attempts = attempts + 1
         WHERE key IN (
           SELECT key FROM timer_timers
           WHERE status = 'pending' AND due_at <= $3 AND (claimed_until IS NULL OR claimed_until < $3)
           ORDER BY due_at, key LIMIT $4
           FOR UPDATE SKIP LOCKED)
         RETURNING *`,
        [owner, until, now, limit],
      );
      return rows.map(toRow).sort((a, b) => (a.dueAt < b.dueAt ? -1 : a.dueAt > b.dueAt ? 1 : a.key < b.key ? -1 : 1));
    },
    async finish(key, owner, status, at, result) {
      const { rowCount } = await pool.query(`UPDATE timer_timers SET status = $1, fired_at = $2, result = $3, claimed_until = NULL WHERE key = $4 AND claimed_by = $5 AND status = 'pending'`, [
        status,
        at,
        result,
        key,
        owner,
      ]);
      return rowCount === 1;
    },
    async fail(key, owner, error) {
      await pool.query(`UPDATE timer_timers SET claimed_by = NULL, claimed_until = NULL, last_error = $1 WHERE key = $2 AND claimed_by = $3 AND status = 'pending'`, [error.slice(0, 2000), key, owner]);
    },
    async list(subject) {
      const { rows } =
        subject === undefined ? await pool.query<Raw>('SELECT * FROM timer_timers ORDER BY due_at, key') : await pool.query<Raw>('SELECT * FROM timer_timers WHERE subject = $1 ORDER BY due_at, key', [subject]);
      return rows.map(toRow);
    },
    close: () => pool.end(),
  };
}
