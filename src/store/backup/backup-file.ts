/**
 * The backup file: gzip-compressed JSON lines, readable by anyone with gunzip.
 *
 *   {"format":"openbes-backup","version":1, ...header}
 *   {"table":"events","row":{...}}                 one line per row of every table
 *   {"table":"checkpoint_file","row":{"note":"..."}}  the checkpoints kept outside the database
 *   {"end":true,"log":{...},"counts":{...},"sha256":"..."}  the log's size and root; SHA-256 of every line above
 *
 * The footer lets a restore refuse a truncated or altered file before it writes anything.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { createGunzip, createGzip } from 'node:zlib';

export const BACKUP_FORMAT = 'openbes-backup';
export const BACKUP_VERSION = 1;

export interface BackupHeader {
  readonly format: typeof BACKUP_FORMAT;
  readonly version: typeof BACKUP_VERSION;
  readonly createdAt: string;
  /** 'sqlite' or 'postgres': where it was taken (it restores into either). */
  readonly engine: string;
  readonly ledger: { readonly name: string; readonly vkeys: readonly string[] };
}

/** Known only once the snapshot has been read, so it travels in the footer. */
export interface BackupLog {
  readonly size: number;
  readonly rootHash: string;
}

interface Footer {
  readonly end: true;
  readonly log: BackupLog;
  readonly counts: Record<string, number>;
  readonly sha256: string;
}

export interface BackupLine {
  readonly table: string;
  readonly row: Readonly<Record<string, string | number>>;
}

export class BackupFileError extends Error {
  readonly code = 'invalid_backup';
}

/** Writes header, lines and footer to `path` atomically (temp file, fsync, rename). */
export async function writeBackupFile(
  path: string,
  header: BackupHeader,
  lines: AsyncIterable<BackupLine>,
  log: () => BackupLog,
): Promise<Record<string, number>> {
  const temp = `${path}.${process.pid}.partial`;
  const counts: Record<string, number> = {};
  const hash = createHash('sha256');
  async function* text(): AsyncIterable<string> {
    const first = `${JSON.stringify(header)}\n`;
    hash.update(first);
    yield first;
    for await (const line of lines) {
      counts[line.table] = (counts[line.table] ?? 0) + 1;
      const s = `${JSON.stringify(line)}\n`;
      hash.update(s);
      yield s;
    }
    const footer: Footer = { end: true, log: log(), counts, sha256: hash.digest('hex') };
    yield `${JSON.stringify(footer)}\n`;
  }
  try {
    await pipeline(Readable.from(text()), createGzip(), createWriteStream(temp, { mode: 0o600 }));
    const handle = await open(temp, 'r+');
    await handle.sync();
    await handle.close();
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  return counts;
}

async function* rawLines(path: string): AsyncIterable<string> {
  const input = createReadStream(path).pipe(createGunzip());
  const reader = createInterface({ input, crlfDelay: Infinity });
  try {
    for await (const line of reader) yield line;
  } catch (error) {
    throw new BackupFileError(`${path} is not a readable backup (${(error as Error).message})`);
  }
}

/** Reads the header and checks the whole file against its footer; throws BackupFileError if anything is off. */
export async function checkBackupFile(
  path: string,
): Promise<{ header: BackupHeader; log: BackupLog; counts: Record<string, number> }> {
  const hash = createHash('sha256');
  const counts: Record<string, number> = {};
  let header: BackupHeader | undefined;
  let footer: Footer | undefined;
  let n = 0;
  for await (const line of rawLines(path)) {
    n += 1;
    if (footer !== undefined) throw new BackupFileError(`${path}:${n}: data after the end of the backup`);
    let value: Record<string, unknown>;
    try {
      value = JSON.parse(line) as Record<string, unknown>;
    } catch {
      throw new BackupFileError(`${path}:${n}: not a JSON line`);
    }
    if (n === 1) {
      if (value.format !== BACKUP_FORMAT || value.version !== BACKUP_VERSION) {
        throw new BackupFileError(`${path} is not an ${BACKUP_FORMAT} version ${BACKUP_VERSION} file`);
      }
      header = value as unknown as BackupHeader;
    } else if (value.end === true) {
      footer = value as unknown as Footer;
      continue;
    } else {
      const table = String(value.table);
      counts[table] = (counts[table] ?? 0) + 1;
    }
    hash.update(`${line}\n`);
  }
  if (header === undefined || footer === undefined) throw new BackupFileError(`${path} is incomplete: it has no end line (truncated?)`);
  if (footer.sha256 !== hash.digest('hex') || JSON.stringify(footer.counts) !== JSON.stringify(counts)) {
    throw new BackupFileError(`${path} does not match its own checksum: it was altered or damaged`);
  }
  return { header, log: footer.log, counts };
}

/** The data lines of a backup already checked with checkBackupFile. */
export async function* readBackupLines(path: string): AsyncIterable<BackupLine> {
  let n = 0;
  for await (const line of rawLines(path)) {
    n += 1;
    if (n === 1) continue;
    const value = JSON.parse(line) as BackupLine & { end?: true };
    if (value.end === true) return;
    yield value;
  }
}
