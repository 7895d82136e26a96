/**
 * Store benchmark: what the event store sustains on this machine, next to what the same database does
 * with plain INSERTs of the same rows, and how fast a whole ledger verifies.
 *
 * For each backend (SQLite in bench/results/store-sqlite.tmp/, on the repository's disk; PostgreSQL in a
 * throw-away database when it is reachable):
 *   1. sequential appends: one 1-event command per transaction, each awaited before the next;
 *   2. group commit: C appenders, each appending back-to-back to its own stream; appends/s, p50/p99 of each
 *      append's own latency, and the batch size the group commit reached (commands / transactions, counted
 *      by wrapping backend.write);
 *   3. the raw limits: plain INSERTs of the same rows into a table with the same columns and indexes
 *      (values computed beforehand: no hashing, no projection, no idempotency), one row per durable
 *      transaction and batched at the group commit's batch sizes; and fdatasync calls per second on the disk;
 *   4. the ratios ours ÷ raw, against the goal;
 *   5. verification (verifyStore) of a store filled through the store itself.
 * Each figure of 1-3 is taken in several short rounds, ours then its raw baseline in turn, and the medians are
 * compared, so that a burst of other work on a shared machine spoils a round rather than a ratio.
 *
 * Every command is what the engine will send: one ~200-byte StepCompleted event with recorded values,
 * an expected version, an idempotency key and a projector that puts one read-model document. Stores sign
 * checkpoints with the default policy (every 1000 events). Nothing here asserts on timings.
 */
