/** Opens the identity tables in the database the configuration names: the event store's own. */
import type { Config } from '../../config.ts';
import { sqliteFile } from '../../store/open-store.ts';
import type { IdentityStore } from './identity-store.ts';
import { openPostgresIdentityStore } from './postgres/identity-store.ts';
import { openSqliteIdentityStore } from './sqlite/identity-store.ts';

/** The SQLite file of the data folder (a second connection beside the event store's), or PostgreSQL. */
export async function openIdentityStore(config: Config): Promise<IdentityStore> {
  if (config.databaseUrl !== undefined) return openPostgresIdentityStore(config.databaseUrl);
  return openSqliteIdentityStore(sqliteFile(config.dataDir));
}
