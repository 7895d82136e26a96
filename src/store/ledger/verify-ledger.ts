/**
 * Verifies a whole ledger: every stream's hash chain, the log's positions, the Merkle log against every
 * signed checkpoint (from the database and from the file kept outside it), and the log state.
 * It reads only; it trusts nothing stored in the database except what the hashes and signatures prove.
 *
 * Large logs are verified on two threads (verify-parallel.ts: this one reads, a worker checks and hashes);
 * small ones, logs a worker cannot check exactly as this thread does, and wherever a worker cannot run, on
 * this thread alone. Both give the same report (verify-parallel.test.ts).
 */
import type { Backend } from '../backend.ts';
import { eventHash } from './event-hash.ts';
import { CheckpointError, parseCheckpointBody, verifyCheckpoint, type NoteVerifier } from './checkpoint-note.ts';
import { MerkleAccumulator, frontierRoot } from './merkle.ts';
import {
  OrderCheck,
  alteredProblem,
  chainProblem,
  gapProblem,
  rewrittenProblem,
  streamPositionProblem,
  type SignedCheckpoint,
  type VerifyProblem,
} from './verify-checks.ts';
import { VerifyWorker, type ParallelScan } from './verify-parallel.ts';
import type { EventProblem } from './verify-worker.js';

export type { ProblemKind, VerifyProblem } from './verify-checks.ts';

export interface VerifyReport {
  readonly ok: boolean;
  readonly events: number;
  readonly streams: number;
  readonly checkpoints: number;
  /** Size of the latest valid checkpoint; events after it are not yet sealed by a signature. */
  readonly sealedSize: number;
  readonly rootHash: string;
  readonly problems: readonly VerifyProblem[];
  readonly warnings: readonly string[];
}

/** How a verification ran: alone, on two threads, or on two threads given up for the single-threaded path. */
export type VerifyMode = 'single-threaded' | 'parallel' | 'parallel-fell-back';

export interface VerifyLedgerInput {
  readonly backend: Backend;
  /** Notes from the checkpoint file outside the database. */
  readonly fileNotes: readonly string[];
  /** Keys the auditor trusts; a checkpoint signed by no trusted key is treated as forged. */
  readonly verifiers: readonly NoteVerifier[];
  readonly pageSize?: number;
  /**
   * Logs of at least this many events (by the stored log state) are verified on two threads; default
   * PARALLEL_THRESHOLD. Infinity: always on this thread alone.
   */
  readonly parallelThreshold?: number;
  /** Told how the verification ran (for tests and diagnostics). */
  readonly onMode?: (mode: VerifyMode) => void;
}

/**
 * Below this many events a worker thread's start-up (tens of milliseconds) costs more than it saves: one
 * thread verifies about 300,000 events per second.
 */
export const PARALLEL_THRESHOLD = 50_000;

const MAX_PROBLEMS = 50;

function collectCheckpoints(
  notes: readonly { note: string; source: string }[],
  verifiers: readonly NoteVerifier[],
  problems: VerifyProblem[],
): SignedCheckpoint[] {
  const bySize = new Map<number, SignedCheckpoint>();
  const forks: SignedCheckpoint[] = [];
  // Each note is normally both in the database and in the file: its signatures are checked once.
  const outcomes = new Map<string, { size: number; rootHash: string } | { error: unknown }>();
  const verifyOnce = (note: string) => {
    let outcome = outcomes.get(note);
    if (outcome === undefined) {
      try {
        outcome = verifyCheckpoint(note, verifiers);
      } catch (error) {
        outcome = { error };
      }
      outcomes.set(note, outcome);
    }
    if ('error' in outcome) throw outcome.error;
    return outcome;
  };
  for (const { note, source } of notes) {
    let size: number;
    let rootHash: string;
    try {
      ({ size, rootHash } = verifyOnce(note));
    } catch (error) {
      const detail = error instanceof CheckpointError ? error.message : String(error);
      let claimed = '';
      try {
        claimed = ` claiming size ${parseCheckpointBody(note).size}`;
      } catch {
        // unparseable: the message says so
      }
      problems.push({ kind: 'checkpoint_forged', message: `checkpoint${claimed} in ${source} does not verify: ${detail}` });
      continue;
    }
    const seen = bySize.get(size);
    if (seen !== undefined && seen.rootHash !== rootHash) {
      problems.push({
        kind: 'checkpoint_conflict',
        message: `two signed checkpoints at size ${size} disagree (${seen.source} and ${source}): the history was forked`,
      });
    }
    if (seen === undefined) bySize.set(size, { size, rootHash, source });
    // Both sides of a fork are held against the log, so the one that does not match is named too.
    else if (seen.rootHash !== rootHash) forks.push({ size, rootHash, source });
  }
  return [...bySize.values(), ...forks].sort((a, b) => a.size - b.size);
}

