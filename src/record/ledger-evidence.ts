/**
 * The verification block of an exported record: the record's events checked the way `bes verify` checks
 * the whole ledger (event-hash.ts, verify-checks.ts), and proven to be in the Merkle log of the latest
 * signed checkpoint, with the key that signed it, so that the file can be checked on another machine.
 */
import type { Backend, EventRow } from '../store/backend.ts';
import { ZERO_HASH, eventHash } from '../store/ledger/event-hash.ts';
import { leafHash } from '../store/ledger/merkle.ts';
import { CheckpointError, verifierKeyText, verifyCheckpoint, type NoteVerifier } from '../store/ledger/checkpoint-note.ts';
import { alteredProblem, chainProblem, rewrittenProblem, streamPositionProblem, type VerifyProblem } from '../store/ledger/verify-checks.ts';
import type { LogHead } from '../store/event-store.ts';
import type { RecordVerification, StreamEvidence } from './record-schema.ts';
import { MerkleTree } from './merkle-paths.ts';

export const VERIFICATION_METHOD =
  'openbes-event-v1 event hashes and per-stream SHA-256 chains (docs/ledger.md); RFC 6962 Merkle inclusion of each event in the log of a C2SP signed checkpoint (Ed25519)';

const PAGE = 5_000;

function recomputes(row: EventRow): boolean {
  try {
    return eventHash(row) === row.hash;
  } catch {
    return false;
  }
}

/** An event as the stream checks need it, with whether its hash recomputed from its content. */
export interface CheckedEvent {
  readonly globalPosition: number;
  readonly streamId: string;
  readonly streamPosition: number;
  readonly type: string;
  readonly prevHash: string;
  readonly hash: string;
  readonly recomputes: boolean;
}

/**
 * Checks each stream's events (in log order): hashes, and for whole streams positions 1..n and the chain;
 * of a stream held in part, each event whose predecessor is held too must link to it.
 */
export function streamEvidence(events: readonly CheckedEvent[], completeStreams: readonly string[], problems: VerifyProblem[]): StreamEvidence[] {
  const byStream = new Map<string, CheckedEvent[]>();
  for (const e of events) byStream.set(e.streamId, [...(byStream.get(e.streamId) ?? []), e]);
  return [...byStream].map(([streamId, held]) => {
    const complete = completeStreams.includes(streamId);
    let ok = true;
    let previous: CheckedEvent | undefined;
    for (const e of held) {
      if (!e.recomputes) {
        ok = false;
        problems.push(alteredProblem(e.globalPosition, e.type, e.streamId));
      }
      const expected = complete ? (previous?.streamPosition ?? 0) + 1 : e.streamPosition;
      if (e.streamPosition !== expected) {
        ok = false;
        problems.push(streamPositionProblem(e.globalPosition, streamId, e.streamPosition, expected));
      } else if (e.streamPosition === 1 || previous?.streamPosition === e.streamPosition - 1) {
        if (e.prevHash !== (e.streamPosition === 1 ? ZERO_HASH : previous!.hash)) {
          ok = false;
          problems.push(chainProblem(e.globalPosition, streamId));
        }
      }
      previous = e;
    }
    return { streamId, complete, events: held.length, head: held.at(-1)!.hash, chainVerified: ok };
  });
}

/** The leaf hashes of the first `size` events of the log, as stored. */
async function leavesOf(backend: Backend, size: number): Promise<Buffer> {
  const leaves = Buffer.alloc(size * 32);
  let count = 0;
  for (let after = 0; count < size; ) {
    const rows = await backend.readAll(after, Math.min(PAGE, size - count));
    if (rows.length === 0) break;
    for (const row of rows) leafHash(row.hash).copy(leaves, 32 * count++);
    after = rows.at(-1)!.globalPosition;
  }
  return leaves.subarray(0, count * 32);
}

/** The trusted key whose signature the note carries. */
function signerOf(note: string, verifiers: readonly NoteVerifier[]): NoteVerifier | undefined {
  return verifiers.find((v) => {
    try {
      verifyCheckpoint(note, [v]);
      return true;
    } catch (error) {
      if (error instanceof CheckpointError) return false;
      throw error;
    }
  });
}

export interface EvidenceInput {
  readonly backend: Backend;
  readonly rows: readonly EventRow[];
  readonly completeStreams: readonly string[];
  /** Keys this installation trusts (ledger.vkey and trusted/*.vkey). */
  readonly verifiers: readonly NoteVerifier[];
  readonly head: LogHead;
}

/** Checks the record's events and proves each one against the latest signed checkpoint. */
export async function ledgerEvidence(input: EvidenceInput): Promise<RecordVerification> {
  const { backend, rows } = input;
  const chainProblems: VerifyProblem[] = [];
  const streams = streamEvidence(rows.map((row) => ({ ...row, recomputes: recomputes(row) })), input.completeStreams, chainProblems);
  const problems = chainProblems.map((p) => p.message);
  const latest = (await backend.listCheckpoints()).reduce<Awaited<ReturnType<Backend['listCheckpoints']>>[number] | undefined>(
    (best, c) => (best === undefined || c.size > best.size ? c : best),
    undefined,
  );
  const proofs: RecordVerification['proofs'] = [];
  let publicKey: RecordVerification['publicKey'] = null;
  if (latest !== undefined) {
    const signer = signerOf(latest.note, input.verifiers);
    if (signer === undefined) problems.push(`the checkpoint at size ${latest.size} is not signed by a key this installation trusts`);
    else publicKey = { name: signer.name, keyId: signer.keyId.toString('hex'), vkey: verifierKeyText(signer.name, signer.publicKey) };
    const leaves = await leavesOf(backend, latest.size);
    const tree = leaves.length === 0 ? undefined : new MerkleTree(leaves);
    if (tree?.size !== latest.size || tree.root().toString('hex') !== latest.rootHash) {
      problems.push(rewrittenProblem({ size: latest.size, rootHash: latest.rootHash, source: 'the database' }).message);
    }
    for (const row of rows) {
      if (tree === undefined || row.globalPosition > tree.size) continue;
      const path = tree.inclusionPath(row.globalPosition - 1).map((h) => h.toString('hex'));
      proofs.push({ globalPosition: row.globalPosition, leafIndex: row.globalPosition - 1, treeSize: latest.size, path });
    }
  }
  return {
    method: VERIFICATION_METHOD,
    eventsVerified: rows.every(recomputes),
    streams,
    problems,
    checkpoint: latest === undefined ? null : { note: latest.note, origin: latest.note.slice(0, latest.note.indexOf('\n')), size: latest.size, rootHash: latest.rootHash },
    publicKey,
    proofs,
    unsealed: rows.filter((r) => r.globalPosition > (latest?.size ?? 0)).map((r) => r.globalPosition),
    log: { size: input.head.size, rootHash: input.head.rootHash },
  };
}
