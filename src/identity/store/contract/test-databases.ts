/**
 * For tests: an event store and the identity tables on one fresh database, SQLite in a temporary folder or
 * PostgreSQL in a database of its own, the way a server opens them.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLedgerStore, type LedgerStore } from '../../../store/ledger-store.ts';
import { openSqliteBackend } from '../../../store/sqlite/backend.ts';
import { openPostgresBackend } from '../../../store/postgres/backend.ts';
import { createTestDatabase } from '../../../store/postgres/test-database.ts';
import type { IdentityStore } from '../identity-store.ts';
import { openPostgresIdentityStore } from '../postgres/identity-store.ts';
import { openSqliteIdentityStore } from '../sqlite/identity-store.ts';

export type EngineName = 'sqlite' | 'postgres';

export interface TestDatabases {
  readonly events: LedgerStore;
  readonly identity: IdentityStore;
  /** Another identity store on the same database. */
  openIdentity(): Promise<IdentityStore>;
  dispose(): Promise<void>;
}

/** Opens both stores on a new database of `engine`; the event store's clock is `clock`. */
export async function openTestDatabases(engine: EngineName, clock?: () => Date): Promise<TestDatabases> {
  if (engine === 'sqlite') {
    const dir = await mkdtemp(join(tmpdir(), 'bes-identity-'));
    const file = join(dir, 'openbes.db');
    const events = await createLedgerStore({ backend: openSqliteBackend({ file }), ...(clock ? { clock } : {}) });
    const identity = openSqliteIdentityStore(file);
    return {
      events,
      identity,
      openIdentity: async () => openSqliteIdentityStore(file),
      async dispose() {
        await identity.close();
        await events.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  }
  const db = await createTestDatabase('bes_identity');
  const events = await createLedgerStore({ backend: await openPostgresBackend({ connectionString: db.url }), ...(clock ? { clock } : {}) });
  const identity = await openPostgresIdentityStore(db.url);
  return {
    events,
    identity,
    openIdentity: () => openPostgresIdentityStore(db.url),
    async dispose() {
      await identity.close();
      await events.close();
      await db.drop();
    },
  };
}
