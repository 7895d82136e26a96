/**
 * Crash test: a child process (append-worker.ts) appends under load to the store in one data folder and is
 * killed with SIGKILL at a random moment, KILLS times in a row on the same folder (each restart resumes the
 * log the previous one left). After every kill the store is reopened and must show: every acknowledged
 * append present (and replayable by its idempotency key), nothing half-written (contiguous positions, whole
 * commands only, read models in step with the events), and a ledger that verifies. At the end the real CLI
 * `bes verify` must exit 0.
 *
 *   BES_CRASH_KILLS=50 BES_CRASH_SEED=1234 npx vitest run test/crash
 */
import { spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../src/config.ts';
import { openStore, sqliteFile } from '../../src/store/open-store.ts';
import { readCheckpointFile } from '../../src/store/ledger/checkpoint-file.ts';
import { parseCheckpointBody } from '../../src/store/ledger/checkpoint-note.ts';
import { verifyStore } from '../../src/store/verify-store.ts';
import type { LedgerStore } from '../../src/store/ledger-store.ts';
import {
  COMMANDS,
  COUNTERS,
  commandOfAck,
  eventCountOf,
  seededRandom,
  type Ack,
  type CommandDoc,
  type CounterDoc,
  type CrashEventData,
} from './append-worker.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const KILLS = Number(process.env.BES_CRASH_KILLS ?? 20);
const SEED = Number(process.env.BES_CRASH_SEED ?? randomInt(2 ** 31));
const MIN_RUN_MS = 100;
const MAX_RUN_MS = 600;

/** Environment for the worker, the CLI and our own config: the data folder alone decides where things are. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  for (const name of ['BES_DATA', 'BES_DATABASE_URL', 'BES_KEYS', 'BES_CHECKPOINT_FILE']) delete env[name];
  return env;
}

interface WorkerRun {
  readonly acks: Ack[];
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
}

/** Starts the worker, kills it `runMs` after READY, and returns the acknowledgement lines it completed. */
function runAndKill(dir: string, runMs: number, workerSeed: number): Promise<WorkerRun> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['bin/run-ts.js', 'test/crash/append-worker.ts', dir, String(workerSeed)], {
      cwd: ROOT,
      env: cleanEnv({ BES_CHECKPOINT_EVERY_EVENTS: '50' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let stderr = '';
    let ready = false;
    const startTimeout = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
      if (!ready && out.startsWith('READY\n')) {
        ready = true;
        clearTimeout(startTimeout);
        setTimeout(() => child.kill('SIGKILL'), runMs);
      }
    });
    child.stderr.on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    // 'close': the process is gone and both pipes are drained, so every line it wrote is in `out`.
    child.on('close', (code, signal) => {
      clearTimeout(startTimeout);
      if (!ready) {
        reject(new Error(`worker never became ready (code ${code}, signal ${signal}):\n${stderr}`));
        return;
      }
      const lines = out.split('\n');
      // The last piece has no newline: it is empty, or a line cut off by the kill; neither is an acknowledgement.
      lines.pop();
      expect(lines.shift()).toBe('READY');
      resolvePromise({ acks: lines.map((line) => JSON.parse(line) as Ack), signal, stderr });
    });
  });
}

/** Reads the whole log once, in pages. */
async function readWholeLog(store: LedgerStore) {
  const events: { globalPosition: number; streamId: string; streamPosition: number; data: CrashEventData }[] = [];
  for (let after = 0; ; ) {
    const page = await store.readAll({ after, limit: 10_000 });
    for (const e of page) {
      events.push({ globalPosition: e.globalPosition, streamId: e.streamId, streamPosition: e.streamPosition, data: e.data as CrashEventData });
    }
    if (page.length < 10_000) return events;
    after = page[page.length - 1]!.globalPosition;
  }
}

/**
 * Frames in the write-ahead log after its last commit frame (salt and checksum valid), i.e. pages a
 * transaction had started writing at its COMMIT when the process died. 0 when there is no WAL.
 */
