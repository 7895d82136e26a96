import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { storeContract } from '../contract/store-contract.ts';
import { tamperContract } from '../contract/tamper-contract.ts';
import type { OpenedStore, RawSql, StoreFixture } from '../contract/fixture.ts';
import { createLedgerStore, type LedgerStore } from '../ledger-store.ts';
import { loadOrCreateLedgerKey } from '../ledger/signing-key.ts';
import { openSqliteBackend } from './backend.ts';

/** Raw access to the file, as someone with a shell on the server would have. */
function rawSql(file: string): RawSql & { close(): void } {
  const db = new Database(file);
  db.pragma('busy_timeout = 10000');
  const triggers = () => db.prepare("SELECT sql FROM sqlite_master WHERE type = 'trigger'").all() as { sql: string }[];
  return {
    async query(sql, params = []) {
      const stmt = db.prepare(sql);
      return stmt.reader ? (stmt.all(...params) as Record<string, unknown>[]) : (stmt.run(...params), []);
    },
    async tamper(sql, params = []) {
      // SQLite cannot switch triggers off: the attacker drops them, edits, and puts them back.
      db.transaction(() => {
        const saved = triggers();
        for (const name of db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'").all() as { name: string }[]) {
          db.exec(`DROP TRIGGER ${name.name}`);
        }
        db.prepare(sql).run(...params);
        for (const t of saved) db.exec(t.sql);
      })();
    },
    close: () => db.close(),
  };
}

const fixture: StoreFixture = {
  name: 'SQLite',
  skipReason: undefined,
  async open(options = {}) {
    const dir = await mkdtemp(join(tmpdir(), 'bes-sqlite-'));
    const file = join(dir, 'openbes.db');
    const keysDir = join(dir, 'keys');
    const checkpointFile = join(dir, 'checkpoints.jsonl');
    const key = await loadOrCreateLedgerKey(keysDir, 'openbes-test');
    const make = (clock?: () => Date) =>
      createLedgerStore({
        backend: openSqliteBackend({ file }),
        clock: clock ?? options.clock,
        maxBatch: options.maxBatch,
        checkpoints: { key, file: checkpointFile, everyEvents: options.everyEvents ?? 1000, everyMs: 0 },
      });
    let store: LedgerStore = await make();
    const raw = rawSql(file);
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
        raw.close();
        await store.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
    return opened;
  },
};

storeContract(fixture);
tamperContract(fixture, 300);
