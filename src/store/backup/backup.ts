/**
 * Backup and restore of a whole installation's record: every table, the checkpoints kept outside the
 * database, and the verifier keys needed to check them. Private keys never leave the keys folder.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Backend } from '../backend.ts';
import { appendCheckpointFile, readCheckpointFile } from '../ledger/checkpoint-file.ts';
import { parseCheckpointBody } from '../ledger/checkpoint-note.ts';
import { frontierRoot } from '../ledger/merkle.ts';
import { addTrustedVerifier } from '../ledger/signing-key.ts';
import { SNAPSHOT_TABLES, type SnapshotRecord, type SnapshotTable } from '../snapshot.ts';
import {
  BACKUP_FORMAT,
  BACKUP_VERSION,
  BackupFileError,
  checkBackupFile,
  readBackupLines,
  writeBackupFile,
  type BackupHeader,
  type BackupLine,
  type BackupLog,
} from './backup-file.ts';

export interface LedgerFiles {
  readonly checkpointFile: string;
  readonly keysDir: string;
  readonly name: string;
}

const CHECKPOINT_FILE_TABLE = 'checkpoint_file';

async function verifierKeyTexts(keysDir: string): Promise<string[]> {
  const texts: string[] = [];
  const read = async (path: string) => {
    try {
      texts.push((await readFile(path, 'utf8')).trim());
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  };
  await read(join(keysDir, 'ledger.vkey'));
  try {
    for (const name of (await readdir(join(keysDir, 'trusted'))).filter((n) => n.endsWith('.vkey')).sort()) {
      await read(join(keysDir, 'trusted', name));
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  return [...new Set(texts)];
}

export interface BackupSummary {
  readonly events: number;
  readonly rootHash: string;
  readonly counts: Record<string, number>;
}

/** Writes an online, consistent backup of the store to `out`. */
export async function backupStore(backend: Backend, engine: string, files: LedgerFiles, out: string): Promise<BackupSummary> {
  let log: BackupLog = { size: 0, rootHash: frontierRoot([]) };
  async function* lines(): AsyncIterable<BackupLine> {
    for await (const record of backend.exportSnapshot()) {
      if (record.table === 'log_state') {
        log = { size: Number(record.row.size), rootHash: frontierRoot(JSON.parse(String(record.row.frontier)) as string[]) };
      }
      yield record;
    }
    // Only checkpoints the snapshot's log reaches: later ones would make the restored copy look cut.
    for (const note of await readCheckpointFile(files.checkpointFile)) {
      if (parseCheckpointBody(note).size <= log.size) yield { table: CHECKPOINT_FILE_TABLE, row: { note } };
    }
  }
  const header: BackupHeader = {
    format: BACKUP_FORMAT,
    version: BACKUP_VERSION,
    createdAt: new Date().toISOString(),
    engine,
    ledger: { name: files.name, vkeys: await verifierKeyTexts(files.keysDir) },
  };
  const counts = await writeBackupFile(out, header, lines(), () => log);
  return { events: log.size, rootHash: log.rootHash, counts };
}

export interface RestoreSummary {
  readonly events: number;
  readonly checkpoints: number;
  readonly trustedKeys: readonly string[];
}

/** Restores a checked backup into an empty store and its ledger files; refuses a damaged file. */
export async function restoreStore(backend: Backend, files: LedgerFiles, from: string): Promise<RestoreSummary> {
  const { header, log, counts } = await checkBackupFile(from);
  if ((counts.events ?? 0) !== log.size) {
    throw new BackupFileError(`${from} holds ${counts.events ?? 0} events but its log records ${log.size}`);
  }
  const tables = new Set<string>(SNAPSHOT_TABLES.map((t) => t.name));
  async function* records(): AsyncIterable<SnapshotRecord> {
    for await (const line of readBackupLines(from)) {
      if (tables.has(line.table)) yield { table: line.table as SnapshotTable, row: line.row };
    }
  }
  await backend.importSnapshot(records());
  // The keys first: the checkpoints are worthless to an auditor without the keys that signed them.
  for (const vkey of header.ledger.vkeys) await addTrustedVerifier(files.keysDir, vkey);
  const present = new Set(await readCheckpointFile(files.checkpointFile));
  for await (const line of readBackupLines(from)) {
    if (line.table !== CHECKPOINT_FILE_TABLE) continue;
    const note = String(line.row.note);
    if (!present.has(note)) await appendCheckpointFile(files.checkpointFile, note);
  }
  const restored = await backend.logState();
  if (restored.size !== log.size || frontierRoot(restored.frontier) !== log.rootHash) {
    throw new BackupFileError(`the restored log (size ${restored.size}) does not match the backup's (size ${log.size})`);
  }
  return { events: log.size, checkpoints: counts[CHECKPOINT_FILE_TABLE] ?? 0, trustedKeys: header.ledger.vkeys };
}