/** What reading the whole log found, besides the problems it reported. */
interface ScanOutcome {
  readonly events: number;
  readonly streams: number;
  readonly rootHash: string;
  /** Checkpoints (a prefix of the sorted list) that were held against the log. */
  readonly checked: number;
  readonly sealedSize: number;
}

/** Starts a worker when the stored log state says the log is large enough to be worth one. */
async function workerFor(input: VerifyLedgerInput): Promise<VerifyWorker | undefined> {
  const threshold = input.parallelThreshold ?? PARALLEL_THRESHOLD;
  if (!(threshold < Infinity)) return undefined;
  let size: number;
  try {
    // Only a hint: the log state is checked against the events at the end, as always.
    size = (await input.backend.logState()).size;
  } catch {
    return undefined;
  }
  return size >= threshold ? VerifyWorker.start() : undefined;
}

/** Checks everything that can be checked; `ok` is false when any problem was found. */
export async function verifyLedger(input: VerifyLedgerInput): Promise<VerifyReport> {
  // Started first, so that the worker's start-up overlaps the checking of the checkpoints' signatures.
  const worker = await workerFor(input);
  try {
    return await verifyWith(input, worker);
  } finally {
    await worker?.terminate();
  }
}

async function verifyWith(input: VerifyLedgerInput, worker: VerifyWorker | undefined): Promise<VerifyReport> {
  const { backend } = input;
  const problems: VerifyProblem[] = [];
  const warnings: string[] = [];
  const dbRows = await backend.listCheckpoints();
  for (const row of dbRows) {
    try {
      const body = parseCheckpointBody(row.note);
      if (body.size !== row.size || body.rootHash !== row.rootHash) {
        problems.push({ kind: 'checkpoint_forged', message: `checkpoint row ${row.size} does not match its own signed note` });
      }
    } catch {
      // reported by collectCheckpoints
    }
  }
  const dbSizes = new Set(dbRows.map((r) => r.size));
  const fileSizes = new Set<number>();
  for (const note of input.fileNotes) {
    try {
      fileSizes.add(parseCheckpointBody(note).size);
    } catch {
      // reported by collectCheckpoints
    }
  }
  for (const size of fileSizes) {
    if (!dbSizes.has(size)) warnings.push(`checkpoint at size ${size} is in the checkpoint file but not in the database`);
  }
  for (const size of dbSizes) {
    if (!fileSizes.has(size)) warnings.push(`checkpoint at size ${size} is in the database but not in the checkpoint file`);
  }
  const checkpoints = collectCheckpoints(
    [
      ...dbRows.map((r) => ({ note: r.note, source: 'the database' })),
      ...input.fileNotes.map((note) => ({ note, source: 'the checkpoint file' })),
    ],
    input.verifiers,
    problems,
  );

  const report = (p: VerifyProblem) => {
    if (problems.length < MAX_PROBLEMS) problems.push(p);
  };
  // Pages small enough to die young: bigger ones outlive the young generation and make the collector copy
  // and then mark every row (50,000 rows per page verified 2-3 times slower). On two threads a page lives
  // longer (the next one is read before it is encoded), and 1,000 rows did best (5,000 were 25% slower).
  const pageSize = input.pageSize ?? (worker === undefined ? 5_000 : 1_000);
  let scan: ScanOutcome | undefined;
  if (worker !== undefined) {
    const found = await worker.scan({ backend, pageSize, sizes: checkpoints.map((cp) => cp.size), maxProblems: MAX_PROBLEMS });
    if (found !== undefined) scan = reportParallelScan(found, checkpoints, report);
    input.onMode?.(found === undefined ? 'parallel-fell-back' : 'parallel');
  } else {
    input.onMode?.('single-threaded');
  }
  scan ??= await scanSingleThreaded(backend, pageSize, checkpoints, report);

  const { events, checked, sealedSize, rootHash } = scan;
  for (const cp of checkpoints.slice(checked)) {
    report({
      kind: 'history_cut',
      message: `a checkpoint was signed at size ${cp.size} (${cp.source}) but the log holds only ${events} events: history was cut`,
    });
  }
  const state = await backend.logState();
  if (state.size < events) {
    report({
      kind: 'append_outside_log',
      globalPosition: state.size + 1,
      message: `events from ${state.size + 1} on were written to the database behind the log's back (the log holds ${state.size})`,
    });
  } else if (state.size > events) {
    report({ kind: 'history_cut', message: `the log state records ${state.size} events but only ${events} are present` });
  } else if (frontierRoot(state.frontier) !== rootHash) {
    report({ kind: 'history_rewritten', message: "the log state's Merkle root does not match the events" });
  }
  if (events > sealedSize) warnings.push(`${events - sealedSize} latest events are not yet covered by a signed checkpoint`);
  problems.sort((a, b) => (a.globalPosition ?? Infinity) - (b.globalPosition ?? Infinity));
  return { ok: problems.length === 0, events, streams: scan.streams, checkpoints: checkpoints.length, sealedSize, rootHash, problems, warnings };
}

