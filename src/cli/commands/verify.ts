/** `bes verify`: checks every chain, the Merkle log against every checkpoint, and their consistency. */
import { Command, Option } from 'commander';
import { openBackend } from '../../store/open-store.ts';
import { verifyStore } from '../../store/verify-store.ts';
import { configFrom, withStoreOptions, type StoreCliOptions } from '../store-options.ts';
import { formatReport } from '../format-report.ts';

export function verifyCommand(setExit: (code: number) => void): Command {
  return withStoreOptions(new Command('verify'))
    .description('verify the whole ledger; exits 1 naming the first broken event if anything was tampered with')
    .addOption(new Option('--json', 'print the report as JSON'))
    .action(async (options: StoreCliOptions & { json?: boolean }) => {
      const config = configFrom(options);
      const started = performance.now();
      const backend = await openBackend(config, { mustExist: true });
      try {
        const report = await verifyStore(backend, { checkpointFile: config.ledger.checkpointFile, keysDir: config.ledger.keysDir });
        const seconds = (performance.now() - started) / 1000;
        console.log(options.json ? JSON.stringify({ ...report, seconds }, null, 2) : formatReport(report, seconds));
        setExit(report.ok ? 0 : 1);
      } finally {
        await backend.close();
      }
    });
}