function uncommittedWalFrames(walFile: string): number {
  if (!existsSync(walFile)) return 0;
  const wal = readFileSync(walFile);
  if (wal.length < 32) return 0;
  const magic = wal.readUInt32BE(0);
  if (magic !== 0x377f0682 && magic !== 0x377f0683) return 0;
  const bigEndian = magic === 0x377f0683;
  const word = (buf: Buffer, at: number) => (bigEndian ? buf.readUInt32BE(at) : buf.readUInt32LE(at));
  const checksum = (buf: Buffer, from: number, to: number, s: [number, number]): [number, number] => {
    let [s0, s1] = s;
    for (let at = from; at < to; at += 8) {
      s0 = (s0 + word(buf, at) + s1) >>> 0;
      s1 = (s1 + word(buf, at + 4) + s0) >>> 0;
    }
    return [s0, s1];
  };
  const pageSize = wal.readUInt32BE(8) === 1 ? 65536 : wal.readUInt32BE(8);
  const salt1 = wal.readUInt32BE(16);
  const salt2 = wal.readUInt32BE(20);
  let sum = checksum(wal, 0, 24, [0, 0]);
  if (sum[0] !== wal.readUInt32BE(24) || sum[1] !== wal.readUInt32BE(28)) return 0;
  let sinceCommit = 0;
  for (let at = 32; at + 24 + pageSize <= wal.length; at += 24 + pageSize) {
    if (wal.readUInt32BE(at + 8) !== salt1 || wal.readUInt32BE(at + 12) !== salt2) break;
    const next = checksum(wal, at + 24, at + 24 + pageSize, checksum(wal, at, at + 8, sum));
    if (next[0] !== wal.readUInt32BE(at + 16) || next[1] !== wal.readUInt32BE(at + 20)) break;
    sum = next;
    sinceCommit = wal.readUInt32BE(at + 4) === 0 ? sinceCommit + 1 : 0;
  }
  return sinceCommit;
}

interface RoundReport {
  readonly size: number;
  /** Events committed by the killed process whose acknowledgement never came out (killed after COMMIT). */
  readonly committedUnacknowledged: number;
  /** Sizes of the checkpoints recorded in the database. */
  readonly checkpointSizes: ReadonlySet<number>;
}

