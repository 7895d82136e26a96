/** The identity tables in PostgreSQL, through a small pool of their own on the event store's database. */
import pg from 'pg';
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

/** Another constant than the event store's: the two schemas migrate independently. */
const MIGRATION_LOCK = 0x4f42_4944; // 'OBID'

interface RawCredential {
  person_id: string;
  username: string;
  password_hash: string | null;
  account_kind: string;
  failed_count: number;
  locked_until: string | null;
  last_failure_at: string | null;
  password_changed_at: string | null;
  must_change_password: boolean;
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
  mustChangePassword: r.must_change_password,
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

const SESSION_COLUMNS = 'id_hash, person_id, site, csrf_token, created_at, last_seen_at, expires_at';
const TOKEN_COLUMNS = 'id, token_hash, person_id, site, role, label, created_at, created_by, expires_at, revoked_at, revoked_by';

async function migrate(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    // Nodes starting together queue here; the later ones then find the work done.
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query('CREATE TABLE IF NOT EXISTS identity_schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
    const { rows } = await client.query<{ version: number }>('SELECT version FROM identity_schema_migrations');
    const applied = new Set(rows.map((r) => r.version));
    for (const m of migrations) {
      if (applied.has(m.version)) continue;
      await client.query(m.sql);
      await client.query('INSERT INTO identity_schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [m.version, m.name, new Date().toISOString()]);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/** Opens the identity tables in the PostgreSQL database at `connectionString`, creating them if needed. */
export async function openPostgresIdentityStore(connectionString: string, poolSize = 4): Promise<IdentityStore> {
  const pool = new pg.Pool({ connectionString, max: poolSize, application_name: 'openbes-identity' });
  // An idle client that loses its connection is emitted here; the pool discards it already.
  pool.on('error', () => {});
  try {
    await migrate(pool);
  } catch (error) {
    await pool.end();
    throw error;
  }
  const rows = async <R>(sql: string, params: unknown[]): Promise<R[]> => (await pool.query(sql, params)).rows as R[];
  const count = async (sql: string, params: unknown[]): Promise<number> => (await pool.query(sql, params)).rowCount ?? 0;
  const first = async <R, T>(sql: string, params: unknown[], map: (r: R) => T): Promise<T | undefined> => {
    const [r] = await rows<R>(sql, params);
    return r === undefined ? undefined : map(r);
  };

  return {
    async reserveUsername(r: UsernameReservation): Promise<ReservationResult> {
      const key = usernameKey(r.username);
      const inserted = await count(
        'INSERT INTO identity_credentials (person_id, username, username_key, account_kind, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING',
        [r.personId, r.username, key, r.accountKind, r.createdAt],
      );
      if (inserted === 1) return 'reserved';
      const [holder] = await rows<{ person_id: string }>('SELECT person_id FROM identity_credentials WHERE username_key = $1', [key]);
      if (holder !== undefined) return holder.person_id === r.personId ? 'already_reserved' : 'username_taken';
      return 'person_has_username';
    },
    async releaseUsername(personId) {
      await pool.query('DELETE FROM identity_credentials WHERE person_id = $1 AND password_hash IS NULL AND password_changed_at IS NULL', [personId]);
    },
    credentialByUsername: (username) => first('SELECT * FROM identity_credentials WHERE username_key = $1', [usernameKey(username)], credential),
    credentialOf: (personId) => first('SELECT * FROM identity_credentials WHERE person_id = $1', [personId], credential),
    setPassword: async (personId, passwordHash, at, mustChange) =>
      (await count(
        `UPDATE identity_credentials SET password_hash = $1, password_changed_at = $2, must_change_password = $3,
           failed_count = 0, locked_until = NULL, last_failure_at = NULL, version = version + 1 WHERE person_id = $4`,
        [passwordHash, at, mustChange, personId],
      )) === 1,
    updateCounters: async (personId, expectedVersion, c: AttemptCounters) =>
      (await count(
        'UPDATE identity_credentials SET failed_count = $1, locked_until = $2, last_failure_at = $3, version = version + 1 WHERE person_id = $4 AND version = $5',
        [c.failedCount, c.lockedUntil, c.lastFailureAt, personId, expectedVersion],
      )) === 1,

    async createSession(s) {
      await pool.query(`INSERT INTO identity_sessions (${SESSION_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)`, [
        s.idHash,
        s.personId,
        s.site,
        s.csrfToken,
        s.createdAt,
        s.lastSeenAt,
        s.expiresAt,
      ]);
    },
    session: (idHash) => first(`SELECT ${SESSION_COLUMNS} FROM identity_sessions WHERE id_hash = $1`, [idHash], session),
    async touchSession(idHash, at) {
      await pool.query('UPDATE identity_sessions SET last_seen_at = $1 WHERE id_hash = $2', [at, idHash]);
    },
    rotateSession: async (oldIdHash, newIdHash, at) =>
      (await count('UPDATE identity_sessions SET id_hash = $1, last_seen_at = $2 WHERE id_hash = $3', [newIdHash, at, oldIdHash])) === 1,
    deleteSession: (idHash) => first(`DELETE FROM identity_sessions WHERE id_hash = $1 RETURNING ${SESSION_COLUMNS}`, [idHash], session),
    deleteSessionsOf: async (personId, keep = '') =>
      (await rows<RawSession>(`DELETE FROM identity_sessions WHERE person_id = $1 AND id_hash <> $2 RETURNING ${SESSION_COLUMNS}`, [personId, keep]))
        .map(session)
        .sort(byCreation),
    sessionsOf: async (personId) =>
      (await rows<RawSession>(`SELECT ${SESSION_COLUMNS} FROM identity_sessions WHERE person_id = $1 ORDER BY created_at, id_hash`, [personId])).map(session),
    allSessions: async () => (await rows<RawSession>(`SELECT ${SESSION_COLUMNS} FROM identity_sessions ORDER BY created_at, id_hash`, [])).map(session),

    async createToken(t) {
      await pool.query(`INSERT INTO identity_tokens (${TOKEN_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`, [
        t.id,
        t.tokenHash,
        t.personId,
        t.site,
        t.role,
        t.label,
        t.createdAt,
        t.createdBy,
        t.expiresAt,
        t.revokedAt,
        t.revokedBy,
      ]);
    },
    tokenByHash: (tokenHash) => first(`SELECT ${TOKEN_COLUMNS} FROM identity_tokens WHERE token_hash = $1`, [tokenHash], token),
    token: (id) => first(`SELECT ${TOKEN_COLUMNS} FROM identity_tokens WHERE id = $1`, [id], token),
    tokensAt: async (site) => (await rows<RawToken>(`SELECT ${TOKEN_COLUMNS} FROM identity_tokens WHERE site = $1 ORDER BY created_at, id`, [site])).map(token),
    revokeToken: async (id, at, by) => (await count('UPDATE identity_tokens SET revoked_at = $1, revoked_by = $2 WHERE id = $3 AND revoked_at IS NULL', [at, by, id])) === 1,

    async close() {
      await pool.end();
    },
  };
}
