/** `bes export batch ID --out FILE`: the batch record with its chains and proofs, verifiable elsewhere. */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { buildBatchRecord } from '../../record/build-record.ts';
import { renderBatchRecordHtml } from '../../record/html/render-record.ts';
import { openStore, sqliteFile } from '../../store/open-store.ts';
import { loadTrustedVerifiers } from '../../store/ledger/signing-key.ts';
import { configFrom, withStoreOptions, type StoreCliOptions } from '../store-options.ts';

function batchCommand(setExit: (code: number) => void): Command {
  return withStoreOptions(new Command('batch'))
    .description('write the batch record (JSON, with hash chains, inclusion proofs and the signed checkpoint); signs a checkpoint first if the latest does not cover it')
    .argument('<id>', 'the batch id')
    .addOption(new Option('--out <file>', 'the JSON record to write').makeOptionMandatory())
    .addOption(new Option('--html <file>', 'also write the printable HTML record'))
    .action(async (id: string, options: StoreCliOptions & { out: string; html?: string }) => {
      const config = configFrom(options);
      if (config.databaseUrl === undefined && !existsSync(sqliteFile(config.dataDir))) {
        throw new Error(`no OpenBES database in ${config.dataDir} (pass --data DIR or set BES_DATA)`);
      }
      const store = await openStore(config);
      try {
        const record = await buildBatchRecord(store, id, { verifiers: await loadTrustedVerifiers(config.ledger.keysDir), seal: true });
        if (record === undefined) {
          console.error(`bes: there is no batch ${id}`);
          setExit(1);
          return;
        }
        await writeFile(options.out, `${JSON.stringify(record, null, 2)}\n`);
        if (options.html !== undefined) await writeFile(options.html, renderBatchRecordHtml(record));
        const v = record.verification;
        const signatures = record.sections.flatMap((s) => s.steps.flatMap((step) => step.signatures));
        console.log(
          `wrote ${options.out}: batch ${id} (${record.header.status.replace('_', ' ')}), ${record.auditTrail.length} events, ` +
            `${v.proofs.length} proven against checkpoint ${v.checkpoint?.origin ?? '(none)'} at size ${v.checkpoint?.size ?? 0}; ` +
            `${signatures.filter((s) => s.valid === true).length} of ${signatures.length} signatures cover their data`,
        );
        for (const p of v.problems) console.log(`  problem: ${p}`);
        if (v.publicKey !== null) console.log(`  verify it elsewhere with: bes verify --record ${options.out} --key ledger.vkey   (key ${v.publicKey.vkey})`);
        setExit(v.problems.length === 0 ? 0 : 1);
      } finally {
        await store.close();
      }
    });
}

export function exportCommand(setExit: (code: number) => void): Command {
  return new Command('export').description('export records in machine-readable form').addCommand(batchCommand(setExit).exitOverride());
}