import Database from 'better-sqlite3';
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { closeSync, fdatasyncSync, fsyncSync, mkdirSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import os from 'node:os';
import { join, relative } from 'node:path';
import type { Backend, WriteTx } from '../src/store/backend.ts';
import type { NewEvent, Projector } from '../src/store/event-store.ts';
import { createLedgerStore, type LedgerStore } from '../src/store/ledger-store.ts';
import { canonicalJson } from '../src/store/ledger/event-hash.ts';
import { loadOrCreateLedgerKey } from '../src/store/ledger/signing-key.ts';
import { openPostgresBackend } from '../src/store/postgres/backend.ts';
import { POSTGRES_ADMIN_URL, createTestDatabase, postgresAvailable, type TestDatabase } from '../src/store/postgres/test-database.ts';
import { openSqliteBackend } from '../src/store/sqlite/backend.ts';
import { migrations as sqliteMigrations } from '../src/store/sqlite/migrations.ts';
import { verifyStore } from '../src/store/verify-store.ts';
import { fixed, formatTable, int, median, msText, now, percentile, rate, sig } from './lib/stats.ts';
import type { BenchContext, BenchResult } from './run.ts';

// ---------------------------------------------------------------------------------------------------------
// Parameters and goals

interface Params {
  /**
   * Each figure is measured in this many rounds, ours and its raw baseline taken in turn, and the median kept:
   * the machine is shared, and a burst of someone else's disk or CPU use then spoils one round, not the figure.
   */
  readonly rounds: number;
  /** Appends before measuring starts, in each round (JIT, caches, all appenders under way). */
  readonly appendWarmupMs: number;
  /** Measured window of each round of an append phase. */
  readonly appendMs: number;
  readonly rawWarmupMs: number;
  readonly rawMs: number;
  readonly fdatasyncMs: number;
  /** Concurrent appenders of the group-commit phases. */
  readonly concurrency: readonly number[];
  /** The store's maxBatch (its default). */
  readonly maxBatch: number;
  /** Checkpoint policy of every store (the server's default: every 1000 events, no timer). */
  readonly checkpointEveryEvents: number;
  readonly verifyEventsSqlite: number;
  readonly verifyEventsPostgres: number;
  /** Appenders filling the verification stores. */
  readonly fillConcurrency: number;
  /** Events per stream in the verification stores. */
  readonly fillEventsPerStream: number;
  readonly verifyRuns: number;
}

const FULL: Params = {
  rounds: 3,
  appendWarmupMs: 300,
  appendMs: 1_500,
  rawWarmupMs: 200,
  rawMs: 1_000,
  fdatasyncMs: 2_000,
  concurrency: [1, 16, 64, 256],
  maxBatch: 256,
  checkpointEveryEvents: 1_000,
  verifyEventsSqlite: 1_000_000,
  verifyEventsPostgres: 100_000,
  fillConcurrency: 256,
  fillEventsPerStream: 100,
  verifyRuns: 3,
};

const QUICK: Params = {
  ...FULL,
  rounds: 2,
  appendWarmupMs: 150,
  appendMs: 500,
  rawWarmupMs: 100,
  rawMs: 300,
  fdatasyncMs: 1_000,
  verifyEventsSqlite: 100_000,
  verifyEventsPostgres: 20_000,
  verifyRuns: 1,
};

const GOALS = {
  /** Group-committed appends/s ÷ raw batched INSERT rows/s at the same batch size. */
  groupCommitVsRawBatched: 0.5,
  /** Sequential appends/s ÷ raw single-row durable INSERTs/s (the brief names one threshold; applied to both). */
  sequentialVsRawSingle: 0.5,
  verifyEventsPerSecond: 500_000,
};

// ---------------------------------------------------------------------------------------------------------
// The workload: what the engine will append

const ACTOR = 'user:qa-0042';
const EVENT_TYPE = 'StepCompleted';

interface StepCompletedData {
  readonly step: string;
  readonly seq: number;
  readonly equipment: string;
  readonly values: readonly { name: string; value: number; unit: string }[];
  readonly result: string;
}

/** A step-completed event with a few recorded values: ~210 bytes of canonical JSON. */
function stepCompleted(seq: number): NewEvent {
  const gross = 12 + (seq % 997) / 1000;
  const data: StepCompletedData = {
    step: 'S-040 dispense',
    seq,
    equipment: 'BAL-0007',
    values: [
      { name: 'gross', value: gross, unit: 'kg' },
      { name: 'tare', value: 0.512, unit: 'kg' },
      { name: 'net', value: Math.round((gross - 0.512) * 1000) / 1000, unit: 'kg' },
    ],
    result: 'in-spec',
  };
  return { type: EVENT_TYPE, data };
}

/** The projector the engine will run: one read-model document per command. */
const projectStep: Projector = async (tx, events) => {
  const last = events[events.length - 1]!;
  const data = last.data as StepCompletedData;
  await tx.put('batch_steps', last.streamId, {
    batch: last.streamId,
    step: data.step,
    seq: data.seq,
    result: data.result,
    completedAt: last.recordedAt,
    position: last.globalPosition,
  });
};

// ---------------------------------------------------------------------------------------------------------
// Small helpers: bench/lib/stats.ts (now, rate, sig, fixed, median, percentile, int, msText, formatTable)

// ---------------------------------------------------------------------------------------------------------
// Counting the group commit's batches

interface WriteCounter {
  /** Committed write transactions. */
  transactions: number;
  /** Commands (insertEvents calls) in them. */
  commands: number;
  /** Called after each commit has been counted, before its appends are acknowledged. */
  onCommit: (() => void) | undefined;
}

/** The backend with `write` counted: transactions committed and the commands each held. */
function countingBackend(inner: Backend, counter: WriteCounter): Backend {
  const countTx = (tx: WriteTx, onInsert: () => void): WriteTx =>
    new Proxy(tx, {
      get(target, prop) {
        const value: unknown = Reflect.get(target, prop, target);
        if (prop === 'insertEvents') {
          return (rows: Parameters<WriteTx['insertEvents']>[0]) => {
            onInsert();
            return target.insertEvents(rows);
          };
        }
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
  return new Proxy(inner, {
    get(target, prop) {
      if (prop === 'write') {
        return async <T>(work: (tx: WriteTx) => Promise<T>): Promise<T> => {
          let commands = 0;
          const result = await target.write((tx) => work(countTx(tx, () => commands++)));
          counter.transactions++;
          counter.commands += commands;
          counter.onCommit?.();
          return result;
        };
      }
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

// ---------------------------------------------------------------------------------------------------------
// 1 + 2: appends through the store

interface AppendFigure {
  readonly appenders: number;
  /** Appends committed in the measured window. */
  readonly appends: number;
  /** Appends whose latency was recorded (those acknowledged in the window). */
  readonly latencySamples: number;
  readonly seconds: number;
  readonly appendsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly transactions: number;
  /** Commands in those transactions. */
  readonly commands: number;
  /** Commands per committed transaction in the measured window. */
  readonly avgBatch: number;
}

/** One round: its figures, and each append's latency (ms) for pooling over the rounds. */
interface AppendRound {
  readonly figure: AppendFigure;
  readonly latencies: Float64Array;
}

/**
 * `appenders` loops, each appending one command at a time to its own new stream, for a warm-up and then
 * a measured window; counts the appends committed in the window and records each one's latency.
 */
async function measureAppends(
  store: LedgerStore,
  counter: WriteCounter,
  appenders: number,
  tag: string,
  p: Params,
): Promise<AppendRound> {
  let measuring = false;
  let stop = false;
  let latencies = new Float64Array(1 << 16);
  let count = 0;
  // The window opens at the first commit after the warm-up and closes at the first commit after its time is
  // up, and the rate counts the commands committed in between: with batches of 256 taking 100+ ms, a
  // window cut by the clock alone would be off by up to a whole batch.
  let phase: 'warm-up' | 'armed' | 'measuring' | 'closing' | 'closed' = 'warm-up';
  const window = { t0: 0, t1: 0, tx0: 0, tx1: 0, cmd0: 0, cmd1: 0 };
  counter.onCommit = () => {
    if (phase === 'armed') {
      window.t0 = now();
      window.tx0 = counter.transactions;
      window.cmd0 = counter.commands;
      measuring = true;
      phase = 'measuring';
    } else if (phase === 'closing') {
      window.t1 = now();
      window.tx1 = counter.transactions;
      window.cmd1 = counter.commands;
      measuring = false;
      stop = true;
      phase = 'closed';
    }
  };
  const startTimer = setTimeout(() => {
    phase = 'armed';
  }, p.appendWarmupMs);
  const stopTimer = setTimeout(() => {
    // Still 'armed' means no commit yet: the next one opens the window, the one after closes it.
    const close = () => {
      if (phase === 'measuring') phase = 'closing';
      else if (phase === 'armed') setImmediate(close);
    };
    close();
  }, p.appendWarmupMs + p.appendMs);

  const loop = async (i: number) => {
    const streamId = `${tag}-${i}`;
    let version = 0;
    while (!stop) {
      const started = now();
      const result = await store.append({
        streamId,
        events: [stepCompleted(version + 1)],
        expectedVersion: version === 0 ? 'no_stream' : version,
        actor: ACTOR,
        idempotencyKey: `${streamId}-${version + 1}`,
        project: projectStep,
      });
      const took = now() - started;
      version = result.nextVersion;
      if (measuring) {
        if (count === latencies.length) {
          const bigger = new Float64Array(latencies.length * 2);
          bigger.set(latencies);
          latencies = bigger;
        }
        latencies[count++] = took;
      }
    }
  };
  try {
    const outcomes = await Promise.allSettled(
      Array.from({ length: appenders }, (_, i) =>
        loop(i).catch((error: unknown) => {
          stop = true;
          throw error;
        }),
      ),
    );
    const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
  } finally {
    clearTimeout(startTimer);
    clearTimeout(stopTimer);
    counter.onCommit = undefined;
  }
  const sorted = latencies.slice(0, count).sort();
  const ms = window.t1 - window.t0;
  const transactions = window.tx1 - window.tx0;
  // One event per command, none refused: commands committed = appends acknowledged.
  const commands = window.cmd1 - window.cmd0;
  const figure: AppendFigure = {
    appenders,
    appends: commands,
    latencySamples: count,
    seconds: fixed(ms / 1000, 3),
    appendsPerSecond: rate(commands, ms),
    p50Ms: sig(percentile(sorted, 50)),
    p99Ms: sig(percentile(sorted, 99)),
    maxMs: sig(percentile(sorted, 100)),
    transactions,
    commands,
    avgBatch: transactions > 0 ? fixed(commands / transactions) : 0,
  };
  return { figure, latencies: sorted };
}

/** Over the rounds: the median rate, latency percentiles of all appends together, the overall batch size. */
interface AppendSummary {
  readonly appenders: number;
  readonly appendsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly avgBatch: number;
  readonly rounds: readonly AppendFigure[];
}

function summarizeAppends(rounds: readonly AppendRound[]): AppendSummary {
  const all = new Float64Array(rounds.reduce((n, r) => n + r.latencies.length, 0));
  let at = 0;
  for (const r of rounds) {
    all.set(r.latencies, at);
    at += r.latencies.length;
  }
  all.sort();
  const figures = rounds.map((r) => r.figure);
  const transactions = figures.reduce((n, f) => n + f.transactions, 0);
  const commands = figures.reduce((n, f) => n + f.commands, 0);
  return {
    appenders: figures[0]!.appenders,
    appendsPerSecond: Math.round(median(figures.map((f) => f.appendsPerSecond))),
    p50Ms: sig(percentile(all, 50)),
    p99Ms: sig(percentile(all, 99)),
    maxMs: sig(percentile(all, 100)),
    avgBatch: transactions > 0 ? fixed(commands / transactions) : 0,
    rounds: figures,
  };
}

// ---------------------------------------------------------------------------------------------------------
// 3: the raw limits

/** The same columns as the store's rows, computed beforehand. */
const HASH_POOL = Array.from({ length: 4096 }, () => randomBytes(32).toString('hex'));
const DATA_POOL = Array.from({ length: 256 }, (_, i) => canonicalJson(stepCompleted(i + 1).data));
const RECORDED_AT = new Date().toISOString();

interface RawFigure {
  readonly batchSize: number;
  readonly rows: number;
  readonly transactions: number;
  readonly seconds: number;
  readonly rowsPerSecond: number;
}

/** Over the rounds: the median rate, and the batch sizes used (each round's group-commit batch, rounded). */
interface RawSummary {
  readonly batchSizes: readonly number[];
  readonly rowsPerSecond: number;
  readonly rounds: readonly RawFigure[];
}

function summarizeRaw(rounds: readonly RawFigure[]): RawSummary {
  return {
    batchSizes: [...new Set(rounds.map((r) => r.batchSize))],
    rowsPerSecond: Math.round(median(rounds.map((r) => r.rowsPerSecond))),
    rounds,
  };
}

interface RawTarget {
  readonly description: string;
  /** INSERTs `batchSize` rows per durable transaction, back to back, for a warm-up and a measured window. */
  measure(batchSize: number, p: Params): Promise<RawFigure>;
  close(): Promise<void>;
}

/** Positions and stream ids for raw rows: one stream per "appender", as in the group-commit phases. */
class RawRows {
  private global = 0;
  private phase = 0;

  /** Fills `into` with the values of the next row, for a phase writing `streams` streams round robin. */
  next(streams: number): (into: unknown[]) => unknown[] {
    const ids = Array.from({ length: streams }, (_, k) => `raw-${++this.phase}-${k}`);
    let n = 0;
    return (into) => {
      const g = ++this.global;
      into[0] = g;
      into[1] = ids[n % streams]!;
      into[2] = Math.floor(n / streams) + 1;
      into[3] = EVENT_TYPE;
      into[4] = DATA_POOL[g & 255]!;
      into[5] = ACTOR;
      into[6] = RECORDED_AT;
      into[7] = HASH_POOL[(g + 1) & 4095]!;
      into[8] = HASH_POOL[g & 4095]!;
      n++;
      return into;
    };
  }
}

const EVENT_COLUMNS = 'global_position, stream_id, stream_position, type, data, actor, recorded_at, prev_hash, hash';

/** better-sqlite3 on its own file with the store's schema and pragmas (WAL, synchronous=FULL). */
function rawSqlite(file: string): RawTarget {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 10000');
  db.pragma('foreign_keys = ON');
  for (const m of sqliteMigrations) db.exec(m.sql);
  const insert = db.prepare(`INSERT INTO events (${EVENT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const rows = new RawRows();
  return {
    description: 'better-sqlite3, same schema (events table with its indexes) and pragmas, prepared INSERT in db.transaction()',
    async measure(batchSize, p) {
      const row = rows.next(batchSize);
      const values: unknown[] = new Array<unknown>(9);
      const commit = db.transaction(() => {
        for (let i = 0; i < batchSize; i++) insert.run(row(values));
      });
      for (const end = now() + p.rawWarmupMs; now() < end; ) commit();
      let transactions = 0;
      const t0 = now();
      let t1 = t0;
      while (t1 - t0 < p.rawMs) {
        commit();
        transactions++;
        t1 = now();
      }
      return figure(batchSize, transactions, t1 - t0);
    },
    async close() {
      db.close();
    },
  };
}

function figure(batchSize: number, transactions: number, ms: number): RawFigure {
  const rows = transactions * batchSize;
  return { batchSize, rows, transactions, seconds: fixed(ms / 1000, 3), rowsPerSecond: rate(rows, ms) };
}

/** pg on one connection, into a copy of the events table (same columns, indexes, collations); autocommit. */
async function rawPostgres(url: string): Promise<RawTarget> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => {});
  await client.connect();
  await client.query('CREATE TABLE raw_events (LIKE events INCLUDING ALL)');
  const rows = new RawRows();
  const single = `INSERT INTO raw_events (${EVENT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`;
  const many = `INSERT INTO raw_events (${EVENT_COLUMNS})
    SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])`;
  return {
    description:
      'pg, one connection, table LIKE events INCLUDING ALL; each INSERT one autocommit (durable) transaction, as a named prepared statement: VALUES for 1 row, unnest of column arrays for a batch',
    async measure(batchSize, p) {
      const row = rows.next(batchSize);
      const once = async () => {
        if (batchSize === 1) {
          await client.query({ name: 'raw-single', text: single, values: row([]) });
          return;
        }
        const columns: unknown[][] = Array.from({ length: 9 }, () => new Array<unknown>(batchSize));
        const values: unknown[] = [];
        for (let i = 0; i < batchSize; i++) {
          row(values);
          for (let c = 0; c < 9; c++) columns[c]![i] = values[c];
        }
        await client.query({ name: 'raw-many', text: many, values: columns });
      };
      for (const end = now() + p.rawWarmupMs; now() < end; ) await once();
      let transactions = 0;
      const t0 = now();
      let t1 = t0;
      while (t1 - t0 < p.rawMs) {
        await once();
        transactions++;
        t1 = now();
      }
      return figure(batchSize, transactions, t1 - t0);
    },
    async close() {
      await client.query('DROP TABLE raw_events');
      await client.end();
    },
  };
}

interface FdatasyncFigure {
  readonly calls: number;
  readonly seconds: number;
  readonly callsPerSecond: number;
  readonly method: string;
}

/** 4 KiB written then fdatasync, in a loop, over a preallocated 16 MiB file (as a WAL is reused). */
function measureFdatasync(dir: string, ms: number): FdatasyncFigure {
  const file = join(dir, 'fdatasync.probe');
  const region = 16 << 20;
  const fd = openSync(file, 'w');
  try {
    const zeros = Buffer.alloc(1 << 20);
    for (let at = 0; at < region; at += zeros.length) writeSync(fd, zeros, 0, zeros.length, at);
    fsyncSync(fd);
    const block = Buffer.alloc(4096, 0x5a);
    let calls = 0;
    let offset = 0;
    const t0 = now();
    let t1 = t0;
    while (t1 - t0 < ms) {
      writeSync(fd, block, 0, block.length, offset);
      fdatasyncSync(fd);
      offset = (offset + block.length) % region;
      calls++;
      t1 = now();
    }
    return {
      calls,
      seconds: fixed((t1 - t0) / 1000, 3),
      callsPerSecond: rate(calls, t1 - t0),
      method: '4 KiB pwrite + fdatasync, sequential over a preallocated 16 MiB file',
    };
  } finally {
    closeSync(fd);
    rmSync(file, { force: true });
  }
}

// ---------------------------------------------------------------------------------------------------------
// 5: verification

interface VerifyFigure {
  readonly events: number;
  readonly streams: number;
  readonly checkpoints: number;
  readonly ok: boolean;
  readonly fill: { readonly seconds: number; readonly appendsPerSecond: number; readonly appenders: number };
  readonly runs: readonly { readonly seconds: number; readonly eventsPerSecond: number }[];
  /** The median run, held against the goal. */
  readonly eventsPerSecond: number;
  readonly goal: number;
  readonly goalMet: boolean;
}

/** Fills a store with `events` 1-event commands through the group commit, `concurrency` at a time. */
async function fillStore(
  store: LedgerStore,
  events: number,
  p: Params,
  log: (line: string) => void,
  label: string,
): Promise<number> {
  const streams = Math.max(1, Math.round(events / p.fillEventsPerStream));
  let next = 0;
  let done = 0;
  let reported = 0;
  const t0 = now();
  const worker = async () => {
    for (let seq = next++; seq < events; seq = next++) {
      await store.append({
        streamId: `lot-${String(seq % streams).padStart(6, '0')}`,
        events: [stepCompleted(seq + 1)],
        expectedVersion: 'any',
        actor: ACTOR,
      });
      done++;
      if (done - reported >= events / 10) {
        reported = done;
        log(`${label}: filled ${int(done)} / ${int(events)} events (${int(rate(done, now() - t0))}/s)`);
      }
    }
  };
  await Promise.all(Array.from({ length: p.fillConcurrency }, worker));
  return now() - t0;
}

async function measureVerify(
  openBackend: () => Promise<Backend>,
  dir: string,
  events: number,
  p: Params,
  log: (line: string) => void,
  label: string,
): Promise<VerifyFigure> {
  const keysDir = join(dir, 'verify-keys');
  const checkpointFile = join(dir, 'verify-checkpoints.jsonl');
  const key = await loadOrCreateLedgerKey(keysDir, 'openbes-bench');
  const store = await createLedgerStore({
    backend: await openBackend(),
    maxBatch: p.maxBatch,
    checkpoints: { key, file: checkpointFile, everyEvents: p.checkpointEveryEvents, everyMs: 0 },
  });
  let fillMs: number;
  try {
    fillMs = await fillStore(store, events, p, log, label);
    await store.checkpoint();
  } finally {
    await store.close();
  }
  log(`${label}: filled ${int(events)} events in ${(fillMs / 1000).toFixed(1)} s; verifying`);
  const runs: { seconds: number; eventsPerSecond: number }[] = [];
  let report: Awaited<ReturnType<typeof verifyStore>> | undefined;
  for (let r = 0; r < p.verifyRuns; r++) {
    const backend = await openBackend();
    try {
      const t0 = now();
      report = await verifyStore(backend, { checkpointFile, keysDir });
      const ms = now() - t0;
      runs.push({ seconds: fixed(ms / 1000, 3), eventsPerSecond: rate(report.events, ms) });
      log(`${label}: verify run ${r + 1}: ${(ms / 1000).toFixed(2)} s, ${int(rate(report.events, ms))} events/s`);
    } finally {
      await backend.close();
    }
  }
  if (report === undefined) throw new Error('no verification run');
  if (!report.ok) throw new Error(`${label}: the benchmark ledger does not verify: ${JSON.stringify(report.problems.slice(0, 3))}`);
  if (report.events !== events) throw new Error(`${label}: verified ${report.events} events, expected ${events}`);
  const typical = Math.round(median(runs.map((r) => r.eventsPerSecond)));
  return {
    events: report.events,
    streams: report.streams,
    checkpoints: report.checkpoints,
    ok: report.ok,
    fill: { seconds: fixed(fillMs / 1000, 1), appendsPerSecond: rate(events, fillMs), appenders: p.fillConcurrency },
    runs,
    eventsPerSecond: typical,
    goal: GOALS.verifyEventsPerSecond,
    goalMet: typical >= GOALS.verifyEventsPerSecond,
  };
}

// ---------------------------------------------------------------------------------------------------------
// One backend, end to end

interface BackendSetup {
  readonly name: 'sqlite' | 'postgres';
  readonly title: string;
  readonly version: string;
  /** Where the data lives, for the fdatasync probe (a folder on the same disk). */
  readonly probeDir: string;
  readonly details: Record<string, unknown>;
  openStoreBackend(): Promise<Backend>;
  openVerifyBackend(): Promise<Backend>;
  openRaw(): Promise<RawTarget>;
  readonly verifyEvents: number;
}

interface Compared {
  readonly ours: AppendSummary;
  readonly raw: RawSummary;
  /** Median appends/s ÷ median raw rows/s. */
  readonly ratio: number;
  readonly goal: number;
  readonly goalMet: boolean;
}

interface BackendFigures {
  readonly version: string;
  readonly details: Record<string, unknown>;
  /** Before and after the append phases. */
  readonly fdatasync: { readonly before: FdatasyncFigure; readonly after: FdatasyncFigure };
  readonly rawMethod: string;
  readonly sequential: Compared;
  readonly groupCommit: readonly (Compared & { readonly concurrency: number })[];
  readonly verify: VerifyFigure;
}

function compare(ours: AppendSummary, raw: RawSummary, goal: number): Compared {
  const ratio = raw.rowsPerSecond > 0 ? ours.appendsPerSecond / raw.rowsPerSecond : NaN;
  return { ours, raw, ratio: fixed(ratio, 3), goal, goalMet: ratio >= goal };
}

async function benchBackend(setup: BackendSetup, p: Params, log: (line: string) => void): Promise<BackendFigures> {
  const label = setup.name;
  // Measured before and after the append phases: a large difference means something else used the disk.
  const fdatasyncBefore = measureFdatasync(setup.probeDir, p.fdatasyncMs);
  log(`${label}: fdatasync ${int(fdatasyncBefore.callsPerSecond)}/s`);

  const counter: WriteCounter = { transactions: 0, commands: 0, onCommit: undefined };
  const keysDir = join(setup.probeDir, 'keys');
  const key = await loadOrCreateLedgerKey(keysDir, 'openbes-bench');
  const store = await createLedgerStore({
    backend: countingBackend(await setup.openStoreBackend(), counter),
    maxBatch: p.maxBatch,
    checkpoints: { key, file: join(setup.probeDir, 'checkpoints.jsonl'), everyEvents: p.checkpointEveryEvents, everyMs: 0 },
  });
  const raw = await setup.openRaw();
  // Each round measures ours, then the raw baseline at the batch size ours just reached, so that whatever
  // else the machine is doing at the time weighs on both alike.
  const measure = async (appenders: number, tag: string, goal: number, what: string): Promise<Compared> => {
    const ours: AppendRound[] = [];
    const raws: RawFigure[] = [];
    for (let round = 1; round <= p.rounds; round++) {
      const o = await measureAppends(store, counter, appenders, `${tag}-r${round}`, p);
      ours.push(o);
      const r = await raw.measure(Math.max(1, Math.round(o.figure.avgBatch)), p);
      raws.push(r);
      log(
        `${label}: ${what}, round ${round}: ${int(o.figure.appendsPerSecond)} appends/s (batch ${o.figure.avgBatch}); ` +
          `raw ×${r.batchSize}: ${int(r.rowsPerSecond)} rows/s`,
      );
    }
    return compare(summarizeAppends(ours), summarizeRaw(raws), goal);
  };
  let sequential: Compared;
  const groupCommit: (Compared & { concurrency: number })[] = [];
  try {
    sequential = await measure(1, 'seq', GOALS.sequentialVsRawSingle, 'sequential');
    for (const c of p.concurrency) {
      groupCommit.push({ concurrency: c, ...(await measure(c, `c${c}`, GOALS.groupCommitVsRawBatched, `C=${c}`)) });
    }
  } finally {
    await raw.close();
    await store.close();
  }
  const fdatasyncAfter = measureFdatasync(setup.probeDir, p.fdatasyncMs);
  log(`${label}: fdatasync ${int(fdatasyncAfter.callsPerSecond)}/s`);
  const verify = await measureVerify(setup.openVerifyBackend, setup.probeDir, setup.verifyEvents, p, log, label);
  return {
    version: setup.version,
    details: setup.details,
    fdatasync: { before: fdatasyncBefore, after: fdatasyncAfter },
    rawMethod: raw.description,
    sequential,
    groupCommit,
    verify,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Printing

function backendTable(title: string, f: BackendFigures): string {
  const yes = (met: boolean) => (met ? 'yes' : 'NO');
  const row = (name: string, c: Compared) => [
    name,
    int(c.ours.appendsPerSecond),
    msText(c.ours.p50Ms),
    msText(c.ours.p99Ms),
    c.ours.avgBatch.toFixed(1),
    `${int(c.raw.rowsPerSecond)} (×${c.raw.batchSizes.join('/')})`,
    c.ratio.toFixed(2),
    `${yes(c.goalMet)} (≥ ${c.goal})`,
  ];
  const table = formatTable(
    ['1-event commands', 'appends/s', 'p50 ms', 'p99 ms', 'avg batch', 'raw INSERT rows/s (rows/tx)', 'ours÷raw', 'goal met'],
    [row('sequential, 1 per tx', f.sequential), ...f.groupCommit.map((g) => row(`group commit C=${g.concurrency}`, g))],
  );
  const v = f.verify;
  const verifyRuns = v.runs.map((r) => `${r.seconds.toFixed(2)} s`).join(', ');
  const runs = v.runs.length === 1 ? '1 run' : `median of ${v.runs.length} runs`;
  return [
    title,
    `  fdatasync on this disk: ${int(f.fdatasync.before.callsPerSecond)}/s before the append phases, ` +
      `${int(f.fdatasync.after.callsPerSecond)}/s after (${f.fdatasync.before.method})`,
    table,
    `  verify ${int(v.events)} events (${int(v.streams)} streams, ${int(v.checkpoints)} checkpoints): ${verifyRuns} → ${int(v.eventsPerSecond)} events/s` +
      ` (${runs}) — goal ≥ ${int(v.goal)}: ${yes(v.goalMet)}`,
    `  (filling it through the store, C=${v.fill.appenders}, no projector or idempotency key: ${v.fill.seconds} s, ${int(v.fill.appendsPerSecond)} appends/s)`,
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------------------
// Entry point

function sqliteVersion(): string {
  const db = new Database(':memory:');
  try {
    return (db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
  } finally {
    db.close();
  }
}

async function postgresFacts(url: string): Promise<{ version: string; settings: Record<string, string>; dataDirectory: string }> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => {});
  await client.connect();
  try {
    const show = async (name: string) => (await client.query<Record<string, string>>(`SHOW ${name}`)).rows[0]![name]!;
    const settings: Record<string, string> = {};
    for (const name of ['synchronous_commit', 'fsync', 'wal_sync_method', 'full_page_writes', 'commit_delay', 'shared_buffers']) {
      settings[name] = await show(name);
    }
    return { version: await show('server_version'), settings, dataDirectory: await show('data_directory') };
  } finally {
    await client.end();
  }
}

/** Whether two paths are on the same device; undefined when one cannot be examined. */
function sameDevice(a: string, b: string): boolean | undefined {
  try {
    return statSync(a).dev === statSync(b).dev;
  } catch {
    return undefined;
  }
}

export async function run(context: BenchContext): Promise<BenchResult> {
  const p = context.quick ? QUICK : FULL;
  const { log } = context;
  const started = new Date();
  const sample = stepCompleted(1);
  const machine = {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cpus: os.cpus().length,
    totalMemoryGiB: fixed(os.totalmem() / 2 ** 30, 1),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    sqlite: sqliteVersion(),
    postgres: undefined as string | undefined,
    /** Other work on the machine skews every figure; the 1/5/15-minute load averages at start and end say how much. */
    loadAverageAtStart: os.loadavg().map((l) => fixed(l)),
    loadAverageAtEnd: [] as number[],
  };

  const tables: string[] = [];
  const backends: Record<string, unknown> = {};
  /** A backend that fails is recorded as such; the other one still runs. */
  const failed = (name: string, title: string, error: unknown) => {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    backends[name] = { error: message };
    tables.push(`${title}\n  FAILED: ${message.split('\n')[0]}`);
    log(`${name} failed: ${message}`);
  };

  // SQLite, in a scratch folder on the repository's disk.
  const sqliteDir = join(context.resultsDir, 'store-sqlite.tmp');
  rmSync(sqliteDir, { recursive: true, force: true });
  mkdirSync(sqliteDir, { recursive: true });
  const sqliteTitle = `SQLite ${machine.sqlite} (WAL, synchronous=FULL) in ${relative(context.repoRoot, sqliteDir)}/`;
  try {
    const figures = await benchBackend(
      {
        name: 'sqlite',
        title: sqliteTitle,
        version: machine.sqlite,
        probeDir: sqliteDir,
        details: { folder: relative(context.repoRoot, sqliteDir), pragmas: { journal_mode: 'WAL', synchronous: 'FULL' } },
        openStoreBackend: async () => openSqliteBackend({ file: join(sqliteDir, 'store.db') }),
        openVerifyBackend: async () => openSqliteBackend({ file: join(sqliteDir, 'verify.db') }),
        openRaw: async () => rawSqlite(join(sqliteDir, 'raw.db')),
        verifyEvents: p.verifyEventsSqlite,
      },
      p,
      log,
    );
    backends.sqlite = figures;
    tables.push(backendTable(sqliteTitle, figures));
  } catch (error) {
    failed('sqlite', sqliteTitle, error);
  } finally {
    rmSync(sqliteDir, { recursive: true, force: true });
  }

  // PostgreSQL, in throw-away databases, when it is reachable.
  const availability = await postgresAvailable();
  if (!availability.ok) {
    backends.postgres = { skipped: availability.reason };
    tables.push(`PostgreSQL: skipped — ${availability.reason}`);
  } else {
    const pgDir = join(context.resultsDir, 'store-postgres.tmp');
    rmSync(pgDir, { recursive: true, force: true });
    mkdirSync(pgDir, { recursive: true });
    const databases: TestDatabase[] = [];
    let title = 'PostgreSQL';
    try {
      const storeDb = await createTestDatabase('bes_bench');
      databases.push(storeDb);
      const verifyDb = await createTestDatabase('bes_bench_verify');
      databases.push(verifyDb);
      const facts = await postgresFacts(storeDb.url);
      machine.postgres = facts.version;
      const server = new URL(POSTGRES_ADMIN_URL);
      title = `PostgreSQL ${facts.version} at ${server.hostname}:${server.port || '5432'} (synchronous_commit=${facts.settings.synchronous_commit})`;
      const figures = await benchBackend(
        {
          name: 'postgres',
          title,
          version: facts.version,
          // The server's data folder may not be ours to write in; the probe runs on the repository's disk,
          // and sameDeviceAsProbe says whether that is the disk PostgreSQL writes to.
          probeDir: pgDir,
          details: {
            settings: facts.settings,
            dataDirectory: facts.dataDirectory,
            sameDeviceAsProbe: sameDevice(facts.dataDirectory, pgDir) ?? 'unknown (data directory not accessible)',
            poolSize: 10,
          },
          openStoreBackend: () => openPostgresBackend({ connectionString: storeDb.url }),
          openVerifyBackend: () => openPostgresBackend({ connectionString: verifyDb.url }),
          openRaw: () => rawPostgres(storeDb.url),
          verifyEvents: p.verifyEventsPostgres,
        },
        p,
        log,
      );
      backends.postgres = figures;
      tables.push(backendTable(title, figures));
    } catch (error) {
      failed('postgres', title, error);
    } finally {
      for (const db of databases.reverse()) await db.drop().catch((error: unknown) => log(`could not drop a bench database: ${String(error)}`));
      rmSync(pgDir, { recursive: true, force: true });
    }
  }

  machine.loadAverageAtEnd = os.loadavg().map((l) => fixed(l));
  const header = [
    `Store benchmark${context.quick ? ' (--quick)' : ''} — ${started.toISOString()}`,
    `${machine.cpu}, ${machine.cpus} CPUs, ${machine.totalMemoryGiB} GiB, ${machine.os}, node ${machine.node};` +
      ` load average ${machine.loadAverageAtStart.join(' ')} at start, ${machine.loadAverageAtEnd.join(' ')} at end`,
    `1-event commands: ${Buffer.byteLength(canonicalJson(sample.data))}-byte ${sample.type} payload, expected version, idempotency key,` +
      ` projector putting 1 document; checkpoints every ${p.checkpointEveryEvents} events`,
    `Each row: ${p.rounds} rounds of ${p.appendMs / 1000} s of ours, each followed by ${p.rawMs / 1000} s of plain INSERTs of the same rows` +
      ` at the batch size ours reached; appends/s and rows/s are medians over the rounds, latencies pooled`,
    `ours÷raw = median appends/s ÷ median raw rows/s; per-round figures in store.json`,
  ].join('\n');

  return {
    table: [header, ...tables].join('\n\n'),
    json: {
      benchmark: 'store',
      date: started.toISOString(),
      quick: context.quick,
      machine,
      parameters: {
        ...p,
        payload: { type: sample.type, bytes: Buffer.byteLength(canonicalJson(sample.data)), example: sample.data },
      },
      method: {
        command: '1 event, numeric expected version (no_stream first), idempotency key, projector putting 1 document',
        rounds: 'each figure: `rounds` rounds, ours then the raw baseline in turn; medians of the rates, latencies pooled over the rounds',
        window: 'opens at the first commit after the warm-up, closes at the first commit after appendMs; rate = commands committed in it ÷ its length',
        latency: "each append's own time from store.append() to its resolution (performance.now())",
        avgBatch: 'commands ÷ committed write transactions in the window (backend.write wrapped in a counting proxy)',
        rawBatchSize: "each round's group-commit average batch size, rounded",
        verifyEventsPerSecond:
          'events ÷ wall time of verifyStore() on a freshly opened backend (the OS page cache holds the database); the median run is held against the goal',
      },
      goals: GOALS,
      backends,
    },
  };
}
