/**
 * What both ways of verifying (single-threaded, and parallel with a worker thread) share: the problems and
 * their messages, and the single-threaded order checks, so that the two give the very same report. The
 * worker (verify-worker.js) checks the same order and describes each problem by its numbers and names;
 * the messages are made here, from those, for both.
 */
import type { EventRow } from '../backend.ts';
import { ZERO_HASH } from './event-hash.ts';

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

export interface SignedCheckpoint {
  readonly size: number;
  readonly rootHash: string;
  readonly source: string;
}

/** Event `at` came where event `expected` was due. */
export function gapProblem(at: number, expected: number): VerifyProblem {
  return {
    kind: 'position_gap',
    globalPosition: at,
    message:
      at > expected
        ? `events ${expected}–${at - 1} are missing from the log (next present is ${at})`
        : `event ${at} appears out of order after ${expected - 1}`,
  };
}

export function streamPositionProblem(at: number, streamId: string, streamPosition: number, expected: number): VerifyProblem {
  return {
    kind: 'stream_position',
    globalPosition: at,
    message: `event ${at} is at position ${streamPosition} of stream ${streamId}, expected ${expected}`,
  };
}

export function chainProblem(at: number, streamId: string): VerifyProblem {
  return { kind: 'chain_broken', globalPosition: at, message: `event ${at} does not link to the previous event of stream ${streamId}` };
}

export function alteredProblem(at: number, type: string, streamId: string): VerifyProblem {
  return { kind: 'event_altered', globalPosition: at, message: `event ${at} (${type} in ${streamId}) was altered after it was recorded` };
}

export function rewrittenProblem(cp: SignedCheckpoint): VerifyProblem {
  return {
    kind: 'history_rewritten',
    message: `the log's first ${cp.size} events do not match the checkpoint signed at that size (${cp.source}): history was rewritten`,
  };
}

/**
 * Checks that events come in order: global positions without gaps, each stream's positions in turn, each
 * event linked to its stream's previous one. Keeps one small object per stream, updated in place.
 */
export class OrderCheck {
  readonly heads = new Map<string, { version: number; hash: string }>();
  private expected = 1;
  private readonly report: (problem: VerifyProblem) => void;

  constructor(report: (problem: VerifyProblem) => void) {
    this.report = report;
  }

  check(row: EventRow): void {
    const at = row.globalPosition;
    if (at !== this.expected) this.report(gapProblem(at, this.expected));
    this.expected = at + 1;
    let head = this.heads.get(row.streamId);
    if (head === undefined) {
      head = { version: 0, hash: ZERO_HASH };
      this.heads.set(row.streamId, head);
    }
    if (row.streamPosition !== head.version + 1) {
      this.report(streamPositionProblem(at, row.streamId, row.streamPosition, head.version + 1));
    } else if (row.prevHash !== head.hash) {
      this.report(chainProblem(at, row.streamId));
    }
    head.version = row.streamPosition;
    head.hash = row.hash;
  }
}
