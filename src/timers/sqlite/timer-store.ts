/**
 * Timers on SQLite, in the store's own database file, through a connection of their own. That connection
 * never waits on SQLite's lock (busy_timeout 0) — the store's writer may hold it across an await in this same
 * process, and a blocking wait would stall the event loop it needs to finish — it retries after a pause.
 * Each timer transaction is synchronous, so it never holds the lock across an await itself.
 */
import Database from 'better-sqlite3';
import type { Database as Db } from 'better-sqlite3';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TimerRow, TimerStore, TimerSync } from '../timer-store.ts';
import { timerMigrations } from './migrations.ts';

const BUSY_RETRIES = 1000;
const BUSY_PAUSE_MS = 10;

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

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED';
}

/** Runs a synchronous unit of work, retrying while another connection holds the write lock. */
async function retrying<T>(work: () => T): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return work();
    } catch (error) {
      if (!isBusy(error) || attempt >= BUSY_RETRIES) throw error;
      await sleep(BUSY_PAUSE_MS);
    }
  }
}

function migrate(db: Db): void {
  db.exec('CREATE TABLE IF NOT EXISTS timer_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT');
  const applied = new Set((db.prepare('SELECT version FROM timer_migrations').all() as { version: number }[]).map((r) => r.version));
  for (const m of timerMigrations) {
    if (applied.has(m.version)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare('INSERT INTO timer_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, new Date().toISOString());
    }).immediate();
  }
}

/** Opens the timer tables in the SQLite database at `file` (the store's file), creating them if needed. */
export async function openSqliteTimerStore(options: { readonly file: string }): Promise<TimerStore> {
  const db = new Database(options.file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 0');
  await retrying(() => migrate(db));

  const insert = db.prepare(
    `INSERT INTO timer_timers (key, kind, subject, due_at, payload, status) VALUES (?, ?, ?, ?, ?, 'pending') ON CONFLICT (key) DO NOTHING`,
  );
  const cancelAll = db.prepare(`UPDATE timer_timers SET status = 'cancelled', claimed_by = NULL, claimed_until = NULL WHERE subject = ? AND status = 'pending'`);
  const cancelOthers = db.prepare(
    `UPDATE timer_timers SET status = 'cancelled', claimed_by = NULL, claimed_until = NULL WHERE subject = ? AND status = 'pending' AND key NOT IN (SELECT value FROM json_each(?))`,
  );
  const moveCursor = db.prepare('INSERT INTO timer_cursors (name, position) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET position = max(position, excluded.position)');
  const readCursor = db.prepare('SELECT position FROM timer_cursors WHERE name = ?');
  // One statement: SQLite runs it under its write lock, so no two connections claim the same row.
  const claim = db.prepare(
    `UPDATE timer_timers SET claimed_by = ?, claimed_until = ?, attempts = attempts + 1
     WHERE key IN (SELECT key FROM timer_timers WHERE status = 'pending' AND due_at <= ? AND (claimed_until IS NULL OR claimed_until < ?) ORDER BY due_at, key LIMIT ?)
     RETURNING *`,
  );
  const finish = db.prepare(`UPDATE timer_timers SET status = ?, fired_at = ?, result = ?, claimed_until = NULL WHERE key = ? AND claimed_by = ? AND status = 'pending'`);
  const fail = db.prepare(`UPDATE timer_timers SET claimed_by = NULL, claimed_until = NULL, last_error = ? WHERE key = ? AND claimed_by = ? AND status = 'pending'`);
  const listAll = db.prepare('SELECT * FROM timer_timers ORDER BY due_at, key');
  const listSubject = db.prepare('SELECT * FROM timer_timers WHERE subject = ? ORDER BY due_at, key');

  const sync = db.transaction((changes: TimerSync) => {
    for (const t of changes.schedule) insert.run(t.key, t.kind, t.subject, t.dueAt, JSON.stringify(t.payload ?? null));
    for (const c of changes.cancel) {
      if (c.keep.length === 0) cancelAll.run(c.subject);
      else cancelOthers.run(c.subject, JSON.stringify(c.keep));
    }
    if (changes.cursor) moveCursor.run(changes.cursor.name, changes.cursor.position);
  });

  return {
    sync: (changes) => retrying(() => sync.immediate(changes)),
    async cursor(name) {
      const row = readCursor.get(name) as { position: number } | undefined;
      return row?.position ?? 0;
    },
    claimDue: (now, owner, leaseMs, limit) =>
      retrying(() => (claim.all(owner, new Date(Date.parse(now) + leaseMs).toISOString(), now, now, limit) as Raw[]).map(toRow).sort((a, b) => a.dueAt.localeCompare(b.dueAt) || a.key.localeCompare(b.key))),
    finish: (key, owner, status, at, result) => retrying(() => finish.run(status, at, result, key, owner).changes === 1),
    fail: (key, owner, error) => retrying(() => void fail.run(error.slice(0, 2000), key, owner)),
    async list(subject) {
      return ((subject === undefined ? listAll.all() : listSubject.all(subject)) as Raw[]).map(toRow);
    },
    async close() {
      db.close();
    },
  };
}
