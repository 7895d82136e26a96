import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { storeContract } from '../contract/store-contract.ts';
import { tamperContract } from '../contract/tamper-contract.ts';
import type { OpenedStore, RawSql, StoreFixture } from '../contract/fixture.ts';
import { createLedgerStore, type LedgerStore } from '../ledger-store.ts';
import { loadOrCreateLedgerKey } from '../ledger/signing-key.ts';
import { openPostgresBackend } from './backend.ts';
import { createTestDatabase, postgresAvailable, requirePostgresInCi } from './test-database.ts';

const availability = await postgresAvailable();
requirePostgresInCi(availability);

const numbered = (sql: string) => {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
};

/** Raw access as the database owner: the append-only triggers can be switched off, as an attacker would. */
async function rawSql(url: string): Promise<RawSql & { close(): Promise<void> }> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => {});
  await client.connect();
  return {
    async query(sql, params = []) {
      return (await client.query(numbered(sql), [...params])).rows as Record<string, unknown>[];
    },
    async tamper(sql, params = []) {
      await client.query('BEGIN');
      try {
        await client.query('ALTER TABLE events DISABLE TRIGGER USER; ALTER TABLE checkpoints DISABLE TRIGGER USER');
        await client.query(numbered(sql), [...params]);
        const { rows } = await client.query<{ name: string; tbl: string }>(
          "SELECT tgname AS name, tgrelid::regclass::text AS tbl FROM pg_trigger WHERE NOT tgisinternal AND tgrelid::regclass::text IN ('events', 'checkpoints')",
        );
        for (const t of rows) await client.query(`ALTER TABLE ${t.tbl} ENABLE ALWAYS TRIGGER ${pg.escapeIdentifier(t.name)}`);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
    },
    close: () => client.end(),
  };
}

const fixture: StoreFixture = {
  name: 'PostgreSQL',
  skipReason: availability.ok ? undefined : availability.reason,
  async open(options = {}) {
    const db = await createTestDatabase('bes_contract');
    const dir = await mkdtemp(join(tmpdir(), 'bes-pg-'));
    const keysDir = join(dir, 'keys');
    const checkpointFile = join(dir, 'checkpoints.jsonl');
    const key = await loadOrCreateLedgerKey(keysDir, 'openbes-test');
    const make = async (clock?: () => Date) =>
      createLedgerStore({
        backend: await openPostgresBackend({ connectionString: db.url }),
        clock: clock ?? options.clock,
        maxBatch: options.maxBatch,
        checkpoints: { key, file: checkpointFile, everyEvents: options.everyEvents ?? 1000, everyMs: 0 },
      });
    let store: LedgerStore = await make();
    const raw = await rawSql(db.url);
    const opened: OpenedStore = {
      get store() {
        return store;
      },
      raw,
      key,
      keysDir,
      checkpointFile,
      async reopen(o = {}) {
        await store.close();
        store = await make(o.clock);
        return store;
      },
      async dispose() {
        await raw.close();
        await store.close();
        await db.drop();
        await rm(dir, { recursive: true, force: true });
      },
    };
    return opened;
  },
};

storeContract(fixture);
tamperContract(fixture, 200);
