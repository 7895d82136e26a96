/** `bes restore`: a backup into a new, empty store; `bes verify` then checks the result. */
import { Command, Option } from 'commander';
import { mkdir } from 'node:fs/promises';
import { restoreStore } from '../../store/backup/backup.ts';
import { openBackend } from '../../store/open-store.ts';
import { configFrom, withStoreOptions, type StoreCliOptions } from '../store-options.ts';

export function restoreCommand(_setExit: (code: number) => void): Command {
  return withStoreOptions(new Command('restore'))
    .description('restore a backup into an empty data folder or database (refuses one that holds records)')
    .addOption(new Option('--from <file>', 'the backup file written by bes backup').makeOptionMandatory())
    .action(async (options: StoreCliOptions & { from: string }) => {
      const config = configFrom(options);
      await mkdir(config.dataDir, { recursive: true });
      const backend = await openBackend(config);
      try {
        const summary = await restoreStore(backend, { ...config.ledger }, options.from);
        console.log(`restored ${summary.events} events and ${summary.checkpoints} checkpoints from ${options.from}`);
        for (const vkey of summary.trustedKeys) console.log(`trusting verifier key ${vkey} — compare it with the original installation's`);
        console.log('run `bes verify` to check the restored ledger');
      } finally {
        await backend.close();
      }
    });
}