/** The reference: every check of every event on this thread, problems reported in the order found. */
async function scanSingleThreaded(
  backend: Backend,
  pageSize: number,
  checkpoints: readonly SignedCheckpoint[],
  report: (p: VerifyProblem) => void,
): Promise<ScanOutcome> {
  const order = new OrderCheck(report);
  const tree = new MerkleAccumulator();
  let nextCheckpoint = 0;
  let sealedSize = 0;
  for (let after = 0; ; ) {
    const rows = await backend.readAll(after, pageSize);
    for (const row of rows) {
      order.check(row);
      let recomputed: string;
      try {
        recomputed = eventHash(row);
      } catch {
        recomputed = '';
      }
      if (recomputed !== row.hash) report(alteredProblem(row.globalPosition, row.type, row.streamId));
      tree.pushEventHash(row.hash);
      while (nextCheckpoint < checkpoints.length && checkpoints[nextCheckpoint]!.size === tree.size) {
        const cp = checkpoints[nextCheckpoint++]!;
        if (tree.root().toString('hex') !== cp.rootHash) report(rewrittenProblem(cp));
        else sealedSize = cp.size;
      }
    }
    if (rows.length < pageSize) break;
    after = rows[rows.length - 1]!.globalPosition;
  }
  return { events: tree.size, streams: order.heads.size, rootHash: tree.root().toString('hex'), checked: nextCheckpoint, sealedSize };
}

/** The problem the single-threaded scan reports for what the worker found. */
function problemOf(p: EventProblem): VerifyProblem {
  switch (p.kind) {
    case 'gap':
      return gapProblem(p.at, p.expected);
    case 'stream':
      return streamPositionProblem(p.at, p.streamId, p.streamPosition, p.expected);
    case 'chain':
      return chainProblem(p.at, p.streamId);
    case 'altered':
      return alteredProblem(p.at, p.type, p.streamId);
  }
}

/**
 * Reports what the two threads found in the order the single-threaded scan reports it: event by event,
 * its own problems, then the checkpoints held against the log at its size.
 */
function reportParallelScan(scan: ParallelScan, checkpoints: readonly SignedCheckpoint[], report: (p: VerifyProblem) => void): ScanOutcome {
  const { problems, roots } = scan;
  let next = 0;
  let sealedSize = 0;
  for (let k = 0; k <= roots.length; k++) {
    // Checkpoint k was held against the log right after the event of ordinal size - 1 (when tree.size = size).
    const cp = checkpoints[k];
    const upTo = k < roots.length ? cp!.size - 1 : Infinity;
    while (next < problems.length && problems[next]!.ordinal <= upTo) report(problemOf(problems[next++]!));
    if (k < roots.length) {
      if (roots[k] !== cp!.rootHash) report(rewrittenProblem(cp!));
      else sealedSize = cp!.size;
    }
  }
  return { events: scan.events, streams: scan.streams, rootHash: scan.rootHash, checked: roots.length, sealedSize };
}
