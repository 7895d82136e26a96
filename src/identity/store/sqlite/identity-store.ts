/**
 * The identity tables in the embedded SQLite file, through a connection of their own (WAL lets it write
 * between the event store's transactions; busy_timeout waits out the rare overlap).
 */
import Database from 'better-sqlite3';
import type { Database as Db } from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { AttemptCounters } from '../../lockout.ts';
import {
  byCreation,
  usernameKey,
  type AccountKind,
  type CredentialRow,
  type IdentityStore,
  type ReservationResult,
  type SessionRow,
  type TokenRow,
  type UsernameReservation,
} from '../identity-store.ts';
import { migrations } from './migrations.ts';

interface RawCredential {
  person_id: string;
  username: string;
  password_hash: string | null;
  account_kind: string;
  failed_count: number;
  locked_until: string | null;
  last_failure_at: string | null;
  password_changed_at: string | null;
  must_change_password: number;
  created_at: string;
  version: number;
}

interface RawSession {
  id_hash: string;
  person_id: string;
  site: string;
  csrf_token: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
}

interface RawToken {
  id: string;
  token_hash: string;
  person_id: string;
  site: string;
  role: string;
  label: string;
  created_at: string;
  created_by: string;
  expires_at: string | null;
  revoked_at: string | null;
  revoked_by: string | null;
}

const credential = (r: RawCredential): CredentialRow => ({
  personId: r.person_id,
  username: r.username,
  passwordHash: r.password_hash,
  accountKind: r.account_kind as AccountKind,
  failedCount: r.failed_count,
  lockedUntil: r.locked_until,
  lastFailureAt: r.last_failure_at,
  passwordChangedAt: r.password_changed_at,
  mustChangePassword: r.must_change_password === 1,
  createdAt: r.created_at,
  version: r.version,
});

const session = (r: RawSession): SessionRow => ({
  idHash: r.id_hash,
  personId: r.person_id,
  site: r.site,
  csrfToken: r.csrf_token,
  createdAt: r.created_at,
  lastSeenAt: r.last_seen_at,
  expiresAt: r.expires_at,
});

const token = (r: RawToken): TokenRow => ({
  id: r.id,
  tokenHash: r.token_hash,
  personId: r.person_id,
  site: r.site,
  role: r.role,
  label: r.label,
  createdAt: r.created_at,
  createdBy: r.created_by,
  expiresAt: r.expires_at,
  revokedAt: r.revoked_at,
  revokedBy: r.revoked_by,
});

function migrate(db: Db): void {
  db.exec('CREATE TABLE IF NOT EXISTS identity_schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT');
  const applied = new Set((db.prepare('SELECT version FROM identity_schema_migrations').all() as { version: number }[]).map((r) => r.version));
  for (const m of migrations) {
    if (applied.has(m.version)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare('INSERT INTO identity_schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, new Date().toISOString());
    }).immediate();
  }
}

