/**
 * Opens the configured backend (SQLite in the data folder, or PostgreSQL) with its ledger key.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config.ts';
import type { Backend } from './backend.ts';
import { createLedgerStore, type LedgerStore } from './ledger-store.ts';
import { loadOrCreateLedgerKey } from './ledger/signing-key.ts';
import { openSqliteBackend } from './sqlite/backend.ts';
import { openPostgresBackend } from './postgres/backend.ts';

/** The SQLite file inside a data folder. */
export function sqliteFile(dataDir: string): string {
  return join(dataDir, 'openbes.db');
}

/** Opens only the backend. With `mustExist`, a missing embedded database is an error, not a new one. */
export async function openBackend(config: Config, options: { mustExist?: boolean } = {}): Promise<Backend> {
  if (config.databaseUrl !== undefined) return openPostgresBackend({ connectionString: config.databaseUrl });
  const file = sqliteFile(config.dataDir);
  if (options.mustExist === true && !existsSync(file)) {
    throw new Error(`no OpenBES database in ${config.dataDir} (pass --data DIR or set BES_DATA)`);
  }
  return openSqliteBackend({ file });
}

/** Which engine a configuration uses, as recorded in backups. */
export function engineOf(config: Config): 'sqlite' | 'postgres' {
  return config.databaseUrl === undefined ? 'sqlite' : 'postgres';
}

export interface OpenStoreOptions {
  readonly clock?: () => Date;
  readonly onError?: (error: unknown) => void;
}

/** Opens the store the server and the CLI write through, creating the data folder and key on first use. */
export async function openStore(config: Config, options: OpenStoreOptions = {}): Promise<LedgerStore> {
  const key = await loadOrCreateLedgerKey(config.ledger.keysDir, config.ledger.name);
  const backend = await openBackend(config);
  return createLedgerStore({
    backend,
    ...options,
    checkpoints: {
      key,
      file: config.ledger.checkpointFile,
      everyEvents: config.ledger.everyEvents,
      everyMs: config.ledger.everyMs,
    },
  });
}
