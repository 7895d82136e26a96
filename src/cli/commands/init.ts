/**
 * `bes init`: prepares an installation without serving it — the data folder, the database and its tables
 * (ledger, identity, timers), the ledger's signing key — and says what comes next. `bes serve` does the same
 * on its first start; `init` is for a production install, where the first admin is created before serving.
 */
import { mkdir } from 'node:fs/promises';
import { Command } from 'commander';
import { openIdentityStore } from '../../identity/store/open-identity-store.ts';
import { openStore, engineOf } from '../../store/open-store.ts';
import { openTimerStore } from '../../timers/open-timer-store.ts';
import { configFrom, withStoreOptions, type StoreCliOptions } from '../store-options.ts';

export function initCommand(_setExit: (code: number) => void): Command {
  return withStoreOptions(new Command('init'))
    .description('create the data folder, the database with its tables and the ledger signing key (idempotent)')
    .exitOverride()
    .action(async (options: StoreCliOptions) => {
      const config = configFrom(options);
      await mkdir(config.dataDir, { recursive: true });
      const store = await openStore(config);
      const identity = await openIdentityStore(config);
      const timers = await openTimerStore(config);
      const head = await store.head();
      await timers.close();
      await identity.close();
      await store.close();
      const where = engineOf(config) === 'sqlite' ? `SQLite in ${config.dataDir}` : 'PostgreSQL';
      console.log(`OpenBES is initialised (${where}; ledger key in ${config.ledger.keysDir}; ${head.size} events).`);
      console.log('Next: npx bes user add --username admin --name "Your Name" --site SITE --role admin');
      console.log('      npx bes serve --no-demo');
    });
}