/** Reopens the store after a kill and checks everything the requirement promises. */
async function checkAfterKill(config: Config, allAcks: readonly Ack[], roundAcks: readonly Ack[], sizeBefore: number): Promise<RoundReport> {
  const storeErrors: unknown[] = [];
  const store = await openStore(config, { onError: (error) => storeErrors.push(error) });
  try {
    const { size } = await store.head();
    const log = await readWholeLog(store);

    // (b) Nothing half-written: positions 1..size without gaps, as many events as the log says.
    expect(log.length).toBe(size);
    log.forEach((e, i) => {
      if (e.globalPosition !== i + 1) expect.unreachable(`position ${i + 1} holds event ${e.globalPosition}`);
    });
    const commandDocs = new Map<string, CommandDoc>();
    const raw = new Database(sqliteFile(config.dataDir), { readonly: true });
    try {
      const counts = raw.prepare('SELECT count(*) AS n, coalesce(max(global_position), 0) AS max FROM events').get() as { n: number; max: number };
      expect(counts).toEqual({ n: size, max: size });
      const keys = raw.prepare('SELECT count(*) AS n, coalesce(sum(last_global_position - first_global_position + 1), 0) AS events FROM idempotency').get() as { n: number; events: number };
      // Every event belongs to exactly one committed command, and every command kept its key.
      expect(keys.events).toBe(size);
      for (const row of raw.prepare('SELECT id, doc FROM documents WHERE collection = ?').all(COMMANDS) as { id: string; doc: string }[]) {
        commandDocs.set(row.id, JSON.parse(row.doc) as CommandDoc);
      }
      expect(commandDocs.size).toBe(keys.n);
    } finally {
      raw.close();
    }

    // Streams contiguous; commands whole (every event of a command, in order, nothing else between).
    const streams = new Map<string, { version: number; lastPosition: number }>();
    for (let i = 0; i < log.length; ) {
      const { key, of } = log[i]!.data;
      expect(of).toBe(eventCountOf(key));
      for (let k = 0; k < of; k++) {
        const e = log[i + k];
        if (e === undefined || e.data.key !== key || e.data.i !== k || e.streamId !== log[i]!.streamId) {
          expect.unreachable(`command ${key} at position ${i + 1} is not whole`);
        }
        const head = streams.get(e.streamId) ?? { version: 0, lastPosition: 0 };
        if (e.streamPosition !== head.version + 1) {
          expect.unreachable(`event ${e.globalPosition} is at ${e.streamPosition} of ${e.streamId}, expected ${head.version + 1}`);
        }
        streams.set(e.streamId, { version: e.streamPosition, lastPosition: e.globalPosition });
      }
      const doc = commandDocs.get(key);
      const expected: CommandDoc = { stream: log[i]!.streamId, first: i + 1, last: i + of, version: log[i + of - 1]!.streamPosition };
      if (doc === undefined || JSON.stringify(doc) !== JSON.stringify(expected)) {
        expect.unreachable(`read model of command ${key}: ${JSON.stringify(doc)}, expected ${JSON.stringify(expected)}`);
      }
      i += of;
    }

    // The read model moved in the same transactions as the events: each counter equals its stream's version.
    const counters = await store.listDocuments<CounterDoc>(COUNTERS);
    expect(counters.length).toBe(streams.size);
    for (const [streamId, head] of streams) {
      expect(await store.streamVersion(streamId)).toBe(head.version);
      expect(await store.getDocument<CounterDoc>(COUNTERS, streamId)).toEqual({ count: head.version, lastPosition: head.lastPosition });
    }

    // (a) Every acknowledged append ever made (this round and every earlier one) is present as acknowledged.
    for (const ack of allAcks) {
      for (let p = ack.first; p <= ack.last; p++) {
        const e = log[p - 1];
        if (e === undefined || e.streamId !== ack.stream || e.streamPosition !== ack.version - (ack.last - p) || e.data.key !== ack.key) {
          expect.unreachable(`acknowledged append ${JSON.stringify(ack)} is not at position ${p}`);
        }
      }
    }
    // ... and the same request with the same key is answered from the record, writing nothing.
    for (let i = 0; i < roundAcks.length; i += 200) {
      const chunk = roundAcks.slice(i, i + 200);
      const replies = await Promise.all(chunk.map((ack) => store.append(commandOfAck(ack))));
      replies.forEach((r, j) => {
        const ack = chunk[j]!;
        expect(r).toEqual({ streamId: ack.stream, nextVersion: ack.version, firstGlobalPosition: ack.first, lastGlobalPosition: ack.last, replayed: true });
      });
    }
    expect((await store.head()).size).toBe(size);

    // (c) The ledger verifies: chains, Merkle log, checkpoints in the database and in the file.
    const report = await verifyStore(store.backend, { checkpointFile: config.ledger.checkpointFile, keysDir: config.ledger.keysDir });
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.events).toBe(size);
    expect(report.checkpoints).toBeGreaterThan(0);

    const acked = new Set<number>();
    for (const ack of roundAcks) for (let p = ack.first; p <= ack.last; p++) acked.add(p);
    let committedUnacknowledged = 0;
    for (let p = sizeBefore + 1; p <= size; p++) if (!acked.has(p)) committedUnacknowledged += 1;
    const checkpointSizes = new Set((await store.backend.listCheckpoints()).map((c) => c.size));
    expect(storeErrors).toEqual([]);
    return { size, committedUnacknowledged, checkpointSizes };
  } finally {
    await store.close();
  }
}

