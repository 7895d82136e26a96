/**
 * `bes verify`: checks every chain, the Merkle log against every checkpoint, their consistency, and that
 * every electronic signature still matches the step content it was made over. With `--record FILE` it
 * checks an exported batch record instead, without any database.
 */
import { readFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { openBackend } from '../../store/open-store.ts';
import { verifyStore } from '../../store/verify-store.ts';
import { parseVerifierKey, type NoteVerifier } from '../../store/ledger/checkpoint-note.ts';
import { verifyStoredSignatures, type SignatureReport } from '../../record/verify-stored-signatures.ts';
import { verifyBatchRecord, type RecordReport } from '../../record/verify-record.ts';
import type { VerifyReport } from '../../store/ledger/verify-ledger.ts';
import { configFrom, withStoreOptions, type StoreCliOptions } from '../store-options.ts';
import { formatReport } from '../format-report.ts';

interface VerifyOptions extends StoreCliOptions {
  json?: boolean;
  record?: string;
  key?: string[];
}

/** The command line named something that cannot be used: exit 2. */
class UsageError extends Error {}

const MAX_NOTES = 10;

/** The ledger report with the signature check folded in: a signature problem fails an otherwise intact ledger. */
export function formatWithSignatures(report: VerifyReport, signatures: SignatureReport, seconds: number): string {
  const lines = formatReport(report, seconds).split('\n');
  const [first, ...problems] = signatures.problems;
  if (report.ok && first !== undefined) lines[0] = `FAILED: ${first.globalPosition !== undefined ? `first broken event is ${first.globalPosition}: ` : ''}${first.message}`;
  else if (first !== undefined) problems.unshift(first);
  const also = problems.map((p) => `  also: ${p.message}`);
  lines.splice(1, 0, ...also, `  ${signatures.valid} of ${signatures.signatures} electronic signatures on ${signatures.batches} batches match the step content they signed`);
  for (const note of signatures.notes.slice(0, MAX_NOTES)) lines.push(`  note: ${note}`);
  if (signatures.notes.length > MAX_NOTES) lines.push(`  note: … and ${signatures.notes.length - MAX_NOTES} more signatures changed after signing or unbound (--json lists all)`);
  return lines.join('\n');
}

/** The report of `bes verify --record`. */
export function formatRecordReport(r: RecordReport): string {
  const lines: string[] = [];
  if (r.ok) {
    const cp = r.checkpoint!;
    lines.push(
      `OK: batch record ${r.batchId}: ${r.events} events verified (hashes and chains), ${r.proofsVerified} inclusion proofs against checkpoint ${cp.origin} at size ${cp.size}, signed by ${cp.key}${r.keySource === 'given' ? ' (the key given)' : ''}; ` +
        `${r.signatures.valid} of ${r.signatures.total} signatures match their step content`,
    );
  } else {
    const [first, ...rest] = r.problems;
    lines.push(`FAILED: ${first!.message}`);
    for (const p of rest.slice(0, 20)) lines.push(`  also: ${p.message}`);
    if (rest.length > 20) lines.push(`  also: … ${rest.length - 20} more problems (--json lists all)`);
  }
  for (const w of r.warnings) lines.push(`  note: ${w}`);
  return lines.join('\n');
}

async function readKeys(files: readonly string[]): Promise<NoteVerifier[]> {
  const keys: NoteVerifier[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      throw new UsageError(`cannot read the key file ${file}: ${(error as Error).message}`);
    }
    try {
      keys.push(parseVerifierKey(text.trim()));
    } catch (error) {
      throw new UsageError(`${file} is not a verifier key (name+keyid+key): ${(error as Error).message}`);
    }
  }
  return keys;
}

async function verifyRecordFile(file: string, keyFiles: readonly string[], json: boolean, setExit: (code: number) => void): Promise<void> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as Error).message}`);
  }
  const verifiers = await readKeys(keyFiles);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const report: RecordReport =
    parsed === undefined
      ? { ok: false, batchId: null, events: 0, proofsVerified: 0, checkpoint: null, keySource: null, signatures: { total: 0, valid: 0 }, problems: [{ kind: 'malformed', message: `${file} is not JSON` }], warnings: [] }
      : verifyBatchRecord(parsed, { verifiers });
  console.log(json ? JSON.stringify(report, null, 2) : formatRecordReport(report));
  setExit(report.ok ? 0 : 1);
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function verifyCommand(setExit: (code: number) => void): Command {
  return withStoreOptions(new Command('verify'))
    .description('verify the whole ledger and every electronic signature; exits 1 naming the first broken event if anything was tampered with')
    .addOption(new Option('--json', 'print the report as JSON'))
    .addOption(new Option('--record <file>', 'verify an exported batch record (bes export batch) instead, offline, without the database'))
    .addOption(new Option('--key <file>', "a verifier key (the installation's ledger.vkey) to check the record's checkpoint with; repeatable").argParser(collect))
    .action(async (options: VerifyOptions) => {
      try {
        if (options.key !== undefined && options.record === undefined) throw new UsageError('--key checks an exported record: use it with --record FILE');
        if (options.record !== undefined) {
          await verifyRecordFile(options.record, options.key ?? [], options.json === true, setExit);
          return;
        }
      } catch (error) {
        if (!(error instanceof UsageError)) throw error;
        console.error(`bes: ${error.message}`);
        setExit(2);
        return;
      }
      const config = configFrom(options);
      const started = performance.now();
      const backend = await openBackend(config, { mustExist: true });
      try {
        const report = await verifyStore(backend, { checkpointFile: config.ledger.checkpointFile, keysDir: config.ledger.keysDir });
        const signatures = await verifyStoredSignatures(backend);
        const seconds = (performance.now() - started) / 1000;
        const ok = report.ok && signatures.ok;
        console.log(options.json ? JSON.stringify({ ...report, ok, signatures, seconds }, null, 2) : formatWithSignatures(report, signatures, seconds));
        setExit(ok ? 0 : 1);
      } finally {
        await backend.close();
      }
    });
}
