/** `bes backup`: an online, consistent copy of the whole record, restorable into SQLite or PostgreSQL. */
import { Command, Option } from 'commander';
import { backupStore } from '../../store/backup/backup.ts';
import { engineOf, openBackend } from '../../store/open-store.ts';
import { configFrom, withStoreOptions, type StoreCliOptions } from '../store-options.ts';

export function backupCommand(_setExit: (code: number) => void): Command {
  return withStoreOptions(new Command('backup'))
    .description('write an online, consistent backup (events, read models, checkpoints, verifier keys) to a file')
    .addOption(new Option('--out <file>', 'the backup file to write (gzip JSON lines)').makeOptionMandatory())
    .action(async (options: StoreCliOptions & { out: string }) => {
      const config = configFrom(options);
      const backend = await openBackend(config, { mustExist: true });
      try {
        const summary = await backupStore(backend, engineOf(config), { ...config.ledger }, options.out);
        console.log(`backup written to ${options.out}: ${summary.events} events, root ${summary.rootHash}`);
      } finally {
        await backend.close();
      }
    });
}
