/**
 * Opens the configured backend (SQLite in the data folder, or PostgreSQL) with its ledger key.
 */
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

/** Opens only the backend (for verification and backup, which must not write). */
export async function openBackend(config: Config): Promise<Backend> {
  if (config.databaseUrl !== undefined) return openPostgresBackend({ connectionString: config.databaseUrl });
  return openSqliteBackend({ file: sqliteFile(config.dataDir) });
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
