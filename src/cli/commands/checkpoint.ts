/** `bes checkpoint`: signs a checkpoint of the log now. */
import { Command } from 'commander';
import { openStore } from '../../store/open-store.ts';
import { configFrom, withStoreOptions, type StoreCliOptions } from '../store-options.ts';

export function checkpointCommand(_setExit: (code: number) => void): Command {
  return withStoreOptions(new Command('checkpoint'))
    .description('sign a checkpoint of the ledger now and print it')
    .action(async (options: StoreCliOptions) => {
      const store = await openStore(configFrom(options));
      try {
        const row = await store.checkpoint();
        if (row === undefined) {
          const head = await store.head();
          console.log(`the latest checkpoint already covers all ${head.size} events`);
        } else {
          process.stdout.write(row.note);
        }
      } finally {
        await store.close();
      }
    });
}