describe('crash safety under SIGKILL (SQLite, WAL, synchronous=FULL)', () => {
  it(`keeps every acknowledged append and nothing half-written across ${KILLS} kills`, { timeout: 180_000 }, async () => {
    const random = seededRandom(SEED);
    const dir = await mkdtemp(join(tmpdir(), 'bes-crash-'));
    console.log(`crash test: seed ${SEED} (BES_CRASH_SEED=${SEED} reproduces the kill schedule), ${KILLS} kills, data folder ${dir} (kept if the test fails)`);
    const config = loadConfig({ data: dir }, cleanEnv());
    const allAcks: Ack[] = [];
    let size = 0;
    let events = 0;
    let midCommit = 0;
    let afterCommit = 0;
    let fileOnlyCheckpoints = 0;
    let betweenFileAndDb = 0;

    for (let kill = 1; kill <= KILLS; kill++) {
      const runMs = MIN_RUN_MS + Math.floor(random() * (MAX_RUN_MS - MIN_RUN_MS + 1));
      const run = await runAndKill(dir, runMs, Math.floor(random() * 2 ** 31));
      expect(run.signal, `worker ${kill} must die by SIGKILL, never on its own`).toBe('SIGKILL');
      expect(run.stderr, `worker ${kill} reported a problem`).toBe('');

      // Read before the store is reopened: opening recovers the WAL and closing checkpoints it away.
      const torn = uncommittedWalFrames(`${sqliteFile(dir)}-wal`);
      allAcks.push(...run.acks);
      const report = await checkAfterKill(config, allAcks, run.acks, size);
      const fileNotes = await readCheckpointFile(config.ledger.checkpointFile);
      const inFileOnly = fileNotes.filter((n) => !report.checkpointSizes.has(parseCheckpointBody(n).size)).length;
      // Every acknowledged position of this round is in the log (checked above), so the log only grew.
      expect(report.size).toBeGreaterThanOrEqual(run.acks.reduce((max, a) => Math.max(max, a.last), size));
      for (const ack of run.acks) events += ack.last - ack.first + 1;
      if (torn > 0) midCommit += 1;
      if (report.committedUnacknowledged > 0) afterCommit += 1;
      if (inFileOnly > fileOnlyCheckpoints) betweenFileAndDb += 1;
      fileOnlyCheckpoints = inFileOnly;
      console.log(
        `kill ${String(kill).padStart(2)}: after ${runMs} ms, ${run.acks.length} acknowledged appends, log ${size} -> ${report.size}` +
          `, ${report.committedUnacknowledged} events committed but not acknowledged, ${torn} uncommitted WAL frames`,
      );
      size = report.size;
    }

    // The real CLI, as an operator would run it after the last crash.
    const cli = await new Promise<{ code: number | null; out: string }>((resolvePromise, reject) => {
      const child = spawn(process.execPath, ['bin/bes.js', 'verify', '--data', dir], { cwd: ROOT, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
      child.stderr.setEncoding('utf8').on('data', (c: string) => (out += c));
      child.on('error', reject);
      child.on('close', (code) => resolvePromise({ code, out }));
    });
    expect(cli.code, cli.out).toBe(0);
    expect(allAcks.length).toBeGreaterThan(0);

    console.log(cli.out.trimEnd());
    console.log(
      `crash test: ${KILLS} SIGKILLs, ${allAcks.length} acknowledged appends (${events} events), all present; ` +
        `nothing half-written; log ${size} events; bes verify ok (seed ${SEED})`,
    );
    console.log(
      `crash test: kills that landed inside a COMMIT (uncommitted WAL frames left): ${midCommit}; ` +
        `after a COMMIT but before its acknowledgement: ${afterCommit}; ` +
        `between a checkpoint's file append and its database insert: ${betweenFileAndDb}`,
    );
    await rm(dir, { recursive: true, force: true });
  });
});