/** Opens the identity tables in the SQLite file `file` (the event store's), creating them if needed. */
export function openSqliteIdentityStore(file: string): IdentityStore {
  mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 10000');
  db.pragma('foreign_keys = ON');
  migrate(db);
  const sessionColumns = 'id_hash, person_id, site, csrf_token, created_at, last_seen_at, expires_at';
  const tokenColumns = 'id, token_hash, person_id, site, role, label, created_at, created_by, expires_at, revoked_at, revoked_by';
  const q = {
    reserve: db.prepare(
      `INSERT INTO identity_credentials (person_id, username, username_key, account_kind, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    ),
    release: db.prepare('DELETE FROM identity_credentials WHERE person_id = ? AND password_hash IS NULL AND password_changed_at IS NULL'),
    byKey: db.prepare('SELECT * FROM identity_credentials WHERE username_key = ?'),
    byPerson: db.prepare('SELECT * FROM identity_credentials WHERE person_id = ?'),
    setPassword: db.prepare(
      `UPDATE identity_credentials SET password_hash = ?, password_changed_at = ?, must_change_password = ?,
         failed_count = 0, locked_until = NULL, last_failure_at = NULL, version = version + 1 WHERE person_id = ?`,
    ),
    counters: db.prepare(
      'UPDATE identity_credentials SET failed_count = ?, locked_until = ?, last_failure_at = ?, version = version + 1 WHERE person_id = ? AND version = ?',
    ),
    createSession: db.prepare(`INSERT INTO identity_sessions (${sessionColumns}) VALUES (?, ?, ?, ?, ?, ?, ?)`),
    session: db.prepare(`SELECT ${sessionColumns} FROM identity_sessions WHERE id_hash = ?`),
    touch: db.prepare('UPDATE identity_sessions SET last_seen_at = ? WHERE id_hash = ?'),
    rotate: db.prepare('UPDATE identity_sessions SET id_hash = ?, last_seen_at = ? WHERE id_hash = ?'),
    deleteSession: db.prepare(`DELETE FROM identity_sessions WHERE id_hash = ? RETURNING ${sessionColumns}`),
    deleteSessionsOf: db.prepare(`DELETE FROM identity_sessions WHERE person_id = ? AND id_hash <> ? RETURNING ${sessionColumns}`),
    sessionsOf: db.prepare(`SELECT ${sessionColumns} FROM identity_sessions WHERE person_id = ? ORDER BY created_at, id_hash`),
    allSessions: db.prepare(`SELECT ${sessionColumns} FROM identity_sessions ORDER BY created_at, id_hash`),
    createToken: db.prepare(`INSERT INTO identity_tokens (${tokenColumns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    tokenByHash: db.prepare(`SELECT ${tokenColumns} FROM identity_tokens WHERE token_hash = ?`),
    token: db.prepare(`SELECT ${tokenColumns} FROM identity_tokens WHERE id = ?`),
    tokensAt: db.prepare(`SELECT ${tokenColumns} FROM identity_tokens WHERE site = ? ORDER BY created_at, id`),
    revoke: db.prepare('UPDATE identity_tokens SET revoked_at = ?, revoked_by = ? WHERE id = ? AND revoked_at IS NULL'),
  };
  const one = <R, T>(row: unknown, map: (r: R) => T): T | undefined => (row === undefined ? undefined : map(row as R));

  return {
    async reserveUsername(r: UsernameReservation): Promise<ReservationResult> {
      const key = usernameKey(r.username);
      if (q.reserve.run(r.personId, r.username, key, r.accountKind, r.createdAt).changes === 1) return 'reserved';
      const holder = q.byKey.get(key) as RawCredential | undefined;
      if (holder !== undefined) return holder.person_id === r.personId ? 'already_reserved' : 'username_taken';
      return 'person_has_username';
    },
    async releaseUsername(personId) {
      q.release.run(personId);
    },
    credentialByUsername: async (username) => one(q.byKey.get(usernameKey(username)), credential),
    credentialOf: async (personId) => one(q.byPerson.get(personId), credential),
    setPassword: async (personId, passwordHash, at, mustChange) => q.setPassword.run(passwordHash, at, mustChange ? 1 : 0, personId).changes === 1,
    updateCounters: async (personId, expectedVersion, c: AttemptCounters) =>
      q.counters.run(c.failedCount, c.lockedUntil, c.lastFailureAt, personId, expectedVersion).changes === 1,

    async createSession(s) {
      q.createSession.run(s.idHash, s.personId, s.site, s.csrfToken, s.createdAt, s.lastSeenAt, s.expiresAt);
    },
    session: async (idHash) => one(q.session.get(idHash), session),
    async touchSession(idHash, at) {
      q.touch.run(at, idHash);
    },
    rotateSession: async (oldIdHash, newIdHash, at) => q.rotate.run(newIdHash, at, oldIdHash).changes === 1,
    deleteSession: async (idHash) => one(q.deleteSession.get(idHash), session),
    deleteSessionsOf: async (personId, keep = '') => (q.deleteSessionsOf.all(personId, keep) as RawSession[]).map(session).sort(byCreation),
    sessionsOf: async (personId) => (q.sessionsOf.all(personId) as RawSession[]).map(session),
    allSessions: async () => (q.allSessions.all() as RawSession[]).map(session),

    async createToken(t) {
      q.createToken.run(t.id, t.tokenHash, t.personId, t.site, t.role, t.label, t.createdAt, t.createdBy, t.expiresAt, t.revokedAt, t.revokedBy);
    },
    tokenByHash: async (tokenHash) => one(q.tokenByHash.get(tokenHash), token),
    token: async (id) => one(q.token.get(id), token),
    tokensAt: async (site) => (q.tokensAt.all(site) as RawToken[]).map(token),
    revokeToken: async (id, at, by) => q.revoke.run(at, by, id).changes === 1,

    async close() {
      db.close();
    },
  };
}
