/**
 * Verifies a whole ledger: every stream's hash chain, the log's positions, the Merkle log against every
 * signed checkpoint (from the database and from the file kept outside it), and the log state.
 * It reads only; it trusts nothing stored in the database except what the hashes and signatures prove.
 */
import type { Backend, EventRow } from '../backend.ts';
import { ZERO_HASH, eventHash } from './event-hash.ts';
import { CheckpointError, parseCheckpointBody, verifyCheckpoint, type NoteVerifier } from './checkpoint-note.ts';
import { MerkleAccumulator, frontierRoot } from './merkle.ts';

export type ProblemKind =
  | 'position_gap'
  | 'event_altered'
  | 'chain_broken'
  | 'stream_position'
  | 'checkpoint_forged'
  | 'checkpoint_conflict'
  | 'history_rewritten'
  | 'history_cut'
  | 'append_outside_log';

export interface VerifyProblem {
  readonly kind: ProblemKind;
  /** The first event concerned, when one can be named. */
  readonly globalPosition?: number;
  readonly message: string;
}

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

export interface VerifyLedgerInput {
  readonly backend: Backend;
  /** Notes from the checkpoint file outside the database. */
  readonly fileNotes: readonly string[];
  /** Keys the auditor trusts; a checkpoint signed by no trusted key is treated as forged. */
  readonly verifiers: readonly NoteVerifier[];
  readonly pageSize?: number;
}

interface SignedCheckpoint {
  readonly size: number;
  readonly rootHash: string;
  readonly source: string;
}

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

/** Checks everything that can be checked; `ok` is false when any problem was found. */
export async function verifyLedger(input: VerifyLedgerInput): Promise<VerifyReport> {
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

  const heads = new Map<string, { version: number; hash: string }>();
  const tree = new MerkleAccumulator();
  let nextCheckpoint = 0;
  let sealedSize = 0;
  let expected = 1;
  const report = (p: VerifyProblem) => {
    if (problems.length < MAX_PROBLEMS) problems.push(p);
  };
  const checkRow = (row: EventRow) => {
    const at = row.globalPosition;
    if (at !== expected) {
      report({
        kind: 'position_gap',
        globalPosition: at,
        message:
          at > expected
            ? `events ${expected}–${at - 1} are missing from the log (next present is ${at})`
            : `event ${at} appears out of order after ${expected - 1}`,
      });
    }
    expected = at + 1;
    let head = heads.get(row.streamId);
    if (head === undefined) {
      head = { version: 0, hash: ZERO_HASH };
      heads.set(row.streamId, head);
    }
    if (row.streamPosition !== head.version + 1) {
      report({
        kind: 'stream_position',
        globalPosition: at,
        message: `event ${at} is at position ${row.streamPosition} of stream ${row.streamId}, expected ${head.version + 1}`,
      });
    } else if (row.prevHash !== head.hash) {
      report({ kind: 'chain_broken', globalPosition: at, message: `event ${at} does not link to the previous event of stream ${row.streamId}` });
    }
    let recomputed: string;
    try {
      recomputed = eventHash(row);
    } catch {
      recomputed = '';
    }
    if (recomputed !== row.hash) {
      report({ kind: 'event_altered', globalPosition: at, message: `event ${at} (${row.type} in ${row.streamId}) was altered after it was recorded` });
    }
    // Updated in place: one object per stream, not one per event.
    head.version = row.streamPosition;
    head.hash = row.hash;
    tree.pushEventHash(row.hash);
    while (nextCheckpoint < checkpoints.length && checkpoints[nextCheckpoint]!.size === tree.size) {
      const cp = checkpoints[nextCheckpoint++]!;
      if (tree.root().toString('hex') !== cp.rootHash) {
        report({
          kind: 'history_rewritten',
          message: `the log's first ${cp.size} events do not match the checkpoint signed at that size (${cp.source}): history was rewritten`,
        });
      } else {
        sealedSize = cp.size;
      }
    }
  };

  // Pages small enough to die young: bigger ones outlive the young generation and make the collector copy
  // and then mark every row (50,000 rows per page verified 2-3 times slower).
  const pageSize = input.pageSize ?? 5_000;
  for (let after = 0; ; ) {
    const rows = await backend.readAll(after, pageSize);
    for (const row of rows) checkRow(row);
    if (rows.length < pageSize) break;
    after = rows[rows.length - 1]!.globalPosition;
  }

  const events = tree.size;
  for (const cp of checkpoints.slice(nextCheckpoint)) {
    report({
      kind: 'history_cut',
      message: `a checkpoint was signed at size ${cp.size} (${cp.source}) but the log holds only ${events} events: history was cut`,
    });
  }
  const state = await backend.logState();
  const rootHash = tree.root().toString('hex');
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
  return { ok: problems.length === 0, events, streams: heads.size, checkpoints: checkpoints.length, sealedSize, rootHash, problems, warnings };
}
