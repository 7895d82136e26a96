/**
 * Helpers for tests that need PostgreSQL: find out whether it is there, and give each test file a
 * database of its own, so files running in parallel never see each other's events.
 */
import pg from 'pg';
import { randomBytes } from 'node:crypto';

/** Where the tests connect to create and drop their databases. */
export const POSTGRES_ADMIN_URL = process.env.BES_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Whether PostgreSQL can be used, and if not, why, in one line. */
export type PostgresAvailability = { ok: true } | { ok: false; reason: string };

/** A fresh database and the way to get rid of it. */
export interface TestDatabase {
  readonly url: string;
  readonly drop: () => Promise<void>;
}

const CONNECT_TIMEOUT_MS = 2_000;

/** Host and port only: the URL may hold a password, and the reason ends up in test output. */
function describeServer(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname || 'localhost'}:${u.port || '5432'}`;
  } catch {
    return 'the configured URL';
  }
}

async function withAdmin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  // A connection lost between queries is reported by the next query; this only keeps it from crashing the run.
  client.on('error', () => {});
  try {
    await client.connect();
    return await work(client);
  } finally {
    await client.end().catch(() => {});
  }
}

/** Tries to connect to the admin URL within about two seconds. */
export async function postgresAvailable(): Promise<PostgresAvailability> {
  try {
    await withAdmin((client) => client.query('SELECT 1'));
    return { ok: true };
  } catch (error) {
    const e = error as { code?: unknown; message?: unknown };
    const why = typeof e.code === 'string' ? e.code : String(e.message ?? error).split('\n')[0];
    return { ok: false, reason: `PostgreSQL not reachable at ${describeServer(POSTGRES_ADMIN_URL)} (${why})` };
  }
}

/** Creates an empty, uniquely named database and returns its URL. */
export async function createTestDatabase(prefix = 'bes_test'): Promise<TestDatabase> {
  if (!/^[a-z_][a-z0-9_]{0,30}$/i.test(prefix)) throw new Error(`invalid test database prefix: ${prefix}`);
  const name = `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`.toLowerCase();
  await withAdmin((client) => client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`));
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () =>
      withAdmin(async (client) => {
        // Connections a failed test left open would otherwise block the DROP.
        await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
        await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
      }),
  };
}

/** In CI a missing PostgreSQL is a failure, never a silent skip. */
export function requirePostgresInCi(result: PostgresAvailability): void {
  if (process.env.CI === 'true' && !result.ok) {
    throw new Error(`PostgreSQL is required in CI: ${result.reason}`);
  }
}
