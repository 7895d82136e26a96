/** Opens the timer tables in the configured database: the store's SQLite file, or its PostgreSQL database. */
import type { Config } from '../config.ts';
import { sqliteFile } from '../store/open-store.ts';
import { openPostgresTimerStore } from './postgres/timer-store.ts';
import { openSqliteTimerStore } from './sqlite/timer-store.ts';
import type { TimerStore } from './timer-store.ts';

export function openTimerStore(config: Config): Promise<TimerStore> {
  if (config.databaseUrl !== undefined) return openPostgresTimerStore({ connectionString: config.databaseUrl });
  return openSqliteTimerStore({ file: sqliteFile(config.dataDir) });
}
